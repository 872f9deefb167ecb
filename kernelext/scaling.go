package kernelext

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/speedup-go/speedup/charts"
)

// Scaling is how a job's time changes with its number of workers: the data behind a
// speedup-vs-workers chart and an Amdahl fit.
type Scaling struct {
	Label string
	// Workers are the worker counts measured; the first is the baseline speedups are
	// relative to, normally 1.
	Workers []int
	// Wall holds the timed runs of each worker count.
	Wall []Durations
}

// MeasureScaling times job(n) for each worker count n: warm-up runs first, then the
// repetitions round-robin over the counts (see [Repeat], [Warmup]). Use it for a whole
// job that has a serial part outside any pool, the case Amdahl's law describes. It stops
// at the first error job returns and reports what it measured so far.
func MeasureScaling(label string, workers []int, job func(workers int) error, opts ...Option) (*Scaling, error) {
	cfg := newConfig(opts)
	s := &Scaling{Label: label, Workers: workers, Wall: make([]Durations, len(workers))}
	prog := startProgress(label, (cfg.warmup+cfg.repeat)*len(workers), cfg.progress)
	var err error
	runOnce := func(i int, timed bool) bool {
		prog.setLabel(fmt.Sprintf("%s · %d workers", label, workers[i]))
		start := time.Now()
		if e := job(workers[i]); e != nil {
			err = fmt.Errorf("%s with %d workers: %w", label, workers[i], e)
			return false
		}
		if timed {
			s.Wall[i] = append(s.Wall[i], time.Since(start))
		}
		prog.done(false)
		return true
	}
	func() {
		for i := range workers {
			for range cfg.warmup {
				if !runOnce(i, false) {
					return
				}
			}
		}
		for range cfg.repeat {
			for i := range workers {
				if !runOnce(i, true) {
					return
				}
			}
		}
	}()
	prog.setLabel(label)
	prog.finish(0, err)
	return s, err
}

// Speedups are the baseline's median time over each count's median time (NaN where a
// count was not measured).
func (s *Scaling) Speedups() []float64 {
	out := make([]float64, len(s.Workers))
	for i := range s.Workers {
		base, t := s.Wall[0].Median(), s.Wall[i].Median()
		out[i] = math.NaN()
		if base > 0 && t > 0 {
			out[i] = base.Seconds() / t.Seconds()
		}
	}
	return out
}

// Parallel is the parallel fraction p of Amdahl's law fitted to the speedups (see
// [FitAmdahl]); the serial fraction is 1 - p.
func (s *Scaling) Parallel() float64 {
	var workers []int
	var speedups []float64
	for i, sp := range s.Speedups() {
		if !math.IsNaN(sp) {
			workers = append(workers, s.Workers[i])
			speedups = append(speedups, sp)
		}
	}
	return FitAmdahl(workers, speedups)
}

// Chart draws the measured speedups over the fitted Amdahl curve and the ideal S = N, for
// 1 to maxWorkers workers (or the largest count measured), plus any extra curves (see
// [AmdahlCurve]).
func (s *Scaling) Chart(maxWorkers int, extra ...charts.Curve) *charts.Chart {
	var measured []charts.Point
	top := maxWorkers
	for i, sp := range s.Speedups() {
		if !math.IsNaN(sp) {
			measured = append(measured, charts.Point{X: float64(s.Workers[i]), Y: sp})
			top = max(top, s.Workers[i])
		}
	}
	p := s.Parallel()
	var fit, ideal []charts.Point
	for n := 1; n <= top; n++ {
		ideal = append(ideal, charts.Point{X: float64(n), Y: float64(n)})
		if !math.IsNaN(p) {
			fit = append(fit, charts.Point{X: float64(n), Y: Amdahl(p, float64(n))})
		}
	}
	curves := []charts.Curve{{Name: "ideal (S = N)", Points: ideal, Dashed: true}}
	if fit != nil {
		curves = append(curves, charts.Curve{Name: fmt.Sprintf("Amdahl fit, serial fraction %.1f%%", 100*(1-p)), Points: fit})
	}
	return charts.Scaling(s.Label+": speedup vs workers", measured, append(curves, extra...)...)
}

// AmdahlCurve is Amdahl's law for parallel fraction p from 1 to maxWorkers workers, as a
// chart curve.
func AmdahlCurve(name string, p float64, maxWorkers int) charts.Curve {
	c := charts.Curve{Name: name}
	for n := 1; n <= maxWorkers; n++ {
		c.Points = append(c.Points, charts.Point{X: float64(n), Y: Amdahl(p, float64(n))})
	}
	return c
}

// WriteTable writes the scaling as a plain-text table with the fitted serial fraction.
func (s *Scaling) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\nworkers\twall (median)\tmin–max\tspeedup\tAmdahl fit\n", s.Label)
	p := s.Parallel()
	for i, sp := range s.Speedups() {
		fmt.Fprintf(tw, "%d\t%s\t%s–%s\t%.2f×\t%.2f×\n", s.Workers[i], formatDuration(s.Wall[i].Median()),
			formatDuration(s.Wall[i].Min()), formatDuration(s.Wall[i].Max()), sp, Amdahl(p, float64(s.Workers[i])))
	}
	tw.Flush()
	fmt.Fprintf(w, "fitted parallel fraction p = %.3f, serial fraction 1-p = %.3f, speedup limit 1/(1-p) = %.1f×\n", p, 1-p, 1/(1-p))
}

// Show displays the table and the chart (see [Scaling.Chart]) in a notebook, the table
// elsewhere.
func (s *Scaling) Show(maxWorkers int, extra ...charts.Curve) {
	var b strings.Builder
	s.WriteTable(&b)
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(`<pre class="speedup-scaling">` + html.EscapeString(b.String()) + `</pre>`)
	} else {
		fmt.Fprint(os.Stdout, b.String())
	}
	Display(s.Chart(maxWorkers, extra...))
}
