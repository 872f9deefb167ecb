package charts

import (
	"math"
	"slices"
	"strconv"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Span is one task's run on a lane (a worker, a pid), in seconds from the start of the run.
type Span struct {
	Lane, Task string
	Start, End float64
	Failed     bool
}

// failedColor makes failed spans stand out from the default palette.
const failedColor = "#d62728"

// Timeline draws a Gantt chart: one row per lane, in natural order of the lane names ("w2"
// before "w10"), one bar per span, failed spans in red, the task's name, lane and times in
// the tooltip. Zoom in with the mouse wheel or the slider. Spans with a non-finite start or
// end are left out. The data is sent compactly (times rounded to 0.1 ms, lanes as
// indices), so 10,000 spans with ten-character task names make a fragment of about 330 KB.
func Timeline(title string, spans []Span) *Chart { return TimelineIn(title, "seconds", spans) }

// TimelineIn is [Timeline] for spans measured in another unit, e.g. "talk minutes": the
// axis, the tooltips and the fallback table name it instead of seconds.
func TimelineIn(title, unit string, spans []Span) *Chart {
	spans = slices.DeleteFunc(slices.Clone(spans), func(s Span) bool { return !finite(s.Start) || !finite(s.End) })
	lanes := laneOrder(spans)
	end := 0.0
	for _, s := range spans {
		end = max(end, s.End)
	}
	c := newChart("timeline", "timeline", title, timelineOption(title, unit, lanes, spans),
		map[string]any{"unit": unit, "end": end}, laneTable(title, unit, lanes, spans))
	c.height = min(max(DefaultHeight, 150+22*len(lanes)), 1200)
	return c
}

// laneOrder returns the spans' lanes in natural order, each once.
func laneOrder(spans []Span) []string {
	var lanes []string
	for _, s := range spans {
		lanes = append(lanes, s.Lane)
	}
	slices.SortFunc(lanes, naturalCmp)
	return slices.Compact(lanes)
}

// spanItems are the series data: [lane index, start, end, task], or {value, failed} for a
// failed span. Arrays, not {"value": ...} objects: a tenth of the size for 10,000 spans.
func spanItems(lanes []string, spans []Span) []any {
	index := make(map[string]int, len(lanes))
	for i, l := range lanes {
		index[l] = i
	}
	items := make([]any, 0, len(spans))
	for _, s := range spans {
		v := []any{index[s.Lane], sec(s.Start), sec(s.End), s.Task}
		if s.Failed {
			items = append(items, map[string]any{"value": v, "failed": 1, "itemStyle": map[string]string{"color": failedColor}})
		} else {
			items = append(items, v)
		}
	}
	return items
}

func timelineOption(title, unit string, lanes []string, spans []Span) map[string]any {
	c := ec.NewCustom()
	c.SetGlobalOptions(
		titleOpts(title),
		ec.WithAnimation(false),
		// Room at the bottom for the axis name and the zoom slider.
		ec.WithGridOpts(opts.Grid{Left: "24", Right: "40", Top: "40", Bottom: "80", ContainLabel: opts.Bool(true)}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit + " since start", NameLocation: "middle", NameGap: 24, Min: 0, Max: "dataMax",
			// The end of the data or of a zoom window is no round number: its label would crowd the last tick's.
			AxisLabel: &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "category", Data: lanes, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{}, SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}),
		ec.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: 0, FilterMode: "weakFilter"},
			opts.DataZoom{Type: "slider", XAxisIndex: 0, FilterMode: "weakFilter"},
		),
	)
	items := spanItems(lanes, spans)
	c.AddSeries("tasks", nil,
		ec.WithEncodeOpts(opts.Encode{X: []int{1, 2}, Y: 0}),
		ec.WithSeriesAnimation(false),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.Data = items }),
	)
	o := optionOf(c)
	withTooltip(o)
	set(o, "series.0.renderItem", fnRef("span"))
	set(o, "series.0.progressive", 0) // one pass: a tenth of the time of ECharts' 400 a frame
	return o
}

// laneStat sums up one lane's spans.
type laneStat struct {
	tasks, failed  int
	busy, from, to float64
}

func (s *laneStat) add(o laneStat) {
	s.tasks += o.tasks
	s.failed += o.failed
	s.busy += o.busy
	s.from, s.to = math.Min(s.from, o.from), math.Max(s.to, o.to)
}

func (s laneStat) row(name string) []string {
	return []string{name, strconv.Itoa(s.tasks), strconv.Itoa(s.failed), fmtNum(s.busy), fmtNum(s.from), fmtNum(s.to)}
}

// laneTable is the timeline's fallback: per lane (and for all lanes, if more than one)
// its tasks, failed tasks, busy time, first start and last end.
func laneTable(title, unit string, lanes []string, spans []Span) string {
	empty := laneStat{from: math.Inf(1), to: math.Inf(-1)}
	stats := make(map[string]*laneStat, len(lanes))
	for _, l := range lanes {
		s := empty
		stats[l] = &s
	}
	for _, sp := range spans {
		failed := 0
		if sp.Failed {
			failed = 1
		}
		stats[sp.Lane].add(laneStat{tasks: 1, failed: failed, busy: sp.End - sp.Start, from: sp.Start, to: sp.End})
	}
	rows := make([][]string, 0, len(lanes)+1)
	total := empty
	for _, l := range lanes {
		total.add(*stats[l])
		rows = append(rows, stats[l].row(l))
	}
	if len(lanes) > 1 {
		rows = append(rows, total.row("all lanes"))
	}
	short := unit
	if unit == "seconds" {
		short = "s"
	}
	return table(title, []string{"lane", "tasks", "failed", "busy (" + short + ")", "first start (" + short + ")", "last end (" + short + ")"}, rows)
}
