package kernelext

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"
)

// The worker protocol: the parent starts os.Executable() with these variables set and two
// pipes as file descriptors 3 (requests, parent → worker) and 4 (responses, worker →
// parent). Each message is a frame: a 4-byte big-endian length and a gob encoding of one
// value, encoded on its own so that a value that cannot be encoded fails its task and not
// the stream.
const (
	envWorker   = "SPEEDUP_KERNELEXT_WORKER"    // the task name a worker serves
	envWorkerID = "SPEEDUP_KERNELEXT_WORKER_ID" // its slot in the pool, 1..n
	maxFrame    = 1 << 30
)

type request[In any] struct {
	Index int
	Input In
}

// errKind keeps the errors that callers test with errors.Is across the process boundary.
type errKind int

const (
	errNone errKind = iota
	errPlain
	errPanic
	errCanceled
	errDeadline
)

type response[Out any] struct {
	Hello      bool // the first frame, sent once the worker is ready
	PID        int
	Index      int
	Value      Out
	Kind       errKind
	Err        string
	Stack      string
	Start, End int64 // Unix nanoseconds
}

func writeFrame(w *bufio.Writer, v any) error {
	var buf bytes.Buffer
	buf.Write(make([]byte, 4))
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Flush()
}

func readFrame(r io.Reader, v any) error {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxFrame {
		return fmt.Errorf("frame of %d bytes is too large", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return gob.NewDecoder(bytes.NewReader(b)).Decode(v)
}

// guardWorker stops a worker process that reached a run instead of serving its task:
// the task was not created before the program's runs (see the package documentation).
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

// serveWorker is a worker process's life: say hello, run each request, answer, and
// return the exit code once the parent closes the request pipe.
func serveWorker[In, Out any](t *Task[In, Out]) int {
	// Non-blocking pipes go through Go's network poller: a read that blocks parks the
	// goroutine instead of a thread, which on one core (GOMAXPROCS=1) saves the scheduler
	// a hand-off that otherwise costs milliseconds per task.
	_ = syscall.SetNonblock(3, true)
	_ = syscall.SetNonblock(4, true)
	reqs, resps := os.NewFile(3, "kernelext-requests"), os.NewFile(4, "kernelext-responses")
	if reqs == nil || resps == nil {
		fmt.Fprintln(os.Stderr, "kernelext worker: started without its pipes; workers are started by kernelext.Processes")
		return 2
	}
	id, _ := strconv.Atoi(os.Getenv(envWorkerID))
	w := Worker{ID: id, PID: os.Getpid()}
	go exitWithParent()

	out := bufio.NewWriter(resps)
	if err := writeFrame(out, response[Out]{Hello: true, PID: w.PID}); err != nil {
		fmt.Fprintf(os.Stderr, "kernelext worker: cannot talk to the parent: %v\n", err)
		return 3
	}
	ctx, cancel := context.WithCancel(context.Background())
	queue := make(chan request[In])
	go func() {
		// A closed request pipe means "stop": cancel the task in flight, if any.
		defer cancel()
		defer close(queue)
		in := bufio.NewReader(reqs)
		for {
			var req request[In]
			if err := readFrame(in, &req); err != nil {
				if !errors.Is(err, io.EOF) {
					fmt.Fprintf(os.Stderr, "kernelext worker: reading a request: %v\n", err)
				}
				return
			}
			queue <- req
		}
	}()

	wctx := withWorker(ctx, w)
	for req := range queue {
		resp := response[Out]{PID: w.PID, Index: req.Index, Start: time.Now().UnixNano()}
		v, err := safeCall(wctx, t.fn, req.Input)
		resp.End = time.Now().UnixNano()
		resp.Value = v
		if err != nil {
			resp.Err = err.Error()
			var pe *PanicError
			switch {
			case errors.As(err, &pe):
				resp.Kind, resp.Err, resp.Stack = errPanic, pe.Value, pe.Stack
			case errors.Is(err, context.Canceled):
				resp.Kind = errCanceled
			case errors.Is(err, context.DeadlineExceeded):
				resp.Kind = errDeadline
			default:
				resp.Kind = errPlain
			}
		}
		if err := writeFrame(out, resp); err != nil {
			var zero Out
			resp.Value, resp.Kind = zero, errPlain
			resp.Err = fmt.Sprintf("the result cannot be sent back to the parent process: %v", err)
			if err := writeFrame(out, resp); err != nil {
				fmt.Fprintf(os.Stderr, "kernelext worker: cannot talk to the parent: %v\n", err)
				return 3
			}
		}
	}
	return 0
}

func safeCall[In, Out any](ctx context.Context, fn func(context.Context, In) (Out, error), in In) (v Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: fmt.Sprint(p), Stack: string(debug.Stack())}
		}
	}()
	return fn(ctx, in)
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

// remoteError rebuilds a worker's error in the parent.
func remoteError(kind errKind, msg, stack string) error {
	switch kind {
	case errNone:
		return nil
	case errPanic:
		return &PanicError{Value: msg, Stack: stack}
	case errCanceled:
		return &wrapped{msg, context.Canceled}
	case errDeadline:
		return &wrapped{msg, context.DeadlineExceeded}
	}
	return errors.New(msg)
}

// wrapped is an error message from a worker that still matches its sentinel with errors.Is.
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }
