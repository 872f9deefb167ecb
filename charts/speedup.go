package charts

import (
	"math"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Verdict says whether a bar's difference from the baseline is beyond noise, as the caller
// tested it (e.g. a Mann-Whitney test, as benchstat does).
type Verdict int

const (
	NotTested   Verdict = iota // no test made: the bar is drawn as measured
	Significant                // beyond noise
	WithinNoise                // within noise: the bar is drawn pale and labelled "~", as benchstat writes it
)

// SpeedupBar is one bar of a speedup chart.
type SpeedupBar struct {
	Label      string
	Speedup    float64 // measured: the baseline's time over this one's; non-finite: no bar
	Ideal      float64 // the speedup the caller calls ideal for this bar (named by the chart); 0 or non-finite: none
	Efficiency float64 // parallel efficiency, a fraction (shown as a percentage); 0 or non-finite: unknown
	Verdict    Verdict
}

// Speedup draws one bar per label with its speedup written on it, the ideal speedup of each
// bar as a dash across it, and a dashed "1×" line for no speedup. idealName says what the
// ideal is (e.g. "ideal: workers, capped by the cores"): it names the dashes in the legend
// and the tooltip. The y axis fits the measured speedups and the ideals, but stops near 1.5
// times the largest speedup: an ideal beyond the axis is drawn as an arrow at its top,
// with its value, so that the bars never shrink to nothing. Labels never sit on a dash.
// The tooltip adds the ideal, the parallel efficiency, the change in time and the verdict.
func Speedup(title, idealName string, bars []SpeedupBar) *Chart {
	labels := make([]string, len(bars))
	data := make([]opts.BarData, len(bars))
	marks := make([]opts.CustomData, len(bars))
	for i, b := range bars {
		labels[i] = b.Label
		data[i] = opts.BarData{Value: barValue(b.Speedup)}
		if b.Verdict == WithinNoise {
			data[i].ItemStyle = &opts.ItemStyle{Opacity: opts.Float(0.4)}
		}
		marks[i] = opts.CustomData{Value: []any{i, num(b.Speedup), num(b.ideal())}}
	}
	axisMax := speedupAxisMax(bars)

	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "16"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: "speedup (×)", Min: 0, Max: num(axisMax), AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	bar.AddSeries("speedup", data,
		ec.WithBarChartOpts(opts.BarChart{BarCategoryGap: "20%"}),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.BarMaxWidth = "80" }),
		ec.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "no speedup", YAxis: 1}),
		ec.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: "1×"},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: "#999"},
		}),
	)
	ideals, labelled := ec.NewCustom(), ec.NewCustom()
	ideals.AddSeries(idealName, marks, ec.WithEncodeOpts(opts.Encode{X: 0, Y: 2}), ec.WithItemStyleOpts(opts.ItemStyle{Color: "#222"}))
	labelled.AddSeries("speedup labels", marks, ec.WithEncodeOpts(opts.Encode{X: 0, Y: 1}))
	bar.Overlap(ideals, labelled)

	o := optionOf(bar)
	withTooltip(o)
	set(o, "series.1.renderItem", fnRef("ideal"))
	set(o, "series.2.renderItem", fnRef("label"))
	set(o, "series.1.z", 3) // over the bars
	set(o, "series.2.z", 4)
	set(o, "series.2.silent", true)
	set(o, "series.2.tooltip", map[string]any{"show": false})
	set(o, "legend.data", []any{
		map[string]any{"name": "speedup"},
		// Three dashes, as the ideal is drawn.
		map[string]any{"name": idealName, "icon": "path://M0,4h4v2h-4z M6,4h4v2h-4z M12,4h4v2h-4z"},
	})
	return newChart("speedup", "speedup", title, o, speedupMeta(idealName, bars), speedupTable(title, idealName, bars))
}

func (b SpeedupBar) ideal() float64 { return unknownIfZero(b.Ideal) }

func (b SpeedupBar) efficiency() float64 { return unknownIfZero(b.Efficiency) }

func unknownIfZero(x float64) float64 {
	if x == 0 {
		return nan
	}
	return x
}

// speedupAxisMax is the top of the y axis: room above the largest of the speedups, the
// ideals and 1, but no more than about 1.5 times the largest speedup (or 1).
func speedupAxisMax(bars []SpeedupBar) float64 {
	top, all := 1.0, 1.0
	for _, b := range bars {
		if finite(b.Speedup) {
			top = max(top, b.Speedup)
		}
		if i := b.ideal(); finite(i) {
			all = max(all, i)
		}
	}
	return niceCeil(math.Min(math.Max(top, all)*1.1, top*1.5))
}

// speedupMeta is what the tooltip and labels read: per bar, [speedup, ideal, efficiency,
// "~" if within noise, what the tooltip says of the time and the verdict].
func speedupMeta(idealName string, bars []SpeedupBar) map[string]any {
	rows := make([]any, len(bars))
	for i, b := range bars {
		noise, note := "", "time "+timeChange(b.Speedup)
		switch b.Verdict {
		case WithinNoise:
			noise, note = "~", note+"; ~ within noise: no real difference"
		case Significant:
			note += "; beyond noise"
		}
		rows[i] = []any{num(b.Speedup), num(b.ideal()), num(b.efficiency()), noise, note}
	}
	return map[string]any{"idealName": idealName, "bars": rows}
}

// String says what the verdict means, as the fallback table does.
func (v Verdict) String() string {
	switch v {
	case Significant:
		return "beyond noise"
	case WithinNoise:
		return "~ (within noise)"
	}
	return "not tested"
}

func speedupTable(title, idealName string, bars []SpeedupBar) string {
	if idealName == "" {
		idealName = "ideal"
	}
	rows := make([][]string, len(bars))
	for i, b := range bars {
		rows[i] = []string{b.Label, fmtNum(b.Speedup), fmtNum(b.ideal()), fmtNum(b.efficiency() * 100),
			timeChange(b.Speedup), b.Verdict.String()}
	}
	return table(title, []string{"", "speedup (×)", idealName + " (×)", "parallel efficiency (%)", "time vs baseline", "difference"}, rows)
}

// timeChange is how much a speedup changes the time: 2× is −50 %.
func timeChange(speedup float64) string {
	if !finite(speedup) || speedup <= 0 {
		return "–"
	}
	d := (1/speedup - 1) * 100
	s := fmtNum(math.Round(d*10) / 10)
	if d > 0 {
		s = "+" + s
	} else if d < 0 {
		s = "−" + s[1:]
	}
	return s + " %"
}
