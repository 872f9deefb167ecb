package kernelext

import (
	"fmt"
	"runtime"
)

// Kind says how a [Strategy] runs tasks.
type Kind int

const (
	// KindSequential runs the tasks one after the other on the calling goroutine.
	KindSequential Kind = iota
	// KindGoroutines runs the tasks on a fixed number of goroutines in this process.
	KindGoroutines
	// KindProcesses runs the tasks on a fixed number of worker processes.
	KindProcesses
)

// String names the kind as the notebooks do.
func (k Kind) String() string {
	switch k {
	case KindSequential:
		return "sequential"
	case KindGoroutines:
		return "goroutines"
	case KindProcesses:
		return "processes"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Strategy is a way to run a job: sequentially, on a goroutine pool or on a process pool.
// The zero value is [Sequential].
type Strategy struct {
	Kind Kind
	// Workers is the pool size; 0 means the default of the kind: 1 for sequential,
	// GOMAXPROCS for goroutines, the number of CPUs for processes.
	Workers int
	// Cores is the GOMAXPROCS the tasks run under: of this process while a sequential or
	// goroutine run lasts, of each worker process for processes. 0 means the default of
	// the kind: 1 for sequential, unchanged for goroutines, a share of the CPUs for
	// processes (see [Processes]).
	Cores int
}

// OnCores returns s running on n cores (GOMAXPROCS = n): Goroutines(8).OnCores(1) is a
// pool of eight that can only take turns on one core, as Python's threads do under the GIL.
func (s Strategy) OnCores(n int) Strategy {
	s.Cores = max(n, 0)
	return s
}

// Sequential runs tasks one after the other on one core, the talk's for loop: while the
// run lasts GOMAXPROCS is 1, so a library that parallelizes internally (imaging.Resize
// spreads its work over GOMAXPROCS goroutines) does not make the baseline parallel. Other
// goroutines of the program share that core meanwhile.
func Sequential() Strategy { return Strategy{Kind: KindSequential, Workers: 1} }

// Goroutines runs tasks on n goroutines, the counterpart of ThreadPoolExecutor(n).
// n <= 0 means GOMAXPROCS.
func Goroutines(n int) Strategy { return Strategy{Kind: KindGoroutines, Workers: max(n, 0)} }

// Processes runs tasks on n worker processes, the counterpart of ProcessPoolExecutor(n).
// n <= 0 means the number of CPUs. Each worker gets its share of the cores, GOMAXPROCS =
// max(1, CPUs/n), as each of Python's worker processes runs on one core (a GOMAXPROCS set
// in the environment wins). See the package documentation for what a task needs to run in
// a worker process.
func Processes(n int) Strategy { return Strategy{Kind: KindProcesses, Workers: max(n, 0)} }

// Size is the number of workers the strategy runs with, defaults resolved.
func (s Strategy) Size() int {
	switch {
	case s.Kind == KindSequential:
		return 1
	case s.Workers > 0:
		return s.Workers
	case s.Kind == KindGoroutines:
		return runtime.GOMAXPROCS(0)
	default:
		return runtime.NumCPU()
	}
}

// String is the label used in tables and charts, e.g. "goroutines×4", or
// "goroutines×4 on 1 core" when the cores are set.
func (s Strategy) String() string {
	name := "sequential"
	if s.Kind != KindSequential {
		name = fmt.Sprintf("%s×%d", s.Kind, s.Size())
	}
	switch {
	case s.Cores == 0 || (s.Kind == KindSequential && s.Cores == 1):
		return name
	case s.Cores == 1:
		return name + " on 1 core"
	}
	return fmt.Sprintf("%s on %d cores", name, s.Cores)
}

// cores is the GOMAXPROCS a sequential or goroutine run sets, 0 for "leave it".
func (s Strategy) cores() int {
	if s.Cores > 0 {
		return s.Cores
	}
	if s.Kind == KindSequential {
		return 1
	}
	return 0
}
