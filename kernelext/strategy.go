package kernelext

import (
	"fmt"
	"runtime"
)

// kind says how a Strategy runs tasks.
type kind int

const (
	sequential kind = iota
	goroutines
	processes
)

// Strategy is a way to run a job: sequentially, on a goroutine pool or on a process pool.
// Make one with [Sequential], [Goroutines] or [Processes] and tune it with its methods;
// the zero value is Sequential().
type Strategy struct {
	kind    kind
	workers int // 0: the kind's default
	cores   int // 0: the kind's default
	batch   int // processes: tasks per message; 0: chosen as the run goes
}

// Sequential runs tasks one after the other on one core, the talk's for loop: while the
// run lasts GOMAXPROCS is 1, so a library that parallelizes internally (imaging.Resize
// spreads its work over GOMAXPROCS goroutines) does not make the baseline parallel. Other
// goroutines of the program share that core meanwhile.
func Sequential() Strategy { return Strategy{} }

// Goroutines runs tasks on n goroutines, the counterpart of ThreadPoolExecutor(n).
// n <= 0 means GOMAXPROCS.
func Goroutines(n int) Strategy { return Strategy{kind: goroutines, workers: max(n, 0)} }

// Processes runs tasks on n worker processes, the counterpart of ProcessPoolExecutor(n).
// n <= 0 means the number of CPUs. Each worker gets its share of the cores, GOMAXPROCS =
// max(1, CPUs/n), as each of Python's worker processes runs on one core (a GOMAXPROCS set
// in the environment wins). Tasks travel in batches sized as the run goes (see
// [Strategy.Batch]). See the package documentation for what a task needs to run in a
// worker process.
func Processes(n int) Strategy { return Strategy{kind: processes, workers: max(n, 0)} }

// OnCores returns s running on n cores (GOMAXPROCS = n): Goroutines(8).OnCores(1) is a
// pool of eight that can only take turns on one core, as Python's threads do under the GIL.
// For processes, n is each worker's GOMAXPROCS. n <= 0 restores the default.
func (s Strategy) OnCores(n int) Strategy {
	s.cores = max(n, 0)
	return s
}

// Batch returns s sending n tasks at a time to each worker process, like
// ProcessPoolExecutor.map's chunksize: a batch costs one round trip however many tasks it
// holds, which is what makes tiny tasks worth sending to processes. Results, errors, spans
// and progress stay per task. By default (n <= 0) the batch grows from one task as the
// run measures how long tasks take: about 20 ms of work per batch, and never so large that
// a worker is left idle while another has a long queue. Only process pools batch.
func (s Strategy) Batch(n int) Strategy {
	s.batch = max(n, 0)
	return s
}

// Workers is the number of workers the strategy runs with, defaults resolved.
func (s Strategy) Workers() int {
	switch {
	case s.kind == sequential:
		return 1
	case s.workers > 0:
		return s.workers
	case s.kind == goroutines:
		return runtime.GOMAXPROCS(0)
	default:
		return runtime.NumCPU()
	}
}

// coreCount is how many cores the strategy's tasks may use at once: 1 for sequential runs, the
// workers capped by GOMAXPROCS for goroutines, the workers times each worker's GOMAXPROCS
// capped by the CPUs for processes. CPU-bound work cannot go faster than this.
func (s Strategy) coreCount() int {
	switch s.kind {
	case sequential:
		return 1
	case goroutines:
		return min(s.Workers(), s.gomaxprocs())
	}
	return min(s.Workers()*s.gomaxprocs(), runtime.NumCPU())
}

// String is the label used in tables and charts, e.g. "goroutines×4", or
// "goroutines×4 on 1 core" when the cores are set, "processes×2, batch 100" when the
// batch is.
func (s Strategy) String() string {
	name := "sequential"
	switch s.kind {
	case goroutines:
		name = fmt.Sprintf("goroutines×%d", s.Workers())
	case processes:
		name = fmt.Sprintf("processes×%d", s.Workers())
	}
	switch {
	case s.cores == 0 || (s.kind == sequential && s.cores == 1):
	case s.cores == 1:
		name += " on 1 core"
	default:
		name += fmt.Sprintf(" on %d cores", s.cores)
	}
	if s.kind == processes && s.batch > 0 {
		name += fmt.Sprintf(", batch %d", s.batch)
	}
	return name
}

// gomaxprocs is the GOMAXPROCS the tasks run under: of this process for sequential and
// goroutine runs, of each worker process for processes.
func (s Strategy) gomaxprocs() int {
	switch {
	case s.cores > 0:
		return s.cores
	case s.kind == sequential:
		return 1
	case s.kind == goroutines:
		return runtime.GOMAXPROCS(0)
	}
	return max(1, runtime.NumCPU()/s.Workers())
}
