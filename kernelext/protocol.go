package kernelext

import (
	"context"
	"errors"
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

// reply carries the outcomes of consecutive tasks of a batch, Lo being the index of
// Outcomes[0]; Done marks the batch's last reply. A worker says goodbye with a last reply.
type reply[Out any] struct {
	Hello    bool // the first reply, once the worker is ready
	PID      int
	Lo       int
	Outcomes []outcome[Out]
	Done     bool
	// Bye is the last reply, once the batch pipe is closed: Allocated is how many bytes
	// the worker allocated while it served.
	Bye       bool
	Allocated uint64
}

// outcome is one task's result as it crosses the pipe.
type outcome[Out any] struct {
	Value      Out
	Kind       errKind
	Err        string
	Stack      string
	Start, End int64 // Unix nanoseconds
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
