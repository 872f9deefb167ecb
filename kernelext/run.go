package kernelext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Span is when and where one task ran, as offsets from the start of its run.
type Span struct {
	Index      int // the task's input index
	Worker     Worker
	Start, End time.Duration
}

// Duration is how long the task took.
func (s Span) Duration() time.Duration { return s.End - s.Start }

// Result is the outcome of one task: its value or its error, and its span.
type Result[Out any] struct {
	Value Out
	Err   error
	Span  Span
	ran   bool
}

// Ran reports whether the task ran at all: it did not when the run was cancelled first.
func (r Result[Out]) Ran() bool { return r.ran }

// Run is one execution of a task over its inputs under one strategy.
type Run[Out any] struct {
	Task     string
	Strategy Strategy
	// Results are in input order, one per input, whatever order the tasks finished in.
	Results []Result[Out]
	// Wall is the elapsed time of the whole run, pool start-up and shutdown included.
	Wall time.Duration
	// CPU is the user+system CPU time this process and the worker processes it waited
	// for spent during the run.
	CPU time.Duration
}

// Values returns the values in input order (zero values where a task failed).
func (r *Run[Out]) Values() []Out {
	out := make([]Out, len(r.Results))
	for i, res := range r.Results {
		out[i] = res.Value
	}
	return out
}

// Failed counts the tasks that failed or did not run.
func (r *Run[Out]) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Err != nil {
			n++
		}
	}
	return n
}

// Err joins the errors of the failed tasks, nil when all succeeded. To keep messages
// readable it lists at most five and counts the rest.
func (r *Run[Out]) Err() error {
	var errs []error
	failed := 0
	for _, res := range r.Results {
		if res.Err == nil {
			continue
		}
		failed++
		if len(errs) < 5 {
			errs = append(errs, res.Err)
		}
	}
	if failed > len(errs) {
		errs = append(errs, fmt.Errorf("... and %d more failed tasks", failed-len(errs)))
	}
	return errors.Join(errs...)
}

// Spans returns the spans of the tasks that ran, in input order.
func (r *Run[Out]) Spans() []Span {
	spans := make([]Span, 0, len(r.Results))
	for _, res := range r.Results {
		if res.ran {
			spans = append(spans, res.Span)
		}
	}
	return spans
}

// TaskError is the error of one task: which input, where it ran and why it failed.
type TaskError struct {
	Task   string
	Index  int
	Worker Worker
	Err    error
}

func (e *TaskError) Error() string {
	if e.Worker.PID == 0 {
		return fmt.Sprintf("%s: task %d did not run: %v", e.Task, e.Index, e.Err)
	}
	return fmt.Sprintf("%s: task %d on %v: %v", e.Task, e.Index, e.Worker, e.Err)
}

func (e *TaskError) Unwrap() error { return e.Err }

// PanicError is a panic in a task function, caught so that it fails only its task.
type PanicError struct {
	Value string
	Stack string
}

func (e *PanicError) Error() string { return "panic: " + e.Value }

// ErrInterrupted is the cause of runs stopped by an interrupt (SIGINT, the notebook's
// stop button). After an interrupt every later run in the program stops at once too, as
// Python's KeyboardInterrupt stops the rest of a cell.
var ErrInterrupted = errors.New("interrupted")

// Map runs task over inputs under strategy s and returns the results in input order.
//
// A task that fails or panics fails alone: its Result carries the error and the other
// results are kept. Map's own error is for the run as a whole: workers that cannot start,
// or a cancelled context or interrupt, in which case the tasks that finished keep their
// results, the others carry the cause, and no worker is left running.
func Map[In, Out any](ctx context.Context, s Strategy, task *Task[In, Out], inputs []In, opts ...Option) (*Run[Out], error) {
	cfg := newConfig(opts)
	guardWorker(task.name)
	run := &Run[Out]{Task: task.name, Strategy: s, Results: make([]Result[Out], len(inputs))}
	ctx, stop := runContext(ctx)
	defer stop()

	label := cfg.label
	if label == "" {
		label = task.name + " · " + s.String()
	}
	prog, owned := cfg.prog, cfg.prog == nil
	if owned {
		prog = startProgress(label, len(inputs), cfg.progress)
	}
	cpu0 := cpuTime()
	start := time.Now()
	var err error
	if n := s.cores(); n > 0 && s.Kind != KindProcesses {
		// Sequential means one core, like the talk's loop: libraries that parallelize
		// internally (imaging's Resize spreads over GOMAXPROCS goroutines) must not turn
		// the baseline parallel.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	}
	switch s.Kind {
	case KindSequential:
		runInProcess(ctx, task, inputs, run, 0, start, prog)
	case KindGoroutines:
		runInProcess(ctx, task, inputs, run, s.Size(), start, prog)
	case KindProcesses:
		if task.local {
			err = fmt.Errorf("%s: a task made with kernelext.Local cannot run in worker processes; create it with kernelext.NewTask at package level", label)
			break
		}
		err = runProcesses(ctx, task, inputs, run, s, start, prog)
	default:
		err = fmt.Errorf("kernelext.Map: unknown strategy %v", s)
	}
	run.Wall = time.Since(start)
	run.CPU = cpuTime() - cpu0

	cause := err
	if ctx.Err() != nil {
		cause = context.Cause(ctx)
	}
	if cause != nil {
		done := 0
		for i := range run.Results {
			if r := run.Results[i]; r.ran && (r.Err == nil || !errors.Is(r.Err, cause)) {
				done++
			} else if r.Err == nil {
				run.Results[i].Err = &TaskError{Task: task.name, Index: i, Err: cause}
			}
		}
		if err == nil {
			err = fmt.Errorf("%s: stopped after %d of %d tasks: %w", label, done, len(inputs), cause)
		}
	}
	if owned {
		prog.finish(run.Failed(), err)
	}
	return run, err
}

// runInProcess runs the tasks on n goroutines, or on the calling goroutine when n == 0.
func runInProcess[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, run *Run[Out], n int, start time.Time, prog *progress) {
	var next atomic.Int64
	pid := os.Getpid()
	work := func(id int) error {
		w := Worker{ID: id, PID: pid}
		wctx := withWorker(ctx, w)
		for ctx.Err() == nil {
			i := int(next.Add(1) - 1)
			if i >= len(inputs) {
				return nil
			}
			res := call(wctx, task, i, inputs[i], w, start)
			run.Results[i] = res
			prog.done(res.Err != nil)
		}
		return nil
	}
	if n == 0 {
		_ = work(0)
		return
	}
	var g errgroup.Group
	for id := 1; id <= n; id++ {
		g.Go(func() error { return work(id) })
	}
	_ = g.Wait()
}

// call runs one task, turning a panic into a PanicError.
func call[In, Out any](ctx context.Context, task *Task[In, Out], i int, in In, w Worker, start time.Time) (res Result[Out]) {
	res.ran = true
	res.Span = Span{Index: i, Worker: w, Start: time.Since(start)}
	defer func() {
		res.Span.End = time.Since(start)
		if p := recover(); p != nil {
			res.Err = &TaskError{Task: task.name, Index: i, Worker: w, Err: &PanicError{Value: fmt.Sprint(p), Stack: string(debug.Stack())}}
		}
	}()
	v, err := task.fn(ctx, in)
	res.Value = v
	if err != nil {
		res.Err = &TaskError{Task: task.name, Index: i, Worker: w, Err: err}
	}
	return res
}

// Option tunes [Map], [Compare] and [TimeIt].
type Option func(*config)

type config struct {
	label    string
	progress bool
	repeat   int
	warmup   int
	timeline int
	names    []string
	prog     *progress // shared with an enclosing Compare
}

func newConfig(opts []Option) config {
	cfg := config{progress: showProgressByDefault(), repeat: 3, warmup: 1, timeline: -1}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// Label names the run in progress displays and tables (default: task · strategy).
func Label(s string) Option { return func(c *config) { c.label = s } }

// Progress turns the live progress display on or off. It is on by default in a notebook
// and in a terminal, off elsewhere.
func Progress(on bool) Option { return func(c *config) { c.progress = on } }

// Repeat sets how many timed repetitions [Compare] and [TimeIt] make of each strategy
// (default 3; at least 1).
func Repeat(n int) Option { return func(c *config) { c.repeat = max(n, 1) } }

// Warmup sets how many untimed runs [Compare] makes of each strategy first (default 1).
func Warmup(n int) Option { return func(c *config) { c.warmup = max(n, 0) } }

// Timeline picks which row of a [Comparison] the timeline chart shows (default: the
// fastest parallel row).
func Timeline(row int) Option { return func(c *config) { c.timeline = row } }

// TaskNames names the tasks in input order (e.g. the dates fetched) for the timeline
// chart's tooltips; by default tasks are named by their index.
func TaskNames(names []string) Option { return func(c *config) { c.names = names } }

func withProgress(p *progress) Option { return func(c *config) { c.prog = p } }
