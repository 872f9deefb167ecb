package kernelext

import (
	"context"
	"errors"
	"time"
)

// The worker protocol. The parent starts os.Executable() with envWorker naming the task to
// serve and these files:
//
//	fd 3  batches, parent → worker
//	fd 4  replies, worker → parent
//	fd 5  the parent's stdout, for the task's output
//	fd 6  a pipe to the parent, for the task's stderr (shown, and kept for crash reports)
//
// The worker's own stdout is /dev/null and its stderr a pipe kept only for crash reports
// until it starts serving: what a re-run of main prints before reaching the task never
// shows in the notebook. Serving, the worker moves fds 5 and 6 onto 1 and 2.
//
// Each direction is one encoding/gob stream, so that a value's type travels once, not
// with every message. The worker first sends a hello reply; then, for each batch it
// receives, it runs the tasks in order and replies with their outcomes, in one reply per
// batch or, for long batches, a reply every replyEvery. A closed batch pipe means "stop":
// the worker cancels the task in flight, replies with what finished and exits.
const (
	envWorker   = "SPEEDUP_KERNELEXT_WORKER"    // the task a worker serves (Task.workerKey)
	envWorkerID = "SPEEDUP_KERNELEXT_WORKER_ID" // its slot in the pool, 1..n
)

// batch is a run of consecutive inputs, Lo being the index of Inputs[0].
type batch[In any] struct {
	Lo     int
	Inputs []In
}

// reply carries the outcomes of consecutive tasks of a batch, the first being task Lo:
// their values, when each started and ended (nanoseconds after Base, a Unix time in
// nanoseconds), and the errors of those that failed. Columns rather than a struct per task,
// so that gob encodes a reply of many tasks in a few runs over plain slices. Done marks the
// batch's last reply. A worker says goodbye with a last reply.
type reply[Out any] struct {
	Hello    bool // the first reply, once the worker is ready
	PID      int
	Lo       int
	Values   []Out
	Base     int64
	Starts   []int64
	Ends     []int64
	Failures []failure // in task order
	Done     bool
	// Bye is the last reply, once the batch pipe is closed: Allocated is how many bytes
	// the worker allocated while it served.
	Bye       bool
	Allocated uint64
}

// failure is a task's error as it crosses the pipe; Task counts from the reply's first.
type failure struct {
	Task  int
	Kind  errKind
	Err   string
	Stack string
}

// len is the number of tasks the reply reports.
func (r *reply[Out]) len() int { return len(r.Values) }

// add appends a task's outcome to the reply.
func (r *reply[Out]) add(v Out, start, end time.Time, err error) {
	if len(r.Values) == 0 {
		r.Base = start.UnixNano()
	}
	if err != nil {
		f := failure{Task: len(r.Values)}
		f.Kind, f.Err, f.Stack = encodeErr(err)
		r.Failures = append(r.Failures, f)
	}
	r.Values = append(r.Values, v)
	r.Starts = append(r.Starts, start.UnixNano()-r.Base)
	r.Ends = append(r.Ends, end.UnixNano()-r.Base)
}

// next empties the reply for the next tasks of its batch.
func (r *reply[Out]) next() {
	r.Lo += len(r.Values)
	r.Values, r.Starts, r.Ends, r.Failures = r.Values[:0], r.Starts[:0], r.Ends[:0], r.Failures[:0]
}

// errKind keeps the errors that callers test with errors.Is or errors.As across the
// process boundary.
type errKind uint8

const (
	errNone errKind = iota
	errPlain
	errPanic
	errCanceled
	errDeadline
)

// encodeErr is the wire form of a task's error.
func encodeErr(err error) (kind errKind, msg, stack string) {
	if err == nil {
		return errNone, "", ""
	}
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		return errPanic, pe.Value, pe.Stack
	case errors.Is(err, context.Canceled):
		return errCanceled, err.Error(), ""
	case errors.Is(err, context.DeadlineExceeded):
		return errDeadline, err.Error(), ""
	}
	return errPlain, err.Error(), ""
}

// decodeErr rebuilds a worker's error in the parent.
func decodeErr(kind errKind, msg, stack string) error {
	switch kind {
	case errNone:
		return nil
	case errPanic:
		return &PanicError{Value: msg, Stack: stack}
	case errCanceled:
		return &remoteError{msg, context.Canceled}
	case errDeadline:
		return &remoteError{msg, context.DeadlineExceeded}
	}
	return errors.New(msg)
}

// remoteError is an error message from a worker that still matches its sentinel with
// errors.Is.
type remoteError struct {
	msg string
	err error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.err }
