package charts

import "testing"

func TestXYPairsThePoints(t *testing.T) {
	c := XY("squares", []int{10, 100, 1000}, []float64{1e-8, 1e-7})
	if c.Name != "squares" || len(c.Points) != 2 || c.Points[1] != (Point{X: 100, Y: 1e-7}) {
		t.Errorf("XY = %+v", c)
	}
}
