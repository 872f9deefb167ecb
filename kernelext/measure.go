package kernelext

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Measurement is the timing of one strategy in a [Comparison].
type Measurement[Out any] struct {
	Strategy Strategy
	// Wall and CPU hold one value per timed repetition. CPU counts this process and the
	// worker processes, user and system time.
	Wall, CPU Durations
	// Last is the last timed run: its results, errors and task spans.
	Last *Run[Out]
	// Err is the run-level error of the last run, if any (see [Map]).
	Err error
}

// Comparison is one job timed under several strategies, side by side in one run.
type Comparison[Out any] struct {
	Task  string
	Tasks int // number of inputs
	Rows  []*Measurement[Out]
	// Baseline is the row speedups are measured against: the first sequential row, or
	// the first row when there is none.
	Baseline int
	// TimelineRow is the row whose task spans the timeline chart draws.
	TimelineRow int
	title       string
	names       []string
}

// Compare times task over inputs under each strategy. Each strategy first runs the
// warm-up runs untimed, then the timed repetitions run round-robin across strategies so
// that a slow moment of the machine does not land on one strategy only.
//
// Compare stops at the first run-level error (workers that cannot start, an interrupt,
// a cancelled context) and returns what it measured so far with that error. Failed tasks
// are not run-level errors: they are counted in each row.
func Compare[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, strategies []Strategy, opts ...Option) (*Comparison[Out], error) {
	cfg := newConfig(opts)
	guardWorker(task.name)
	c := &Comparison[Out]{Task: task.name, Tasks: len(inputs), title: cfg.label, TimelineRow: cfg.timeline, names: cfg.names}
	if c.title == "" {
		c.title = task.name
	}
	for i, s := range strategies {
		c.Rows = append(c.Rows, &Measurement[Out]{Strategy: s})
		if s.Kind == KindSequential && c.Rows[c.Baseline].Strategy.Kind != KindSequential {
			c.Baseline = i
		}
	}
	total := (cfg.warmup + cfg.repeat) * len(inputs) * len(strategies)
	prog := startProgress(c.title, total, cfg.progress)
	var err error
	step := func(row *Measurement[Out], what string, timed bool) bool {
		prog.setLabel(fmt.Sprintf("%s · %s · %s", c.title, row.Strategy, what))
		run, runErr := Map(ctx, row.Strategy, task, inputs, Progress(false), withProgress(prog))
		if timed {
			row.Wall = append(row.Wall, run.Wall)
			row.CPU = append(row.CPU, run.CPU)
			row.Last, row.Err = run, runErr
		}
		if runErr != nil {
			err = fmt.Errorf("comparing %s: %v: %w", c.title, row.Strategy, runErr)
			if !timed {
				row.Last, row.Err = run, runErr
			}
			return false
		}
		return true
	}
	func() {
		for _, row := range c.Rows {
			for w := range cfg.warmup {
				if !step(row, fmt.Sprintf("warm-up %d/%d", w+1, cfg.warmup), false) {
					return
				}
			}
		}
		for r := range cfg.repeat {
			for _, row := range c.Rows {
				if !step(row, fmt.Sprintf("run %d/%d", r+1, cfg.repeat), true) {
					return
				}
			}
		}
	}()
	if c.TimelineRow < 0 || c.TimelineRow >= len(c.Rows) {
		c.TimelineRow = c.fastestParallel()
	}
	failed := 0
	for _, row := range c.Rows {
		if row.Last != nil {
			failed += row.Last.Failed()
		}
	}
	prog.setLabel(c.title)
	prog.finish(failed, err)
	return c, err
}

// Sweep times task on the sequential baseline and on pools of each size in workers, for
// a scaling chart and an Amdahl fit ([Comparison.Amdahl]).
func Sweep[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, kind Kind, workers []int, opts ...Option) (*Comparison[Out], error) {
	strategies := []Strategy{Sequential()}
	for _, n := range workers {
		strategies = append(strategies, Strategy{Kind: kind, Workers: n})
	}
	return Compare(ctx, task, inputs, strategies, opts...)
}

func (c *Comparison[Out]) fastestParallel() int {
	best, bestWall := 0, time.Duration(math.MaxInt64)
	for i, row := range c.Rows {
		if i == c.Baseline || len(row.Wall) == 0 {
			continue
		}
		if w := row.Wall.Median(); w < bestWall {
			best, bestWall = i, w
		}
	}
	return best
}

// Speedup of row i: the baseline's median wall time over the row's. NaN when either did
// not run.
func (c *Comparison[Out]) Speedup(i int) float64 {
	base, row := c.Rows[c.Baseline].Wall.Median(), c.Rows[i].Wall.Median()
	if base == 0 || row == 0 {
		return math.NaN()
	}
	return base.Seconds() / row.Seconds()
}

// Efficiency of row i: its speedup per worker (1 is perfect).
func (c *Comparison[Out]) Efficiency(i int) float64 {
	return c.Speedup(i) / float64(c.Rows[i].Strategy.Size())
}

// Ideal is the best speedup row i could reach if the work split perfectly: as many
// workers as there are tasks to share, i.e. min(workers, tasks).
func (c *Comparison[Out]) Ideal(i int) float64 {
	return float64(max(1, min(c.Rows[i].Strategy.Size(), c.Tasks)))
}

// Row returns the first row of the given strategy, or nil.
func (c *Comparison[Out]) Row(s Strategy) *Measurement[Out] {
	i := slices.IndexFunc(c.Rows, func(m *Measurement[Out]) bool { return m.Strategy.String() == s.String() })
	if i < 0 {
		return nil
	}
	return c.Rows[i]
}

// Amdahl fits Amdahl's law to the rows: it returns the parallel fraction p that best
// explains their speedups over the baseline (the serial fraction is 1 - p), or NaN when
// there is nothing to fit.
func (c *Comparison[Out]) Amdahl() float64 { return c.Scaling().Parallel() }
