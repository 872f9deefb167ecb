package spark

import (
	"fmt"
	"math"

	"github.com/speedup-go/speedup/charts"
)

// Cost is a linear model of an engine's time: Fixed seconds per call (the per-query
// overhead: planning, scheduling, round trips) plus PerRow seconds for each row.
type Cost struct {
	Engine string
	Fixed  float64 // seconds per call
	PerRow float64 // seconds per row
}

// At is the modelled time for n rows, in seconds.
func (c Cost) At(n float64) float64 { return c.Fixed + c.PerRow*n }

// On models the engine on machines machines like this one, each doing its share of the
// rows: PerRow divided by machines, Fixed unchanged. That is the best case, for a job like
// this sum whose partial results are one number per machine; it ignores the shuffle and the
// reading of input that real jobs pay.
func (c Cost) On(machines float64) Cost {
	return Cost{Engine: fmt.Sprintf("%s on %g machines", c.Engine, machines), Fixed: c.Fixed, PerRow: c.PerRow / machines}
}

// String is e.g. "Spark: 0.31 s + 3.2 ns/row".
func (c Cost) String() string {
	return fmt.Sprintf("%s: %s + %.3g ns/row", c.Engine, seconds(c.Fixed), c.PerRow*1e9)
}

func seconds(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.3g s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.3g ms", s*1e3)
	default:
		return fmt.Sprintf("%.3g µs", s*1e6)
	}
}

// FitCost estimates Cost for one engine from its successful runs, robustly against a busy
// machine (noise only ever adds time, so each run counts by its fastest call, [Run.Min]):
// Fixed is the fastest call at any size, PerRow what the largest size adds to it, per row.
// It needs two sizes; the largest must be large enough for its rows to show over the fixed
// cost, or PerRow comes out 0 (then raise the sizes). Both figures are at least 0.
func FitCost(runs []Run, engine string) (Cost, error) {
	c := Cost{Engine: engine, Fixed: math.Inf(1)}
	var largest Run
	sizes := 0
	for _, r := range runs {
		if r.Engine != engine || r.Err != nil || len(r.Times) == 0 {
			continue
		}
		sizes++
		c.Fixed = math.Min(c.Fixed, r.Min().Seconds())
		if r.N > largest.N {
			largest = r
		}
	}
	if sizes < 2 {
		return Cost{Engine: engine}, fmt.Errorf("spark: %d successful size(s) of %q: need 2 to tell a fixed cost from a per-row one", sizes, engine)
	}
	c.PerRow = math.Max(largest.Min().Seconds()-c.Fixed, 0) / float64(largest.N)
	return c, nil
}

// Crossover is the number of rows from which remote beats local (remote.At(n) < local.At(n)),
// and whether it ever does: a remote engine with a larger per-row cost never catches up.
func Crossover(local, remote Cost) (n float64, ok bool) {
	gain := local.PerRow - remote.PerRow
	if gain <= 0 {
		return math.Inf(1), false
	}
	return math.Max((remote.Fixed-local.Fixed)/gain, 0), true
}

// MachinesToWin is how many machines like this one remote needs before any size beats
// local: more than remote.PerRow / local.PerRow.
func MachinesToWin(local, remote Cost) float64 {
	if local.PerRow <= 0 {
		return math.Inf(1)
	}
	return remote.PerRow / local.PerRow
}

// ModelCurves draws the models for charts.Lines over n = 10^fromExp … 10^toExp (half a
// decade apart): local as it is, then remote on each number of machines ([Cost.On]).
func ModelCurves(local, remote Cost, machines []float64, fromExp, toExp float64) []charts.Curve {
	curves := []charts.Curve{{Name: local.Engine + " (this machine)"}}
	for _, m := range machines {
		name := fmt.Sprintf("%s on %g machines", remote.Engine, m)
		if m == 1 {
			name = remote.Engine + " on 1 machine"
		}
		curves = append(curves, charts.Curve{Name: name})
	}
	for e := fromExp; e <= toExp+1e-9; e += 0.5 {
		n := math.Pow(10, e)
		curves[0].Points = append(curves[0].Points, charts.Point{X: n, Y: local.At(n)})
		for i, m := range machines {
			curves[i+1].Points = append(curves[i+1].Points, charts.Point{X: n, Y: remote.On(m).At(n)})
		}
	}
	return curves
}

// Faster returns whichever cost is lower per row (the first on a tie): this machine at its
// best, when a pool of goroutines does not beat a plain loop on cores busy with other work.
func Faster(a, b Cost) Cost {
	if b.PerRow < a.PerRow {
		return b
	}
	return a
}
