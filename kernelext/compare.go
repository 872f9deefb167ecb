package kernelext

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/google/pprof/profile"
	"github.com/speedup-go/speedup/internal/schedtrace"
	"github.com/speedup-go/speedup/internal/usage"
)

// Measurement is the timing of one strategy in a [Comparison].
type Measurement[Out any] struct {
	Strategy Strategy
	// Wall and CPU hold one value per timed repetition. CPU counts this process and the
	// worker processes, user and system time.
	Wall, CPU Durations
	// Last is the last run, timed or not: its results, errors and task spans.
	Last    *Run[Out]
	waited  Durations // of each timed run's wall time, how long this process waited for a CPU
	stopped error     // the run-level error that stopped this strategy's runs, if any

	peakRSS  int64                // the largest peak resident memory of a timed run, workers included
	perTask  []float64            // bytes allocated per task in each timed run, workers included
	samples  []usage.Sample       // CPU and memory over the last timed run
	prof     *profile.Profile     // the timed runs' CPU profiles, merged (Profile)
	profErr  error                // why there is no profile
	trace    *schedtrace.Timeline // what the scheduler did in a traced run (Trace)
	traceErr error                // why there is no trace
}

// record adds a timed run to the row.
func (m *Measurement[Out]) record(run *Run[Out], inputs int) {
	m.Wall = append(m.Wall, run.Wall)
	m.CPU = append(m.CPU, run.CPU)
	m.waited = append(m.waited, run.waited)
	if r := run.res; r != nil {
		m.peakRSS = max(m.peakRSS, r.peakRSS)
		m.perTask = append(m.perTask, float64(r.allocated)/float64(max(inputs, 1)))
		m.samples = r.samples
	}
	switch {
	case run.profErr != nil:
		m.profErr = run.profErr
	case run.prof != nil:
		m.prof, m.profErr = mergeProfiles(m.prof, run.prof)
	}
}

// Comparison is one job timed under several strategies, side by side in one run.
type Comparison[Out any] struct {
	Title  string // the task's name, or the Label option
	Inputs int    // how many inputs every run had
	Rows   []*Measurement[Out]
	// Baseline is the row speedups are measured against: the first sequential row, or
	// the first row when there is none.
	Baseline int
	timeline int      // the row whose task spans the timeline chart draws
	names    []string // the tasks' names (TaskNames)
	note     string   // why verdicts may be missing, from the repetition plan
}

// Compare times task over inputs under each strategy: each strategy first makes the
// warm-up runs (see [Warmup]), then the timed repetitions are taken in turn across
// strategies so that a slow moment of the machine does not land on one strategy only.
// Without [Repeat], the number of repetitions is chosen from how long the warm-up runs
// took, like IPython's %timeit: enough for a verdict against the baseline (at least 4
// runs each) when they fit in about 3 s, up to 10 when runs are quick, fewer when one run
// alone is long (then [Comparison.Show] says the verdicts cannot be given).
//
// Compare stops at the first run-level error (workers that cannot start, an interrupt,
// a cancelled context) and returns what it measured so far with that error. Failed tasks
// are not run-level errors: they are counted in each row.
func Compare[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, strategies []Strategy, opts ...Option) (*Comparison[Out], error) {
	cfg := newConfig(opts)
	guardWorker(task.name)
	c := &Comparison[Out]{Title: cfg.label, Inputs: len(inputs), names: cfg.names}
	if c.Title == "" {
		c.Title = task.name
	}
	for i, s := range strategies {
		c.Rows = append(c.Rows, &Measurement[Out]{Strategy: s})
		if s.kind == sequential && c.Rows[c.Baseline].Strategy.kind != sequential {
			c.Baseline = i
		}
	}
	prog := startProgress(c.Title, (cfg.warmup+max(cfg.repeat, 1))*len(inputs)*len(strategies), cfg.progress)
	runCfg := config{progress: false, prog: prog, names: cfg.names}
	timedCfg := runCfg
	timedCfg.measure, timedCfg.profile = true, cfg.profile
	var err error
	c.note = inTurn(len(c.Rows), cfg.warmup, cfg.repeat, func(i int, timed bool, what string) bool {
		row := c.Rows[i]
		prog.setLabel(fmt.Sprintf("%s · %s · %s", c.Title, row.Strategy, what))
		rc := runCfg
		if timed {
			rc = timedCfg
		}
		run, runErr := mapWith(ctx, row.Strategy, task, inputs, rc)
		row.Last, row.stopped = run, runErr
		if timed {
			row.record(run, len(inputs))
		}
		if runErr != nil {
			err = fmt.Errorf("comparing %s: %v: %w", c.Title, row.Strategy, runErr)
			return false
		}
		return true
	}, func(runs int) {
		if cfg.trace {
			runs += c.inProcessRows()
		}
		prog.setTotal(runs * len(inputs))
	})
	if cfg.trace && err == nil {
		for _, row := range c.Rows {
			if row.Strategy.kind != processes {
				prog.setLabel(fmt.Sprintf("%s · %s · traced run", c.Title, row.Strategy))
				row.trace, row.traceErr = tracedRun(ctx, row.Strategy, task, inputs, config{prog: prog})
			}
		}
	}
	c.timeline = c.fastest()
	failed := 0
	for _, row := range c.Rows {
		if row.Last != nil {
			failed += row.Last.Failed()
		}
	}
	prog.setLabel(c.Title)
	prog.finish(failed, err)
	return c, err
}

// inProcessRows counts the strategies that run in this process (the ones Trace traces).
func (c *Comparison[Out]) inProcessRows() int {
	n := 0
	for _, row := range c.Rows {
		if row.Strategy.kind != processes {
			n++
		}
	}
	return n
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

// cpuShare is the share of the baseline's wall time spent on a CPU, 0 (waiting) to 1
// (computing), or NaN when the baseline did not run. The time the baseline waited for a
// CPU that other programs held does not count: on a busy machine computing still
// computes.
func (c *Comparison[Out]) cpuShare() float64 {
	base := c.Rows[c.Baseline]
	wall, cpu := base.Wall.Median()-base.waited.Median(), base.CPU.Median()
	if wall <= 0 {
		return math.NaN()
	}
	return min(max(cpu.Seconds()/wall.Seconds(), 0), 1)
}

// ideal is the speedup row i could reach if the work split perfectly: no more than its
// workers, nor than its inputs, nor than its cores can give to the CPU part of the work
// (cores ÷ the baseline's CPU share: for work that only computes, the cores; for work
// that only waits, no limit). It is relative to the baseline's own ideal.
func (c *Comparison[Out]) ideal(i int) float64 {
	reach := func(s Strategy) float64 {
		r := float64(max(1, min(s.Workers(), c.Inputs)))
		if share := c.cpuShare(); share > 0 {
			r = min(r, float64(s.coreCount())/share)
		}
		return max(r, 1)
	}
	return reach(c.Rows[i].Strategy) / reach(c.Rows[c.Baseline].Strategy)
}

// idealRule says in words how ideal is computed, for tables and charts.
const idealRule = "ideal = min(workers, inputs, cores ÷ the baseline's CPU share)"

// fastest is the row with the smallest median wall time that is not the baseline (the
// baseline when it is the only row).
func (c *Comparison[Out]) fastest() int {
	best, bestWall := c.Baseline, time.Duration(math.MaxInt64)
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
