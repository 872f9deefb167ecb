package kernelext

import (
	"fmt"
	"math"
	"time"
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
	note string // why the fit may be poor, from the repetition plan
}

// MeasureScaling times job(n) for each worker count n: warm-up runs first, then the
// repetitions taken in turn over the counts (see [Repeat], [Warmup], [Label]; without
// Repeat, as many as fit in about 3 s, as [Compare] chooses). Use it for
// a whole job that has a serial part outside any pool, the case Amdahl's law describes.
// It stops at the first error job returns and reports what it measured so far.
func MeasureScaling(workers []int, job func(workers int) error, opts ...Option) (*Scaling, error) {
	cfg := newConfig(opts)
	if cfg.label == "" {
		cfg.label = "scaling"
	}
	s := &Scaling{Label: cfg.label, Workers: workers, Wall: make([]Durations, len(workers))}
	prog := startProgress(s.Label, (cfg.warmup+max(cfg.repeat, 1))*len(workers), cfg.progress)
	var err error
	s.note = inTurn(len(workers), cfg.warmup, cfg.repeat, func(i int, timed bool, what string) bool {
		prog.setLabel(fmt.Sprintf("%s · %d workers · %s", s.Label, workers[i], what))
		start := time.Now()
		if e := job(workers[i]); e != nil {
			err = fmt.Errorf("%s with %d workers: %w", s.Label, workers[i], e)
			return false
		}
		if timed {
			s.Wall[i] = append(s.Wall[i], time.Since(start))
		}
		prog.done(1, 0)
		return true
	}, prog.setTotal)
	prog.setLabel(s.Label)
	prog.finish(0, err)
	return s, err
}

// speedups are the baseline's median time over each count's median time (NaN where a
// count was not measured).
func (s *Scaling) speedups() []float64 {
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

// SerialFraction is the serial fraction 1 - p of Amdahl's law fitted to the speedups by
// least squares on the law's linear form, 1/S = 1 - p·(1 - 1/n): the part of the job that
// no number of workers shortens (NaN when nothing could be fitted). The speedup limit is
// 1 / SerialFraction.
func (s *Scaling) SerialFraction() float64 { return 1 - s.parallel() }

// parallel is the fitted parallel fraction p.
func (s *Scaling) parallel() float64 { return fitAmdahl(s.Workers, s.speedups()) }
