package kernelext

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Task is a job's function with a name, the unit every strategy runs. Create it with
// [NewTask] at package level when it must run in worker processes, or with [Local].
type Task[In, Out any] struct {
	name  string
	nth   int // this is the nth task created with this name in the program (1, 2, ...)
	fn    func(context.Context, In) (Out, error)
	local bool // made by Local: never runs in a worker process
	atRun bool // created while main ran, not while the program initialised
}

// registry counts the tasks created under each name, so that a worker process started for
// the nth task of a name serves that one: the same name may be created again (a function
// that makes its task each time it is called, a test run twice), and two functions may
// even share a name.
var registry struct {
	sync.Mutex
	count map[string]int
}

// NewTask names fn so that it can run under every [Strategy], worker processes included.
//
// Declare it at package level (a notebook cell's declarations, above %%): worker processes
// re-execute the program, find the task while the program initialises, and serve it
// without running main. A task created inside main works too, but each worker then re-runs
// main up to the line that creates it; what that re-run prints is hidden, and the first
// run on processes says so once on stderr.
//
// In a worker process started for this task, NewTask does not return: it serves tasks to
// the parent until the parent closes the pipe, then exits the process.
func NewTask[In, Out any](name string, fn func(ctx context.Context, in In) (Out, error)) *Task[In, Out] {
	if name == "" || fn == nil {
		panic("kernelext.NewTask: a task needs a name and a function")
	}
	registry.Lock()
	if registry.count == nil {
		registry.count = map[string]int{}
	}
	registry.count[name]++
	t := &Task[In, Out]{name: name, nth: registry.count[name], fn: fn, atRun: !initialising()}
	registry.Unlock()
	if w := os.Getenv(envWorker); w != "" && w == t.workerKey() {
		os.Exit(serveWorker(t))
	}
	return t
}

// Local makes a task of fn for this process only: sequential and goroutine runs, not
// worker processes. Unlike [NewTask] it needs no name and no package-level declaration,
// so fn may close over local state (a slice to fill, a server started in main); a
// [Processes] run of a local task fails at once, saying why.
func Local[In, Out any](fn func(ctx context.Context, in In) (Out, error)) *Task[In, Out] {
	if fn == nil {
		panic("kernelext.Local: nil function")
	}
	return &Task[In, Out]{name: "local task", fn: fn, local: true}
}

// workerKey tells worker processes which task to serve: the name, and which of the
// tasks of that name when there are several.
func (t *Task[In, Out]) workerKey() string {
	if t.nth == 1 {
		return t.name
	}
	return t.name + "#" + strconv.Itoa(t.nth)
}

// initialising reports whether the caller runs during package initialisation (a
// package-level variable's initialiser), as opposed to main or a test.
func initialising() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "runtime.doInit") {
			return true
		}
		if !more {
			return false
		}
	}
}

// Worker describes where a task runs: which worker of the pool, in which process.
type Worker struct {
	ID  int // 0 for sequential runs, 1..n in pools
	PID int
}

// String is "worker 3 (pid 1234)".
func (w Worker) String() string { return fmt.Sprintf("worker %d (pid %d)", w.ID, w.PID) }

type workerKey struct{}

// WorkerOf tells a task function which worker runs it, e.g. to log as the talk did
// ("worker 3: running 2020-01-01"). Outside a run it returns worker 0 of this process.
func WorkerOf(ctx context.Context) Worker {
	if w, ok := ctx.Value(workerKey{}).(Worker); ok {
		return w
	}
	return Worker{PID: os.Getpid()}
}

func withWorker(ctx context.Context, w Worker) context.Context {
	return context.WithValue(ctx, workerKey{}, w)
}
