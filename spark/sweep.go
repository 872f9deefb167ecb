package spark

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/workloads"
)

// Engine is one way to compute Σ i² for 0 ≤ i < n: a Go loop, a goroutine pool, a Spark
// session. Sum must be safe to call again and again.
type Engine struct {
	Name string
	Sum  func(ctx context.Context, n int64) (*big.Int, error)
}

// Run is one engine at one size: every timed call, the answer, and what went wrong.
type Run struct {
	Engine string
	N      int64
	Times  []time.Duration // wall time of each call, in order
	Sum    *big.Int        // the answer of the last call
	Err    error           // the first failure or wrong answer; nil if every call was right
}

// Median is the median of r.Times (the mean of the middle two for an even count), 0 if none.
func (r Run) Median() time.Duration {
	if len(r.Times) == 0 {
		return 0
	}
	t := slices.Clone(r.Times)
	slices.Sort(t)
	if len(t)%2 == 1 {
		return t[len(t)/2]
	}
	return (t[len(t)/2-1] + t[len(t)/2]) / 2
}

// Min is the fastest of r.Times, 0 if none: on a busy machine noise only adds, so the
// fastest call is the best estimate of what the work itself costs.
func (r Run) Min() time.Duration {
	if len(r.Times) == 0 {
		return 0
	}
	return slices.Min(r.Times)
}

// PerRow is the median time divided by the rows, in nanoseconds.
func (r Run) PerRow() float64 { return float64(r.Median().Nanoseconds()) / float64(max(r.N, 1)) }

// Sweep runs every engine at every size, in that order (sizes inside engines), repeat times
// each, and checks every answer against [workloads.SumOfSquaresFormula]. A size stops
// repeating early once its calls have taken budget in total (budget ≤ 0: no limit), so a
// slow engine at a large size runs once. A failing call or a wrong answer ends that size for
// that engine (Run.Err); the sweep goes on. A cancelled ctx stops the sweep: the runs done
// so far are returned with ctx's error.
func Sweep(ctx context.Context, engines []Engine, sizes []int64, repeat int, budget time.Duration) ([]Run, error) {
	var runs []Run
	for _, e := range engines {
		for _, n := range sizes {
			if err := ctx.Err(); err != nil {
				return runs, err
			}
			want := workloads.SumOfSquaresFormula(n)
			r := Run{Engine: e.Name, N: n}
			var spent time.Duration
			for i := 0; i < max(repeat, 1) && (i == 0 || budget <= 0 || spent < budget); i++ {
				t0 := time.Now()
				sum, err := e.Sum(ctx, n)
				d := time.Since(t0)
				if err == nil && sum.Cmp(want) != 0 {
					err = fmt.Errorf("%s, n=%d: got %v, want %v", e.Name, n, sum, want)
				}
				if err != nil {
					r.Err = err
					break
				}
				r.Times, r.Sum, spent = append(r.Times, d), sum, spent+d
			}
			runs = append(runs, r)
		}
	}
	return runs, ctx.Err()
}

// WriteTable writes the runs as a plain-text table: one row per size, one column per
// engine (median seconds and runs), then the answers' agreement.
func WriteTable(w io.Writer, runs []Run) {
	var names []string
	var sizes []int64
	by := map[string]map[int64]Run{}
	for _, r := range runs {
		if by[r.Engine] == nil {
			names = append(names, r.Engine)
			by[r.Engine] = map[int64]Run{}
		}
		if !slices.Contains(sizes, r.N) {
			sizes = append(sizes, r.N)
		}
		by[r.Engine][r.N] = r
	}
	slices.Sort(sizes)
	fmt.Fprintf(w, "%-8s", "n")
	for _, name := range names {
		fmt.Fprintf(w, " %22s", name)
	}
	fmt.Fprintln(w)
	for _, n := range sizes {
		fmt.Fprintf(w, "%-8s", Exp(n))
		for _, name := range names {
			r, ok := by[name][n]
			switch {
			case !ok:
				fmt.Fprintf(w, " %22s", "-")
			case r.Err != nil:
				fmt.Fprintf(w, " %22s", "FAILED")
			default:
				fmt.Fprintf(w, " %12s s (%d run%s)", fmt.Sprintf("%.3g", r.Median().Seconds()), len(r.Times), map[bool]string{true: "", false: "s"}[len(r.Times) == 1])
			}
		}
		fmt.Fprintln(w)
	}
}

// Exp formats n as 1e6 when it is a power of ten, else as a plain number.
func Exp(n int64) string {
	if n > 0 {
		e := math.Round(math.Log10(float64(n)))
		if math.Pow10(int(e)) == float64(n) {
			return fmt.Sprintf("1e%d", int(e))
		}
	}
	return fmt.Sprint(n)
}

// Curves turns the runs into one curve per engine for charts.Lines: y(n) is the median
// seconds, or, with perRow, nanoseconds per row. Failed runs are left out.
func Curves(runs []Run, perRow bool) []charts.Curve {
	var out []charts.Curve
	idx := map[string]int{}
	for _, r := range runs {
		if r.Err != nil || len(r.Times) == 0 {
			continue
		}
		i, ok := idx[r.Engine]
		if !ok {
			i = len(out)
			idx[r.Engine] = i
			out = append(out, charts.Curve{Name: r.Engine})
		}
		y := r.Median().Seconds()
		if perRow {
			y = r.PerRow()
		}
		out[i].Points = append(out[i].Points, charts.Point{X: float64(r.N), Y: y})
	}
	return out
}

// Sizes returns the powers of ten 10^from … 10^to, for [Sweep].
func Sizes(from, to int) []int64 {
	var ns []int64
	for e := max(from, 0); e <= min(to, 18); e++ {
		ns = append(ns, int64(math.Pow10(e)))
	}
	return ns
}
