package charts

import (
	"unicode/utf8"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Bars draws one simple bar chart, one bar per label with its value and unit on top, the
// unit also naming the y axis (e.g. the talk's breakfast: 9 vs 5 minutes). A missing or
// non-finite value draws no bar.
func Bars(title, unit string, labels []string, values []float64) *Chart {
	data := make([]opts.BarData, len(labels))
	for i := range labels {
		data[i] = opts.BarData{Value: barValue(at(values, i))}
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), gridOpts("48", "40"),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		// Every label shown, slanted when they would not fit side by side.
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: labelRotation(labels)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Min: 0, AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	bar.AddSeries(title, data,
		ec.WithBarChartOpts(opts.BarChart{ColorBy: "data", BarCategoryGap: "30%"}),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.BarMaxWidth = "120" }),
		ec.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	o := optionOf(bar)
	withTooltip(o)
	set(o, "series.0.label.formatter", fnRef("label"))

	head := []string{"", "value"}
	if unit != "" {
		head[1] = unit
	}
	rows := make([][]string, len(labels))
	for i, l := range labels {
		rows[i] = []string{l, fmtNum(at(values, i))}
	}
	return newChart("bars", "bars", title, o, map[string]any{"unit": unit}, table(title, head, rows))
}

// labelRotation slants category labels (degrees) when, at about 7 px a character, the
// longest would not fit in its share of a chart 860 px wide (a notebook output on a laptop).
func labelRotation(labels []string) float64 {
	const width = 860
	longest := 0
	for _, l := range labels {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	if longest*7 > (width-120)/max(len(labels), 1) {
		return 20
	}
	return 0
}
