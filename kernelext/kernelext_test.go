package kernelext_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
)

// Tasks run by worker processes must exist before the tests run: the test binary is the
// program the workers re-execute.
var (
	square = kernelext.NewTask("square", func(ctx context.Context, x int) (int, error) {
		return x * x, nil
	})
	// picky fails on multiples of 5 and panics on 7.
	picky = kernelext.NewTask("picky", func(ctx context.Context, x int) (int, error) {
		switch {
		case x == 7:
			panic("seven is unlucky")
		case x%5 == 0:
			return 0, fmt.Errorf("%d is a multiple of 5", x)
		}
		return -x, nil
	})
	// crashy kills its worker on 3 and 8.
	crashy = kernelext.NewTask("crashy", func(ctx context.Context, x int) (int, error) {
		if x == 3 || x == 8 {
			fmt.Fprintln(os.Stderr, "crashy: giving up on", x)
			os.Exit(3)
		}
		return x + 100, nil
	})
	// sleepy sleeps its input in milliseconds, cancellable, and reports its worker.
	sleepy = kernelext.NewTask("sleepy", func(ctx context.Context, ms int) (kernelext.Worker, error) {
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			return kernelext.WorkerOf(ctx), nil
		case <-ctx.Done():
			return kernelext.Worker{}, fmt.Errorf("sleeping %d ms: %w", ms, ctx.Err())
		}
	})
	// burn spends its input in milliseconds of its process's CPU time and reports the
	// CPU time its process has used so far.
	burn = kernelext.NewTask("burn", func(ctx context.Context, ms int) (cpuUse, error) {
		var x uint64 = 1
		for start := processCPU(); processCPU()-start < time.Duration(ms)*time.Millisecond; {
			for range 1000 {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		return cpuUse{PID: os.Getpid(), CPU: processCPU(), Sink: x}, nil
	})
)

type cpuUse struct {
	PID  int
	CPU  time.Duration
	Sink uint64
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var strategies = []kernelext.Strategy{kernelext.Sequential(), kernelext.Goroutines(3), kernelext.Processes(2)}

func ints(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestMapKeepsInputOrder(t *testing.T) {
	for _, s := range strategies {
		t.Run(s.String(), func(t *testing.T) {
			run, err := kernelext.Map(context.Background(), s, square, ints(50))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range run.Values() {
				if want := (i + 1) * (i + 1); v != want {
					t.Fatalf("result %d = %d, want %d", i, v, want)
				}
			}
			if run.Failed() != 0 || run.Errors() != nil {
				t.Fatalf("failed = %d, err = %v", run.Failed(), run.Errors())
			}
			if run.Wall <= 0 {
				t.Errorf("wall time %v", run.Wall)
			}
		})
	}
}

func TestMapResultsShowWhereTasksRan(t *testing.T) {
	for _, s := range strategies {
		t.Run(s.String(), func(t *testing.T) {
			run, err := kernelext.Map(context.Background(), s, sleepy, []int{5, 5, 5, 5, 5, 5})
			if err != nil {
				t.Fatal(err)
			}
			pids := map[int]bool{}
			for i, r := range run.Results {
				if r.End < r.Start || r.End-r.Start < 4*time.Millisecond || r.End > run.Wall {
					t.Errorf("task %d ran from %v to %v (run took %v)", i, r.Start, r.End, run.Wall)
				}
				if r.Value != r.Worker {
					t.Errorf("task %d says it ran on %v, its result says %v", i, r.Value, r.Worker)
				}
				if r.Worker.ID < 0 || r.Worker.ID > s.Workers() || (s.String() == "sequential") != (r.Worker.ID == 0) {
					t.Errorf("task %d ran on worker %d of %v", i, r.Worker.ID, s)
				}
				pids[r.Worker.PID] = true
			}
			inProcess := pids[os.Getpid()] && len(pids) == 1
			if inProcess == strings.HasPrefix(s.String(), "processes") {
				t.Errorf("%v ran in pids %v (test pid %d)", s, pids, os.Getpid())
			}
		})
	}
}

func TestMapFailedTasksDoNotLoseTheOthers(t *testing.T) {
	for _, s := range strategies {
		t.Run(s.String(), func(t *testing.T) {
			run, err := kernelext.Map(context.Background(), s, picky, ints(12))
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range run.Results {
				x := i + 1
				var te *kernelext.TaskError
				var pe *kernelext.PanicError
				switch {
				case x == 7:
					if !errors.As(r.Err, &pe) || pe.Value != "seven is unlucky" || !strings.Contains(pe.Stack, "kernelext_test") {
						t.Errorf("task %d: want a panic error with stack, got %v", i, r.Err)
					}
				case x%5 == 0:
					if !errors.As(r.Err, &te) || te.Index != i || !strings.Contains(r.Err.Error(), fmt.Sprintf("%d is a multiple of 5", x)) {
						t.Errorf("task %d: err = %v", i, r.Err)
					}
				default:
					if r.Err != nil || r.Value != -x {
						t.Errorf("task %d = %d, %v; want %d", i, r.Value, r.Err, -x)
					}
				}
			}
			if run.Failed() != 3 {
				t.Errorf("failed = %d, want 3", run.Failed())
			}
			if msg := run.Errors().Error(); !strings.Contains(msg, "picky: task 4") || !strings.Contains(msg, "panic: seven") {
				t.Errorf("run error %q does not say which tasks failed", msg)
			}
		})
	}
}

func TestGoroutinePoolIsBounded(t *testing.T) {
	var running, peak atomic.Int32
	gate := kernelext.NewTask("gate", func(ctx context.Context, _ int) (int, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		return 0, nil
	})
	for _, n := range []int{1, 3, 8} {
		peak.Store(0)
		if _, err := kernelext.Map(context.Background(), kernelext.Goroutines(n), gate, ints(40)); err != nil {
			t.Fatal(err)
		}
		if p := peak.Load(); p > int32(n) || p < 1 {
			t.Errorf("Goroutines(%d): %d tasks ran at once", n, p)
		}
	}
}

func TestCrashedWorkerFailsOnlyItsTask(t *testing.T) {
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), crashy, ints(10))
	if err != nil {
		t.Fatal(err)
	}
	pids := map[int]bool{}
	for i, r := range run.Results {
		x := i + 1
		pids[r.Worker.PID] = true
		if x == 3 || x == 8 {
			var ce *kernelext.CrashError
			if !errors.As(r.Err, &ce) || ce.Status != "exit status 3" || !strings.Contains(ce.Stderr, "giving up on") {
				t.Errorf("task %d: want a crash error with the worker's last words, got %v", i, r.Err)
			}
			continue
		}
		if r.Err != nil || r.Value != x+100 {
			t.Errorf("task %d = %d, %v", i, r.Value, r.Err)
		}
	}
	// Two crashes each cost a worker: at least 3 processes served the run.
	if len(pids) < 3 {
		t.Errorf("workers %v: crashed workers were not replaced", pids)
	}
}

func TestCancelKeepsFinishedResults(t *testing.T) {
	for _, s := range strategies {
		t.Run(s.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			inputs := []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 5000, 5000, 5000, 5000}
			start := time.Now()
			run, err := kernelext.Map(ctx, s, sleepy, inputs)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("cancelled run took %v", took)
			}
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "stopped after") {
				t.Fatalf("err = %v, want a deadline error saying how far it got", err)
			}
			for i, r := range run.Results {
				if inputs[i] == 10 && r.Err != nil {
					t.Errorf("short task %d failed: %v", i, r.Err)
				}
				if inputs[i] == 5000 && !errors.Is(r.Err, context.DeadlineExceeded) {
					t.Errorf("long task %d: err = %v, want deadline exceeded", i, r.Err)
				}
			}
		})
	}
}

func TestCPUTimeCountsWorkerProcesses(t *testing.T) {
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), burn, []int{40, 40, 40, 40})
	if err != nil {
		t.Fatal(err)
	}
	// Each worker's CPU time at its last task; the workers used at least that much.
	workers := map[int]time.Duration{}
	for _, r := range run.Results {
		workers[r.Value.PID] = max(workers[r.Value.PID], r.Value.CPU)
	}
	var used time.Duration
	for _, cpu := range workers {
		used += cpu
	}
	if used < 160*time.Millisecond || run.CPU < used {
		t.Errorf("run CPU time %v does not include the %v its workers %v used", run.CPU, used, workers)
	}
}

func TestTaskNotInWorkerIsAClearError(t *testing.T) {
	late := kernelext.NewTask("late", func(_ context.Context, x int) (int, error) { return x, nil })
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), late, ints(4))
	if err == nil || !strings.Contains(err.Error(), "package level") {
		t.Fatalf("err = %v, want advice to create the task at package level", err)
	}
	if run.Failed() != 4 {
		t.Errorf("failed = %d, want all 4", run.Failed())
	}
}

// A task created again under the same name (a test run twice, a function that makes its
// task each time it is called) works, and a worker serves the one it was started for.
func TestTasksMayShareAName(t *testing.T) {
	again := kernelext.NewTask("square", func(_ context.Context, x int) (int, error) { return -x, nil })
	run, err := kernelext.Map(context.Background(), kernelext.Goroutines(2), again, ints(3))
	if err != nil || run.Values()[2] != -3 {
		t.Fatalf("a second task named square: %v, %v", run.Values(), err)
	}
	// The package-level square, the first of its name, still serves worker processes.
	run, err = kernelext.Map(context.Background(), kernelext.Processes(2), square, ints(3))
	if err != nil || run.Values()[2] != 9 {
		t.Fatalf("square on processes after a second square: %v, %v", run.Values(), err)
	}
}

func TestStrategyNames(t *testing.T) {
	for _, tc := range []struct {
		s    kernelext.Strategy
		want string
	}{
		{kernelext.Sequential(), "sequential"},
		{kernelext.Strategy{}, "sequential"},
		{kernelext.Goroutines(40), "goroutines×40"},
		{kernelext.Processes(3), "processes×3"},
		{kernelext.Goroutines(8).OnCores(1), "goroutines×8 on 1 core"},
		{kernelext.Processes(2).OnCores(2), "processes×2 on 2 cores"},
		{kernelext.Sequential().OnCores(1), "sequential"},
		{kernelext.Processes(2).Batch(100), "processes×2, batch 100"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.s, got, tc.want)
		}
	}
	if kernelext.Goroutines(0).Workers() < 1 || kernelext.Processes(-1).Workers() < 1 {
		t.Error("default pool sizes must be at least 1")
	}
}

// procs reports the GOMAXPROCS its task ran under.
var procs = kernelext.NewTask("procs", func(ctx context.Context, _ int) (int, error) {
	return runtime.GOMAXPROCS(0), nil
})

func TestCoresPerStrategy(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set in the environment: workers inherit it")
	}
	before := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		s    kernelext.Strategy
		want int
	}{
		{kernelext.Sequential(), 1},
		{kernelext.Goroutines(2), before},
		{kernelext.Processes(1), runtime.NumCPU()},
		{kernelext.Processes(2 * runtime.NumCPU()), 1},
		{kernelext.Goroutines(4).OnCores(1), 1},
		{kernelext.Processes(2).OnCores(3), 3},
	} {
		run, err := kernelext.Map(context.Background(), tc.s, procs, ints(2))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range run.Values() {
			if v != tc.want {
				t.Errorf("%v: a task ran with GOMAXPROCS=%d, want %d", tc.s, v, tc.want)
			}
		}
		if now := runtime.GOMAXPROCS(0); now != before {
			t.Fatalf("%v left GOMAXPROCS at %d, was %d", tc.s, now, before)
		}
	}
}

func TestLocalTasksCloseOverState(t *testing.T) {
	out := make([]int, 10)
	fill := kernelext.Local(func(ctx context.Context, i int) (int, error) {
		out[i] = i * i
		return i, nil
	})
	for _, s := range []kernelext.Strategy{kernelext.Sequential(), kernelext.Goroutines(3)} {
		clear(out)
		if _, err := kernelext.Map(context.Background(), s, fill, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}); err != nil {
			t.Fatal(err)
		}
		if out[9] != 81 || out[3] != 9 {
			t.Errorf("%v: out = %v", s, out)
		}
	}
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), fill, []int{1, 2})
	if err == nil || !strings.Contains(err.Error(), "cannot run in worker processes") || run.Failed() != 2 {
		t.Errorf("Processes of a local task: err = %v, failed = %d", err, run.Failed())
	}
}
