package charts

import (
	"html"
	"math"
	"slices"
	"strings"
)

// table renders the static <table class="speedup-fallback"> shown where
// scripts do not run. The first column is a row header.
func table(caption string, head []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table class="speedup-fallback">`)
	if caption != "" {
		b.WriteString("<caption>" + html.EscapeString(caption) + "</caption>")
	}
	b.WriteString("\n<thead><tr>")
	for _, h := range head {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range rows {
		b.WriteString("<tr>")
		for i, cell := range r {
			if i == 0 {
				b.WriteString(`<th scope="row">` + html.EscapeString(cell) + "</th>")
			} else {
				b.WriteString("<td>" + html.EscapeString(cell) + "</td>")
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// interp returns the curve's value at x by linear interpolation between its
// points, false outside their x range. ps must be sorted by X.
func interp(ps []Point, x float64) (float64, bool) {
	i, found := slices.BinarySearchFunc(ps, x, func(p Point, x float64) int {
		switch {
		case p.X < x:
			return -1
		case p.X > x:
			return 1
		}
		return 0
	})
	switch {
	case found:
		return ps[i].Y, true
	case i == 0 || i == len(ps):
		return math.NaN(), false
	}
	a, b := ps[i-1], ps[i]
	return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X), true
}

// sample picks at most n values of xs (sorted, distinct), evenly spread and
// keeping the first and the last.
func sample(xs []float64, n int) []float64 {
	if len(xs) <= n {
		return xs
	}
	out := make([]float64, 0, n)
	for i := range n {
		out = append(out, xs[i*(len(xs)-1)/(n-1)])
	}
	return out
}

// curveTable is the fallback of charts made of curves: one row per x (the
// measured points' x, or else up to maxRows of the curves' x), one column per
// curve, values interpolated where a curve has no point at that x. Only the
// points keep accepts count (those the chart draws).
func curveTable(title, xName string, measured []Point, curves []Curve, keep func(Point) bool) string {
	const maxRows = 12
	sorted := make([][]Point, len(curves))
	var xs []float64
	for i, c := range curves {
		sorted[i] = filter(c.Points, keep)
		slices.SortStableFunc(sorted[i], func(a, b Point) int { return cmpFloat(a.X, b.X) })
		for _, p := range sorted[i] {
			xs = append(xs, p.X)
		}
	}
	ms := filter(measured, keep)
	slices.SortStableFunc(ms, func(a, b Point) int { return cmpFloat(a.X, b.X) })
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

func filter(ps []Point, keep func(Point) bool) []Point {
	out := make([]Point, 0, len(ps))
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
