package charts

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strconv"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// StateSpan is a lane in one state from Start to End: a processor running a goroutine, a
// goroutine runnable (waiting for a processor), the collector stopping the world.
type StateSpan struct {
	Lane, State string
	Label       string // what the tooltip says of the span besides its state, e.g. "G42 main.worker"
	Start, End  float64
}

// StateStyle is how a state is drawn: its name, as in the spans and the legend, and its CSS
// color (a default one if empty or not a color). An Overlay state (stop-the-world) is also
// drawn as a translucent band across every lane.
type StateStyle struct {
	Name, Color string
	Overlay     bool
}

// Bounds of what a states chart sends: beyond either, spans are merged.
const (
	maxStateSpans = 20000
	maxStateBytes = 550_000 // spans and labels, about
)

// States draws lanes of states over time, as a Go execution trace has them: per processor
// (P0, P1, ...: which goroutine ran when), per goroutine (running, runnable, blocked,
// syscall), the collector (stop-the-world, marking). lanes gives the lanes' order, top
// to bottom (lanes of spans not in it follow, in natural order); states gives the states'
// order in the legend and their colors (states of spans not in it follow, with default
// colors). Click a state in the legend to hide it; zoom with the mouse wheel or the
// slider; with many lanes, a second slider scrolls them. Spans with a non-finite time or
// an end before their start are left out. Above 20,000 spans, spans of one lane in one
// state separated by less than a small gap are merged (the subtitle says how small), so
// that a notebook output stays under about half a megabyte. The fallback table gives each
// lane's time in each state.
func States(title, unit string, lanes []string, spans []StateSpan, states []StateStyle) *Chart {
	spans = slices.DeleteFunc(slices.Clone(spans), func(s StateSpan) bool {
		return !finite(s.Start) || !finite(s.End) || s.End < s.Start
	})
	lanes = stateLanes(lanes, spans)
	states = stateStyles(states, spans)
	drawn, labels, gap := stateRows(lanes, states, spans)
	o := statesOption(title, unit, lanes, states, drawn, len(spans), gap)
	meta := map[string]any{"unit": unit, "labels": labels, "overlay": overlayStates(states)}
	c := newChart("states", "states", title, o, meta, stateTable(title, unit, lanes, states, spans))
	c.height = min(max(DefaultHeight, 140+18*min(len(lanes), maxShownLanes)), 900)
	return c
}

// maxShownLanes is how many lanes show at once; a slider scrolls through more.
const maxShownLanes = 40

// stateLanes is the lanes in order: those given, then the others of spans in natural order.
func stateLanes(given []string, spans []StateSpan) []string {
	lanes := slices.Clone(given)
	var more []string
	for _, s := range spans {
		if !slices.Contains(lanes, s.Lane) {
			more = append(more, s.Lane)
		}
	}
	slices.SortFunc(more, naturalCmp)
	return slices.Compact(append(lanes, slices.Compact(more)...))
}

// cssColor accepts what a state's Color may be: #rgb, #rrggbb(aa), rgb()/rgba() or a name.
var cssColor = regexp.MustCompile(`^(#[0-9a-fA-F]{3,8}|rgba?\([0-9., %]+\)|[a-zA-Z]{3,20})$`)

// statePalette colors the states with no valid color of their own.
var statePalette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// stateStyles is the states in order: those given, then the others of spans in order of
// appearance, each with a color.
func stateStyles(given []StateStyle, spans []StateSpan) []StateStyle {
	var out []StateStyle
	seen := map[string]bool{}
	for _, s := range given {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	for _, s := range spans {
		if !seen[s.State] {
			seen[s.State] = true
			out = append(out, StateStyle{Name: s.State})
		}
	}
	for i := range out {
		if !cssColor.MatchString(out[i].Color) {
			out[i].Color = statePalette[i%len(statePalette)]
		}
	}
	return out
}

func overlayStates(states []StateStyle) []any {
	var out []any
	for _, s := range states {
		if s.Overlay {
			out = append(out, s.Name)
		}
	}
	return out
}

// stateRow is one span to draw: lane and state by index, its label's index (-1 for the
// spans merged into it when their labels differ) and how many spans it stands for.
type stateRow struct {
	lane, state, label, n int
	start, end            float64
}

// stateRows returns the spans to draw, merged as needed to stay within maxStateSpans, the
// distinct labels, and the largest gap merging closed (0 if no span was merged).
func stateRows(lanes []string, states []StateStyle, spans []StateSpan) ([]stateRow, []string, float64) {
	laneIdx, stateIdx, labelIdx := indexOf(lanes), map[string]int{}, map[string]int{}
	for i, s := range states {
		stateIdx[s.Name] = i
	}
	var labels []string
	rows := make([]stateRow, len(spans))
	first, last := math.Inf(1), math.Inf(-1)
	for i, s := range spans {
		l, ok := labelIdx[s.Label]
		if !ok {
			l = len(labels)
			labelIdx[s.Label] = l
			labels = append(labels, s.Label)
		}
		rows[i] = stateRow{lane: laneIdx[s.Lane], state: stateIdx[s.State], label: l, n: 1, start: s.Start, end: s.End}
		first, last = math.Min(first, s.Start), math.Max(last, s.End)
	}
	slices.SortFunc(rows, func(a, b stateRow) int {
		return cmp.Or(cmp.Compare(a.lane, b.lane), cmp.Compare(a.state, b.state), cmp.Compare(a.start, b.start))
	})
	rows = mergeRows(rows, 0, true) // touching spans of one label: nothing is lost
	gap := 0.0
	for extent := last - first; (len(rows) > maxStateSpans || stateBytes(rows, labels) > maxStateBytes) && gap <= extent; {
		if gap == 0 {
			gap = extent * 1e-6
		} else {
			gap *= 2
		}
		rows = mergeRows(rows, gap, false)
	}
	return rows, usedLabels(rows, labels), gap
}

// stateBytes is about how many bytes the rows and their labels take in a fragment.
func stateBytes(rows []stateRow, labels []string) int {
	n := 28 * len(rows)
	seen := make(map[int]bool)
	for _, r := range rows {
		if r.label >= 0 && !seen[r.label] {
			seen[r.label] = true
			n += len(labels[r.label]) + 3
		}
	}
	return n
}

// usedLabels returns the labels the rows refer to, in order, each row's index changed to
// its label's in them: merging leaves most labels of a big trace unused.
func usedLabels(rows []stateRow, labels []string) []string {
	var used []string
	index := map[int]int{}
	for i := range rows {
		l := rows[i].label
		if l < 0 {
			continue
		}
		k, ok := index[l]
		if !ok {
			k = len(used)
			index[l] = k
			used = append(used, labels[l])
		}
		rows[i].label = k
	}
	return used
}

// mergeRows merges, in rows sorted by lane, state and start, each span into the previous
// one of its lane and state when it starts at most gap after that one ends (and, if
// sameLabel, has its label).
func mergeRows(rows []stateRow, gap float64, sameLabel bool) []stateRow {
	out := rows[:0]
	for _, r := range rows {
		if k := len(out) - 1; k >= 0 && out[k].lane == r.lane && out[k].state == r.state && r.start <= out[k].end+gap &&
			(!sameLabel || out[k].label == r.label) {
			p := &out[k]
			p.end, p.n = math.Max(p.end, r.end), p.n+r.n
			if p.label != r.label {
				p.label = -1
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func indexOf(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}

// statesOption draws one custom series per state (the legend shows and hides states),
// overlay states first, so that their bands lie under the other states.
func statesOption(title, unit string, lanes []string, states []StateStyle, rows []stateRow, spans int, gap float64) map[string]any {
	first, last := 0.0, 0.0
	for _, r := range rows {
		first, last = math.Min(first, r.start), math.Max(last, r.end)
	}
	decimals := timeDecimals(last - first)
	subtitle := ""
	if gap > 0 {
		subtitle = strconv.Itoa(spans) + " spans drawn as " + strconv.Itoa(len(rows)) + ": gaps under " + fmtNum(gap) + " " + unit + " closed"
	}
	c := ec.NewCustom()
	c.SetGlobalOptions(
		ec.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center", Top: "4"}),
		ec.WithAnimation(false),
		ec.WithGridOpts(opts.Grid{Left: "24", Right: "48", Top: "76", Bottom: "80", ContainLabel: opts.Bool(true)}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "46", Type: "scroll"}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit + " since start", NameLocation: "middle", NameGap: 24,
			Min: fixed(first, decimals), Max: fixed(last, decimals), AxisLabel: &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "category", Data: lanes, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Interval: "0"}, SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}),
		ec.WithDataZoomOpts(stateZooms(len(lanes))...),
	)
	order := seriesOrder(states)
	for _, k := range order {
		var items []any
		for _, r := range rows {
			if r.state == k {
				items = append(items, []any{r.lane, fixed(r.start, decimals), fixed(r.end, decimals), r.label, r.n})
			}
		}
		c.AddSeries(states[k].Name, nil,
			ec.WithEncodeOpts(opts.Encode{X: []int{1, 2}, Y: 0}),
			ec.WithItemStyleOpts(opts.ItemStyle{Color: states[k].Color}),
			ec.WithSeriesAnimation(false),
			ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.Data = items }),
		)
	}
	o := optionOf(c)
	withTooltip(o)
	for i := range order {
		set(o, "series."+strconv.Itoa(i)+".renderItem", fnRef("span"))
		set(o, "series."+strconv.Itoa(i)+".progressive", 0) // one pass: a tenth of the time of ECharts' 400 a frame
	}
	if len(lanes) > maxShownLanes {
		set(o, "dataZoom.2.right", 8)
		set(o, "dataZoom.2.width", 14)
	}
	return o
}

// seriesOrder is the states' indices, overlay states first.
func seriesOrder(states []StateStyle) []int {
	order := make([]int, 0, len(states))
	for _, overlay := range []bool{true, false} {
		for i, s := range states {
			if s.Overlay == overlay {
				order = append(order, i)
			}
		}
	}
	return order
}

// stateZooms zooms time with the wheel and a slider; with many lanes, a second slider
// scrolls through them.
func stateZooms(lanes int) []opts.DataZoom {
	z := []opts.DataZoom{
		{Type: "inside", XAxisIndex: 0, FilterMode: "weakFilter"},
		{Type: "slider", XAxisIndex: 0, FilterMode: "weakFilter"},
	}
	if lanes > maxShownLanes {
		z = append(z, opts.DataZoom{Type: "slider", YAxisIndex: 0, FilterMode: "weakFilter",
			End: float32(100 * maxShownLanes / float64(lanes))})
	}
	return z
}

// timeDecimals is how many decimals keep times to about a hundred-thousandth of extent
// (a tenth of a pixel of a chart 2,000 px wide zoomed in fifty times).
func timeDecimals(extent float64) int {
	if !(extent > 0) {
		return 5
	}
	return min(max(int(math.Ceil(5-math.Log10(extent))), 0), 12)
}

// maxTableLanes bounds the fallback table: further lanes are summed up in one row.
const maxTableLanes = 40

// stateTable is the fallback: per lane, the time in each state (the rest of the lanes
// summed up in one row), then all lanes.
func stateTable(title, unit string, lanes []string, states []StateStyle, spans []StateSpan) string {
	laneIdx, stateIdx := indexOf(lanes), map[string]int{}
	for i, s := range states {
		stateIdx[s.Name] = i
	}
	time := make([][]float64, len(lanes))
	for i := range time {
		time[i] = make([]float64, len(states))
	}
	for _, s := range spans {
		time[laneIdx[s.Lane]][stateIdx[s.State]] += s.End - s.Start
	}
	row := func(name string, from, to int) []string {
		r := []string{name}
		for k := range states {
			sum := 0.0
			for l := from; l < to; l++ {
				sum += time[l][k]
			}
			r = append(r, fmtNum(sum))
		}
		return r
	}
	var rows [][]string
	for i, l := range lanes[:min(len(lanes), maxTableLanes)] {
		rows = append(rows, row(l, i, i+1))
	}
	if len(lanes) > maxTableLanes {
		rows = append(rows, row(strconv.Itoa(len(lanes)-maxTableLanes)+" more lanes", maxTableLanes, len(lanes)))
	}
	if len(lanes) > 1 {
		rows = append(rows, row("all lanes", 0, len(lanes)))
	}
	head := []string{"lane"}
	for _, s := range states {
		head = append(head, s.Name+" ("+unit+")")
	}
	return table(title+": time in each state", head, rows)
}
