package kernelext

import (
	"context"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

const (
	// batchWork is how much work the automatic batch size aims at per batch.
	batchWork = 20 * time.Millisecond
	// inFlight is how many batches each worker holds at once: the next ones wait in its
	// pipe while it runs the current one, so no round trip is spent idle. Short tasks get a
	// deeper queue (the round trip is then longer than a task); long ones a shallow one, so
	// that the last tasks of a run are not stuck behind a busy worker while another idles.
	inFlight      = 2
	inFlightShort = 8
	shortTask     = time.Millisecond
)

// runProcesses runs the tasks on the strategy's worker processes, and returns how many
// bytes the workers allocated.
func runProcesses[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, run *Run[Out], s Strategy, start time.Time, prog *progress) (uint64, error) {
	if task.atRun {
		noteTaskInMain(task.name)
	}
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	p := &pool[In, Out]{task: task, inputs: inputs, run: run, s: s, start: start, prog: prog, q: newQueue(len(inputs))}
	var startErr atomic.Pointer[error]
	var g errgroup.Group
	for id := 1; id <= min(s.Workers(), max(len(inputs), 1)); id++ {
		g.Go(func() error {
			if err := p.slot(ctx, id); err != nil && ctx.Err() == nil {
				startErr.CompareAndSwap(nil, &err)
				abort(err)
			}
			return nil
		})
	}
	_ = g.Wait()
	if e := startErr.Load(); e != nil {
		return p.allocated.Load(), fmt.Errorf("%s on %d processes: %w", task.name, s.Workers(), *e)
	}
	return p.allocated.Load(), nil
}

// pool is one run on worker processes: a slot per worker, each starting its worker
// process and replacing it when it crashes.
type pool[In, Out any] struct {
	task      *Task[In, Out]
	inputs    []In
	run       *Run[Out]
	s         Strategy
	start     time.Time
	prog      *progress
	q         *queue
	taskNs    atomic.Int64 // mean task time seen so far, for the batch size
	taskSeen  atomic.Int64
	allocated atomic.Uint64 // bytes the workers allocated, as they said when done
}

// slot keeps one worker busy until the queue is empty, starting it (again) as needed.
// Its error is a worker that could not start.
func (p *pool[In, Out]) slot(ctx context.Context, id int) error {
	for ctx.Err() == nil && p.q.remaining() > 0 {
		w, err := startWorker[Out](ctx, p.task.workerKey(), id, p.s)
		if err != nil {
			return err
		}
		crashed := p.serve(ctx, w)
		if !crashed {
			w.stop()
			p.goodbye(w)
			return nil
		}
		w.kill()
		p.goodbye(w)
	}
	return nil
}

// sent is a batch in a worker's pipe: inputs lo to hi, of which the worker has reported
// those before next.
type sent struct{ lo, next, hi int }

// serve hands batches to worker w and records their outcomes until the queue is empty
// (false) or the worker is gone (true), in which case the unfinished tasks it held are
// failed or queued again.
func (p *pool[In, Out]) serve(ctx context.Context, w *proc[Out]) (crashed bool) {
	var held []sent
	send := func() bool {
		lo, hi, ok := p.q.take(p.batchSize())
		if !ok {
			return false
		}
		if err := w.send(batch[In]{Lo: lo, Inputs: p.inputs[lo:hi]}); err != nil {
			if !isPipeError(err) {
				// An input that cannot be encoded: the worker is fine, the task fails (or
				// the batch is split to find out which one).
				p.unsendable(lo, hi, err, w.worker)
				return true
			}
			held = append(held, sent{lo, lo, hi})
			return false
		}
		held = append(held, sent{lo, lo, hi})
		return true
	}
	for len(held) < p.depth() && send() {
	}
	for len(held) > 0 {
		select {
		case r, ok := <-w.replies:
			if !ok {
				p.lost(w, held)
				return true
			}
			p.record(r, w.worker, nil)
			b := &held[0]
			b.next = r.Lo + r.len()
			if r.Done {
				held = held[1:]
				for len(held) < p.depth() && send() {
				}
			}
		case <-ctx.Done():
			// Close the pipe: the worker cancels the task in flight and reports what
			// finished; give it a moment.
			w.batches.Close()
			timer := time.NewTimer(stopGrace)
			defer timer.Stop()
			for {
				select {
				case r, ok := <-w.replies:
					if !ok {
						return true
					}
					if r.Bye {
						p.allocated.Add(r.Allocated)
					}
					p.record(r, w.worker, context.Cause(ctx))
				case <-timer.C:
					return true
				}
			}
		}
	}
	return false
}

// goodbye reads what a stopped worker said last: how much it allocated.
func (p *pool[In, Out]) goodbye(w *proc[Out]) {
	for r := range w.replies {
		if r.Bye {
			p.allocated.Add(r.Allocated)
		}
	}
}

// record stores the outcomes of one reply. A task the worker cancelled because the run
// was stopped says why it was stopped: cause.
func (p *pool[In, Out]) record(r reply[Out], w Worker, cause error) {
	n := r.len()
	if n == 0 {
		return
	}
	base := time.Unix(0, r.Base).Sub(p.start)
	for k := range n {
		res := &p.run.Results[r.Lo+k]
		res.ran, res.Value, res.Worker = true, r.Values[k], w
		res.Start, res.End = base+time.Duration(r.Starts[k]), base+time.Duration(r.Ends[k])
	}
	for _, f := range r.Failures {
		i := r.Lo + f.Task
		err := decodeErr(f.Kind, f.Err, f.Stack)
		if cause != nil && f.Kind == errCanceled {
			err = &remoteError{fmt.Sprintf("%s (%v)", f.Err, cause), cause}
		}
		p.run.Results[i].Err = &TaskError{Task: p.task.name, Index: i, Worker: w, Err: err}
	}
	p.prog.done(n, len(r.Failures))
	p.taskSeen.Add(int64(n))
	p.taskNs.Add(r.Ends[n-1] - r.Starts[0])
}

// lost handles a worker that died holding batches: if the first unfinished task is the
// only one it was running, that task crashed the worker and fails; the other unfinished
// tasks are queued again, one at a time, so that a task that crashes again is found.
func (p *pool[In, Out]) lost(w *proc[Out], held []sent) {
	w.wait()
	var again []int
	for k, b := range held {
		for i := b.next; i < b.hi; i++ {
			if k == 0 && i == b.next && b.hi-b.next == 1 {
				res := &p.run.Results[i]
				res.ran = true
				res.Worker, res.Start, res.End = w.worker, time.Since(p.start), time.Since(p.start)
				res.Err = &TaskError{Task: p.task.name, Index: i, Worker: w.worker, Err: w.crashError()}
				p.prog.done(1, 1)
				continue
			}
			again = append(again, i)
		}
	}
	p.q.giveBack(again)
}

// unsendable fails the tasks lo..hi whose inputs could not be encoded; a batch of several
// is split into single tasks to find the culprit.
func (p *pool[In, Out]) unsendable(lo, hi int, err error, w Worker) {
	if hi-lo > 1 {
		p.q.giveBack(seq(lo, hi))
		return
	}
	res := &p.run.Results[lo]
	res.ran = true
	res.Worker, res.Start, res.End = w, time.Since(p.start), time.Since(p.start)
	res.Err = &TaskError{Task: p.task.name, Index: lo, Worker: w, Err: fmt.Errorf("sending the input to the worker: %w", err)}
	p.prog.done(1, 1)
}

// depth is how many batches a worker holds at once: inFlightShort once tasks are known to
// be short, inFlight otherwise.
func (p *pool[In, Out]) depth() int {
	if seen := p.taskSeen.Load(); seen > 0 && time.Duration(p.taskNs.Load()/seen) < shortTask {
		return inFlightShort
	}
	return inFlight
}

// batchSize is how many tasks the next batch holds: the strategy's batch if set, else one
// until a task has been timed, then about batchWork of work, but no more than a quarter of
// each worker's share of what is left, so that the pool ends together.
func (p *pool[In, Out]) batchSize() int {
	if p.s.batch > 0 {
		return p.s.batch
	}
	seen := p.taskSeen.Load()
	if seen == 0 {
		return 1
	}
	mean := float64(p.taskNs.Load()) / float64(seen)
	byTime := int(math.Min(float64(batchWork)/math.Max(mean, 1), math.MaxInt32))
	byBalance := p.q.remaining() / (4 * p.s.Workers())
	return max(1, min(byTime, byBalance))
}

func seq(lo, hi int) []int {
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

var noteOnce sync.Once

// noteTaskInMain says once per program that workers re-run main to find a task.
func noteTaskInMain(name string) {
	noteOnce.Do(func() {
		fmt.Fprintf(os.Stderr, "kernelext: note: task %q is created inside main, so each worker process re-runs main up to that line "+
			"(what it prints there is hidden). Declare it at package level, var t = kernelext.NewTask(%q, fn) above %%%%, "+
			"and workers serve it at once.\n", name, name)
	})
}
