package kernelext

import (
	"bufio"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/speedup-go/speedup/internal/usage"
)

// replyEvery is how often a worker reports finished tasks of a long batch, so that the
// parent's progress and an interrupt lose little.
const replyEvery = 20 * time.Millisecond

// guardWorker stops a worker process that reached a run instead of serving its task: the
// task was not created before the program's runs (see the package documentation).
func guardWorker(running string) {
	want := os.Getenv(envWorker)
	if want == "" {
		return
	}
	fmt.Fprintf(os.Stderr, "kernelext worker: started to serve task %q but the program reached a run of %q first; "+
		"create the task at package level (var t = kernelext.NewTask(%q, fn)) so workers find it before main runs\n",
		want, running, want)
	os.Exit(4)
}

// serveWorker is a worker process's life: take over the task's stdout and stderr, say
// hello, run each batch, reply, and return the exit code once the parent closes the batch
// pipe.
func serveWorker[In, Out any](t *Task[In, Out]) int {
	if err := takeOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "kernelext worker: %v; workers are started by kernelext.Processes\n", err)
		return 2
	}
	// Non-blocking pipes go through Go's network poller: a read that blocks parks the
	// goroutine instead of a thread, which on one core (GOMAXPROCS=1) saves the scheduler
	// a hand-off that otherwise costs milliseconds per batch.
	_ = syscall.SetNonblock(3, true)
	_ = syscall.SetNonblock(4, true)
	batches, replies := os.NewFile(3, "kernelext-batches"), os.NewFile(4, "kernelext-replies")
	id, _ := strconv.Atoi(os.Getenv(envWorkerID))
	w := Worker{ID: id, PID: os.Getpid()}
	go exitWithParent()

	finishProfile := profileWorker()
	defer finishProfile()
	heap0 := usage.HeapAllocated()
	out := bufio.NewWriterSize(replies, 64<<10)
	enc := gob.NewEncoder(out)
	send := func(r reply[Out]) error {
		if err := enc.Encode(r); err != nil {
			return err
		}
		return out.Flush()
	}
	if err := send(reply[Out]{Hello: true, PID: w.PID}); err != nil {
		fmt.Fprintf(os.Stderr, "kernelext worker: cannot talk to the parent: %v\n", err)
		return 3
	}
	ctx, cancel := context.WithCancel(context.Background())
	queue := make(chan batch[In], 1)
	go func() {
		// A closed batch pipe means "stop": cancel the task in flight, if any.
		defer cancel()
		defer close(queue)
		dec := gob.NewDecoder(bufio.NewReaderSize(batches, 64<<10))
		for {
			var b batch[In]
			if err := dec.Decode(&b); err != nil {
				if !errors.Is(err, io.EOF) {
					fmt.Fprintf(os.Stderr, "kernelext worker: reading a batch: %v\n", err)
				}
				return
			}
			queue <- b
		}
	}()

	wctx := withWorker(ctx, w)
	for b := range queue {
		n := len(b.Inputs)
		r := reply[Out]{PID: w.PID, Lo: b.Lo, Values: make([]Out, 0, n), Starts: make([]int64, 0, n), Ends: make([]int64, 0, n)}
		last := time.Now()
		start := last
		for i, in := range b.Inputs {
			if ctx.Err() != nil {
				break
			}
			v, err := call(wctx, t.fn, in)
			end := time.Now()
			r.add(v, start, end, err)
			start = end // one clock reading a task: the next starts where this one ended
			if i < len(b.Inputs)-1 && end.Sub(last) >= replyEvery {
				if err := sendOutcomes(send, &r); err != nil {
					return 3
				}
				last = end
			}
		}
		r.Done = true
		if err := sendOutcomes(send, &r); err != nil {
			return 3
		}
	}
	_ = send(reply[Out]{Bye: true, PID: w.PID, Allocated: usage.HeapAllocated() - heap0})
	return 0
}

// sendOutcomes sends r and starts the next reply of its batch after it. When the values
// cannot be encoded, the reply is sent again without them, each of its tasks failing with
// the reason (those that had failed already keep their own error).
func sendOutcomes[Out any](send func(reply[Out]) error, r *reply[Out]) error {
	err := send(*r)
	if err != nil && !isPipeError(err) {
		failed := map[int]bool{}
		for _, f := range r.Failures {
			failed[f.Task] = true
		}
		var failures []failure
		for k := range r.Values {
			if !failed[k] {
				failures = append(failures, failure{Task: k, Kind: errPlain, Err: fmt.Sprintf("the result cannot be sent back to the parent process: %v", err)})
			}
		}
		r.Failures = slices.SortedFunc(slices.Values(append(r.Failures, failures...)), func(a, b failure) int { return cmp.Compare(a.Task, b.Task) })
		clear(r.Values)
		err = send(*r)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kernelext worker: cannot talk to the parent: %v\n", err)
		return err
	}
	r.next()
	return nil
}

func isPipeError(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) || errors.Is(err, io.ErrClosedPipe)
}

// exitWithParent ends the worker when its parent is gone, on systems without a
// parent-death signal and as a second line of defence where there is one.
func exitWithParent() {
	ppid := os.Getppid()
	for range time.Tick(200 * time.Millisecond) {
		if os.Getppid() != ppid {
			os.Exit(3)
		}
	}
}
