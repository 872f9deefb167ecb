package kernelext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/pprof/profile"
	"github.com/speedup-go/speedup/internal/schedtrace"
	"golang.org/x/sync/errgroup"
)

// Result is the outcome of one task: its value or its error, and where and when it ran:
// on which worker, from Start to End, as offsets from the start of the run. A task that
// did not run (the run was stopped first) has a zero Worker.
type Result[Out any] struct {
	Value      Out
	Err        error
	Worker     Worker
	Start, End time.Duration
	ran        bool
}

// Run is one execution of a task over its inputs under one strategy.
type Run[Out any] struct {
	Label    string // what progress displays and charts call the run: "task · strategy" unless set
	Strategy Strategy
	// Results are in input order, one per input, whatever order the tasks finished in.
	Results []Result[Out]
	// Wall is the elapsed time of the whole run, pool start-up and shutdown included.
	Wall time.Duration
	// CPU is the user+system CPU time this process and the worker processes it waited
	// for spent during the run.
	CPU     time.Duration
	waited  time.Duration // of Wall, how long this process's threads waited for a CPU
	names   []string      // the tasks' names for the timeline (TaskNames)
	res     *resources    // memory and CPU over time, when measured
	prof    *profile.Profile
	profErr error // why there is no profile, when one was asked for
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

// Errors joins the errors of the failed tasks, nil when all succeeded. To keep messages
// readable it lists at most five and counts the rest.
func (r *Run[Out]) Errors() error {
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

// Map runs task over inputs under strategy s and returns the results in input order.
//
// A task that fails or panics fails alone: its Result carries the error and the other
// results are kept. Map's own error is for the run as a whole: workers that cannot start,
// or a cancelled context or interrupt, in which case the tasks that finished keep their
// results, the others carry the cause, and no worker is left running.
func Map[In, Out any](ctx context.Context, s Strategy, task *Task[In, Out], inputs []In, opts ...Option) (*Run[Out], error) {
	return mapWith(ctx, s, task, inputs, newConfig(opts))
}

func mapWith[In, Out any](ctx context.Context, s Strategy, task *Task[In, Out], inputs []In, cfg config) (*Run[Out], error) {
	guardWorker(task.name)
	run := &Run[Out]{Label: cfg.label, Strategy: s, Results: make([]Result[Out], len(inputs)), names: cfg.names}
	if run.Label == "" {
		run.Label = task.name + " · " + s.String()
	}
	ctx, stop := runContext(ctx)
	defer stop()
	prog, owned := cfg.prog, cfg.prog == nil
	if owned {
		prog = startProgress(run.Label, len(inputs), cfg.progress)
	}
	if n := s.gomaxprocs(); s.kind != processes && n != runtime.GOMAXPROCS(0) {
		// Sequential means one core, like the talk's loop: libraries that parallelize
		// internally (imaging's Resize spreads over GOMAXPROCS goroutines) must not turn
		// the baseline parallel.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	}
	var res *resources
	if cfg.measure {
		res = watchResources()
	}
	var prof *profiling
	if cfg.profile {
		prof, run.profErr = startProfiling()
	}
	cpu0, wait0, start := cpuTime(), waitTime(), time.Now()
	var err error
	var workerAlloc uint64
	switch {
	case s.kind != processes:
		runInProcess(ctx, task, inputs, run, s, start, prog, cfg.traced)
	case task.local:
		err = fmt.Errorf("%s: a task made with kernelext.Local cannot run in worker processes; create it with kernelext.NewTask at package level", run.Label)
	default:
		workerAlloc, err = runProcesses(ctx, task, inputs, run, s, start, prog)
	}
	run.Wall = time.Since(start)
	run.CPU = cpuTime() - cpu0
	run.waited = waitTime() - wait0
	if prof != nil {
		run.prof, run.profErr = prof.stop()
	}
	if res != nil {
		res.stop(workerAlloc)
		run.res = res
	}
	err = failUnfinished(ctx, run, task.name, err)
	if owned {
		prog.finish(run.Failed(), err)
	}
	return run, err
}

// failUnfinished gives the tasks that did not finish the cause of a run stopped by err or by
// ctx, and returns the run's error.
func failUnfinished[Out any](ctx context.Context, run *Run[Out], task string, err error) error {
	cause := err
	if ctx.Err() != nil {
		cause = context.Cause(ctx)
	}
	if cause == nil {
		return nil
	}
	done := 0
	for i := range run.Results {
		if r := run.Results[i]; r.ran && (r.Err == nil || !errors.Is(r.Err, cause)) {
			done++
		} else if r.Err == nil {
			run.Results[i].Err = &TaskError{Task: task, Index: i, Err: cause}
		}
	}
	if err == nil {
		err = fmt.Errorf("%s: stopped after %d of %d tasks: %w", run.Label, done, len(run.Results), cause)
	}
	return err
}

// runInProcess runs the tasks on the strategy's goroutines, or on the calling goroutine
// for a sequential run.
// With traced, each worker goroutine labels itself and runs its tasks in trace regions, so
// that the execution trace tells them apart.
func runInProcess[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, run *Run[Out], s Strategy, start time.Time, prog *progress, traced bool) {
	q := newQueue(len(inputs))
	pid := os.Getpid()
	work := func(id int) {
		w := Worker{ID: id, PID: pid}
		wctx := withWorker(ctx, w)
		if traced {
			schedtrace.Label(ctx, laneName(w))
		}
		for ctx.Err() == nil {
			i, _, ok := q.take(1)
			if !ok {
				return
			}
			r := &run.Results[i]
			r.ran = true
			r.Worker, r.Start = w, time.Since(start)
			var v Out
			var err error
			if traced {
				schedtrace.Region(ctx, func() { v, err = call(wctx, task.fn, inputs[i]) })
			} else {
				v, err = call(wctx, task.fn, inputs[i])
			}
			r.End = time.Since(start)
			r.Value = v
			if err != nil {
				r.Err = &TaskError{Task: task.name, Index: i, Worker: w, Err: err}
			}
			prog.done(1, b2i(err != nil))
		}
	}
	if s.kind == sequential && !traced {
		work(0)
		return
	}
	if s.kind == sequential {
		// A goroutine of its own, so that the trace shows the loop alone, from its start.
		done := make(chan struct{})
		go func() { defer close(done); work(0) }()
		<-done
		return
	}
	var g errgroup.Group
	for id := 1; id <= s.Workers(); id++ {
		g.Go(func() error { work(id); return nil })
	}
	_ = g.Wait()
}

// queue hands out the indexes of a run's inputs to its workers, in order, a few at a
// time, and takes back those a crashed worker did not finish, to hand them out again one
// at a time.
type queue struct {
	next   atomic.Int64
	n      int
	mu     sync.Mutex
	again  []int
	nAgain atomic.Int32
}

func newQueue(n int) *queue { return &queue{n: n} }

// take returns the next indexes to run, lo to hi (exclusive), at most k of them; ok is
// false when every index has been handed out.
func (q *queue) take(k int) (lo, hi int, ok bool) {
	if q.nAgain.Load() > 0 {
		q.mu.Lock()
		if len(q.again) > 0 {
			i := q.again[0]
			q.again = q.again[1:]
			q.nAgain.Add(-1)
			q.mu.Unlock()
			return i, i + 1, true
		}
		q.mu.Unlock()
	}
	lo = int(q.next.Add(int64(k)) - int64(k))
	if lo >= q.n {
		return 0, 0, false
	}
	return lo, min(lo+k, q.n), true
}

// remaining is how many indexes are still to be handed out.
func (q *queue) remaining() int {
	return max(q.n-int(q.next.Load()), 0) + int(q.nAgain.Load())
}

// giveBack queues indexes to be handed out again, one at a time.
func (q *queue) giveBack(idx []int) {
	q.mu.Lock()
	q.again = append(q.again, idx...)
	q.nAgain.Add(int32(len(idx)))
	q.mu.Unlock()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
