package kernelext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
)

// ErrInterrupted is the cause of runs stopped by an interrupt (SIGINT, the notebook's
// stop button). After an interrupt every later run in the program stops at once too, as
// Python's KeyboardInterrupt stops the rest of a cell.
var ErrInterrupted = errors.New("interrupted")

// TaskError is the error of one task: which input, where it ran and why it failed.
type TaskError struct {
	Task   string
	Index  int
	Worker Worker // zero when the task did not run
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

// CrashError is a worker process that died while running a task: it fails that task only,
// and the pool starts a new worker for the rest.
type CrashError struct {
	Worker Worker
	Status string // e.g. "exit status 2" or "signal: killed"
	Stderr string // the last lines the worker wrote to stderr
}

func (e *CrashError) Error() string {
	msg := fmt.Sprintf("%v crashed (%s)", e.Worker, e.Status)
	if e.Stderr != "" {
		msg += "; its last output: " + lastLines(e.Stderr, 3)
	}
	return msg
}

// Check stops the cell on an error: when err is not nil it writes err on stderr, which
// JupyterLab shows in red, and ends the program with exit status 1, which GoNB reports as
// the cell's error, so that "Run All" stops there and the project's notebook tests fail.
// It does nothing when err is nil:
//
//	c, err := kernelext.Compare(ctx, task, inputs, strategies)
//	kernelext.Check(err)
//
// Deferred calls do not run (the program exits); worker processes die with the program,
// and servers the cell started close with it.
func Check(err error) {
	if err == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "%v\n", err)
	os.Exit(1)
}

// call runs fn on one input, turning a panic into a *PanicError. While a profile is
// recorded it labels the task's goroutine, so that goroutines the task starts (imaging's
// Resize starts some) carry the label too and count as the task's.
func call[In, Out any](ctx context.Context, fn func(context.Context, In) (Out, error), in In) (v Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: fmt.Sprint(p), Stack: string(debug.Stack())}
		}
	}()
	if profilingTasks.Load() {
		pprof.Do(ctx, taskLabels, func(ctx context.Context) { v, err = fn(ctx, in) })
		return v, err
	}
	return fn(ctx, in)
}

// lastLines joins the last n lines of s with " | ", for one-line messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
