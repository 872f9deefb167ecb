package charts

import (
	"strconv"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Estimate is what a chart shows of repeated measurements of one quantity, summarised by
// the caller: the value drawn as a bar (Mid, e.g. the median of the runs), an interval
// drawn as a whisker (Lo–Hi, e.g. a 95 % confidence interval of the median, or min–max)
// named by Interval, and the number of runs behind it. An Estimate with no Runs is no
// measurement, and draws nothing; a non-finite Mid draws no bar; no whisker unless
// Lo ≤ Hi, both finite.
type Estimate struct {
	Mid, Lo, Hi float64
	Interval    string // what Lo–Hi is: "95 % CI", "min–max"
	Runs        int
}

// whisker reports whether the estimate has an interval to draw.
func (e Estimate) whisker() bool { return e.Runs > 0 && finite(e.Lo) && finite(e.Hi) && e.Lo <= e.Hi }

// Timing is the measured times of one label (a strategy, a worker count), in seconds:
// wall-clock time and CPU time (the process and its children); a CPU with no Runs is not
// measured.
type Timing struct {
	Label     string
	Wall, CPU Estimate
}

// Times draws, per label, a bar of the wall time and one of the CPU time, each with its
// whisker; the y axis is in seconds. mid names what the bars show (e.g. "median": the
// legend, the tooltips and the table then say "wall time, median"). The CPU bars are left
// out when no row has CPU times. The tooltip gives each bar's value, interval and number of
// runs.
func Times(title, mid string, rows []Timing) *Chart {
	name := func(what string) string {
		if mid == "" {
			return what
		}
		return what + ", " + mid
	}
	groups := []timesGroup{{name("wall time"), func(t Timing) Estimate { return t.Wall }}}
	for _, r := range rows {
		if r.CPU.Runs > 0 {
			groups = append(groups, timesGroup{name("CPU time"), func(t Timing) Estimate { return t.CPU }})
			break
		}
	}
	meta := map[string]any{"rows": timesTooltipRows(rows, groups)}
	return newChart("times", "times", title, timesOption(title, rows, groups), meta, timesTable(title, rows, groups))
}

// timesGroup is one bar per label: wall or CPU time.
type timesGroup struct {
	name string
	of   func(Timing) Estimate
}

func timesOption(title string, rows []Timing, groups []timesGroup) map[string]any {
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.Label
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "16"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: "seconds", Min: 0, AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	whiskers := ec.NewCustom()
	legend := make([]string, 0, len(groups))
	for _, g := range groups {
		data := make([]opts.BarData, len(rows))
		var spread []opts.CustomData
		for i, r := range rows {
			e := g.of(r)
			data[i] = opts.BarData{Value: "-"}
			if e.Runs > 0 {
				data[i].Value = barValue(e.Mid)
			}
			if e.whisker() {
				spread = append(spread, opts.CustomData{Value: []any{i, num(e.Lo), num(e.Hi)}})
			}
		}
		bar.AddSeries(g.name, data, ec.WithBarChartOpts(opts.BarChart{BarGap: "30%", BarCategoryGap: "20%"}))
		whiskers.AddSeries(g.name, spread,
			ec.WithEncodeOpts(opts.Encode{X: 0, Y: []int{1, 2}}),
			ec.WithItemStyleOpts(opts.ItemStyle{Color: "#333"}))
		legend = append(legend, g.name)
	}
	bar.Overlap(whiskers)
	o := optionOf(bar)
	withTooltip(o)
	for k := range groups {
		set(o, "series."+strconv.Itoa(len(groups)+k)+".renderItem", fnRef("whisker", k, len(groups)))
	}
	// Hiding one group would move the other's bars off their whiskers.
	set(o, "legend.data", legend)
	set(o, "legend.selectedMode", false)
	return o
}

// timesTooltipRows holds what the tooltip says of each bar besides its value: per label,
// per group, [interval name, lo, hi, runs].
func timesTooltipRows(rows []Timing, groups []timesGroup) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		per := make([]any, len(groups))
		for k, g := range groups {
			e := g.of(r)
			if e.whisker() {
				per[k] = []any{e.Interval, num(e.Lo), num(e.Hi), e.Runs}
			} else {
				per[k] = []any{"", nil, nil, e.Runs}
			}
		}
		out[i] = per
	}
	return out
}

// timesTable: per label, each group's middle value and interval, then the runs.
func timesTable(title string, rows []Timing, groups []timesGroup) string {
	head := []string{""}
	for _, g := range groups {
		head = append(head, g.name+" (s)", intervalHead(rows, g.of)+" (s)")
	}
	head = append(head, "runs")
	var out [][]string
	for _, r := range rows {
		row := []string{r.Label}
		same := true
		for _, g := range groups {
			e := g.of(r)
			same = same && e.Runs == r.Wall.Runs
			row = append(row, fmtNum(estimateMid(e)), intervalCell(e, intervalHead(rows, g.of) == "interval"))
		}
		runs := strconv.Itoa(r.Wall.Runs)
		if !same {
			runs += " (CPU " + strconv.Itoa(r.CPU.Runs) + ")"
		}
		out = append(out, append(row, runs))
	}
	return table(title, head, out)
}

func estimateMid(e Estimate) float64 {
	if e.Runs == 0 {
		return nan
	}
	return e.Mid
}

// intervalHead is the head of an interval column: the name every row's interval shares,
// else "interval" (and each cell names its own).
func intervalHead(rows []Timing, of func(Timing) Estimate) string {
	name := ""
	for _, r := range rows {
		if e := of(r); e.whisker() {
			if name != "" && e.Interval != name {
				return "interval"
			}
			name = e.Interval
		}
	}
	if name == "" {
		return "interval"
	}
	return name
}

func intervalCell(e Estimate, named bool) string {
	if !e.whisker() {
		return "–"
	}
	s := fmtNum(e.Lo) + "–" + fmtNum(e.Hi)
	if named && e.Interval != "" {
		s += " (" + e.Interval + ")"
	}
	return s
}
