package kernelext

import (
	"context"
	"fmt"
	"os"
	"sync"
)

// Task is a job's function with a name, the unit every strategy runs. Create it with
// [NewTask], at package level when it must run in worker processes.
type Task[In, Out any] struct {
	name  string
	fn    func(context.Context, In) (Out, error)
	local bool // made by Local: never runs in a worker process
}

var (
	registryMu sync.Mutex
	registry   = map[string]bool{}
)

// NewTask names fn so that it can run under every [Strategy]. Names must be unique in a
// program: a second task with the same name panics, since a worker process could not tell
// them apart.
//
// In a worker process started for this task's name, NewTask does not return: it serves
// tasks to the parent until the parent closes the pipe, then exits the process.
func NewTask[In, Out any](name string, fn func(ctx context.Context, in In) (Out, error)) *Task[In, Out] {
	if name == "" || fn == nil {
		panic("kernelext.NewTask: a task needs a name and a function")
	}
	registryMu.Lock()
	if registry[name] {
		registryMu.Unlock()
		panic(fmt.Sprintf("kernelext.NewTask: a task named %q already exists in this program", name))
	}
	registry[name] = true
	registryMu.Unlock()
	t := &Task[In, Out]{name: name, fn: fn}
	if os.Getenv(envWorker) == name {
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

// Func wraps a function without error or context as a task function, for jobs that
// cannot fail: kernelext.NewTask("square", kernelext.Func(square)).
func Func[In, Out any](f func(In) Out) func(context.Context, In) (Out, error) {
	return func(_ context.Context, in In) (Out, error) { return f(in), nil }
}

// Name is the name the task was created with.
func (t *Task[In, Out]) Name() string { return t.name }

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
