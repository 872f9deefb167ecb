package charts

import (
	"cmp"
	"math"
	"slices"
	"strings"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Point is one point of a curve or a measurement.
type Point struct{ X, Y float64 }

// Curve is a named line through points, dashed if Dashed.
type Curve struct {
	Name   string
	Points []Point
	Dashed bool
}

// measuredColor makes measured points stand out from the default palette.
const measuredColor = "#d62728"

// Scaling draws measured points (a scatter, named "measured") over curves (lines), x being
// a number of workers and y a speedup: e.g. the measured speedups over the fitted Amdahl
// curve and the ideal y = x (Dashed). Both axes start at 0; non-finite points are left out.
func Scaling(title string, measured []Point, curves ...Curve) *Chart {
	o := xyOption(title, "workers", "speedup (×)", measured, curves, "value", "value")
	return newChart("scaling", "xy", title, o, nil,
		curveTable(title, "workers", measured, curves, drawable("value", "value")))
}

// Lines draws a generic chart of curves with named axes, e.g. Amdahl's law for several
// serial fractions. With logX or logY that axis is logarithmic (points with a value ≤ 0 on
// it are left out); linear axes start at 0.
func Lines(title, xName, yName string, curves []Curve, logX, logY bool) *Chart {
	xType, yType := "value", "value"
	if logX {
		xType = "log"
	}
	if logY {
		yType = "log"
	}
	o := xyOption(title, xName, yName, nil, curves, xType, yType)
	return newChart("lines", "xy", title, o, nil, curveTable(title, xName, nil, curves, drawable(xType, yType)))
}

// drawable tells which points an x/y chart with these axis types can draw: finite, and
// positive on a log axis.
func drawable(xType, yType string) func(Point) bool {
	return func(p Point) bool {
		return finite(p.X) && finite(p.Y) && (xType != "log" || p.X > 0) && (yType != "log" || p.Y > 0)
	}
}

// xyOption draws curves as lines and, if any, measured points as a scatter on top.
func xyOption(title, xName, yName string, measured []Point, curves []Curve, xType, yType string) map[string]any {
	axisMin := func(t string) any {
		if t == "log" {
			return nil
		}
		return 0
	}
	line := ec.NewLine()
	line.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "40"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		ec.WithXAxisOpts(opts.XAxis{Type: xType, Name: xName, NameLocation: "middle", NameGap: 26, Min: axisMin(xType),
			AxisLabel: &opts.AxisLabel{}}),
		ec.WithYAxisOpts(opts.YAxis{Type: yType, Name: yName, Min: axisMin(yType), AxisLabel: &opts.AxisLabel{}}),
	)
	keep := drawable(xType, yType)
	for _, c := range curves {
		var data []opts.LineData
		for _, p := range c.Points {
			if keep(p) {
				data = append(data, opts.LineData{Value: []any{num(p.X), num(p.Y)}})
			}
		}
		style := opts.LineStyle{Width: 2}
		if c.Dashed {
			style.Type = "dashed"
		}
		line.AddSeries(c.Name, data,
			ec.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Symbol: "circle"}),
			ec.WithLineStyleOpts(style))
	}
	if len(measured) > 0 {
		var data []opts.ScatterData
		for _, p := range measured {
			if keep(p) {
				data = append(data, opts.ScatterData{Value: []any{num(p.X), num(p.Y)}})
			}
		}
		sc := ec.NewScatter()
		sc.AddSeries("measured", data, ec.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 11}),
			ec.WithItemStyleOpts(opts.ItemStyle{Color: measuredColor, BorderColor: "#fff", BorderWidth: 1}))
		line.Overlap(sc)
	}
	o := optionOf(line)
	withTooltip(o)
	return o
}

// curveTable is the fallback of charts made of curves: one row per x (the measured points'
// x, or else up to maxRows of the curves' x), one column per curve, values interpolated
// where a curve has no point at that x. Only the points keep accepts count (those the
// chart draws).
func curveTable(title, xName string, measured []Point, curves []Curve, keep func(Point) bool) string {
	const maxRows = 12
	byX := func(a, b Point) int { return cmp.Compare(a.X, b.X) }
	sorted := make([][]Point, len(curves))
	var xs []float64
	for i, c := range curves {
		sorted[i] = filter(c.Points, keep)
		slices.SortStableFunc(sorted[i], byX)
		for _, p := range sorted[i] {
			xs = append(xs, p.X)
		}
	}
	ms := filter(measured, keep)
	slices.SortStableFunc(ms, byX)
	if len(ms) > 0 {
		xs = xs[:0]
		for _, p := range ms {
			xs = append(xs, p.X)
		}
	}
	slices.Sort(xs)
	xs = sample(slices.Compact(xs), maxRows)

	head := []string{xName}
	if len(ms) > 0 {
		head = append(head, "measured")
	}
	for _, c := range curves {
		head = append(head, c.Name)
	}
	var rows [][]string
	for _, x := range xs {
		row := []string{fmtNum(x)}
		if len(ms) > 0 {
			var ys []string
			for _, p := range ms {
				if p.X == x {
					ys = append(ys, fmtNum(p.Y))
				}
			}
			row = append(row, strings.Join(ys, ", "))
		}
		for _, ps := range sorted {
			y, _ := interp(ps, x)
			row = append(row, fmtNum(y))
		}
		rows = append(rows, row)
	}
	return table(title, head, rows)
}

// interp returns the curve's value at x by linear interpolation between its points, false
// outside their x range. ps must be sorted by X.
func interp(ps []Point, x float64) (float64, bool) {
	i, found := slices.BinarySearchFunc(ps, x, func(p Point, x float64) int { return cmp.Compare(p.X, x) })
	switch {
	case found:
		return ps[i].Y, true
	case i == 0 || i == len(ps):
		return math.NaN(), false
	}
	a, b := ps[i-1], ps[i]
	return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X), true
}

// sample picks at most n values of xs (sorted, distinct), evenly spread and keeping the
// first and the last.
func sample[T any](xs []T, n int) []T {
	if len(xs) <= n {
		return xs
	}
	out := make([]T, 0, n)
	for i := range n {
		out = append(out, xs[i*(len(xs)-1)/(n-1)])
	}
	return out
}

func filter(ps []Point, keep func(Point) bool) []Point {
	out := make([]Point, 0, len(ps))
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}
