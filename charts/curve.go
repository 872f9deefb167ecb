package charts

// XY makes a curve of the points (xs[i], ys[i]), as many as the shorter slice has, e.g.
// seconds per call (ys) against sizes (xs).
func XY[X, Y ~int | ~int64 | ~float64](name string, xs []X, ys []Y) Curve {
	c := Curve{Name: name}
	for i := range min(len(xs), len(ys)) {
		c.Points = append(c.Points, Point{X: float64(xs[i]), Y: float64(ys[i])})
	}
	return c
}
