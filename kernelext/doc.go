// Package kernelext runs one job under several strategies and shows how long each took.
//
// It is the kernel extension every speedup notebook imports: the Go counterpart of the
// talk's for loop, ThreadPoolExecutor and ProcessPoolExecutor. A job is a [Task], a function
// from one input to one output; [Map] runs it over a list of inputs [Sequential]ly, on a
// bounded pool of [Goroutines], or on a pool of worker [Processes], and returns the results
// in input order with an error per task. [Compare] times several strategies honestly
// (warm-up, repetitions, wall and CPU time, spread, speedup, efficiency, per-task spans) and
// [Comparison.Show] draws the result inline in a GoNB notebook, or prints a plain-text table
// anywhere else, so the same code runs in notebooks, tests and command-line programs.
//
// # Worker processes
//
// The subprocess strategy re-executes the running program ([os.Executable]) in worker
// mode, much as Python's spawn start method re-imports __main__. A task created at package
// level,
//
//	var resize = kernelext.NewTask("resize", resizeImage)
//
// is registered while the program's variables are initialised, before main runs: in a
// worker, NewTask recognises its name, serves tasks over a pipe and exits, so nothing of
// main runs twice. That is why the subprocess strategy works for a function defined in a
// notebook cell. The caveats, like spawn's: the function must not depend on state set up
// by main or by init functions (package-level variables it uses are initialised first, as
// Go orders initialisation by dependency), inputs and outputs cross the pipe with
// encoding/gob (exported fields only), and a task created inside main makes each worker
// re-run main up to that line.
//
// Workers die with the program: they get SIGKILL when it dies (Linux), notice a closed
// pipe or a new parent process otherwise, are killed when a run is cancelled or
// interrupted, and a worker that crashes fails only the task it was running and is
// replaced.
package kernelext
