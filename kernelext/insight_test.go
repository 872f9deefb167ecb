package kernelext

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/speedup-go/speedup/internal/cpuprofile"
	"github.com/speedup-go/speedup/internal/stats"
)

// spin keeps a core busy for about n million rounds of arithmetic.
func spin(n int) uint64 {
	x := uint64(n)
	for range n * 1_000_000 {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var (
	spinning = NewTask("spinning", func(_ context.Context, n int) (uint64, error) { return spin(n), nil })
	// megabyte allocates a mebibyte per task and keeps it until the task ends.
	megabyte = NewTask("megabyte", func(_ context.Context, n int) (int, error) {
		b := make([]byte, 1<<20)
		for i := range b {
			b[i] = byte(i + n)
		}
		return int(b[n]), nil
	})
)

// Profile merges the worker processes' profiles with this process's: the task's own
// function is on top of the flame graph, and the profile is saved where pprof opens it.
func TestProfileFollowsWorkProcesses(t *testing.T) {
	t.Setenv("GONB_DIR", t.TempDir())
	c, err := Compare(context.Background(), spinning, []int{20, 20, 20, 20}, []Strategy{Sequential(), Processes(2)},
		Repeat(2), Warmup(0), Profile(), Quiet())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range c.Rows {
		if row.profErr != nil || row.prof == nil {
			t.Fatalf("%v: no profile: %v", row.Strategy, row.profErr)
		}
		procs := map[string]bool{}
		for _, s := range row.prof.Sample {
			for _, p := range s.Label[cpuprofile.ProcessLabel] {
				procs[strings.Fields(p)[0]] = true
			}
		}
		want := "cell"
		if row.Strategy.kind == processes {
			want = "worker"
		}
		if !procs[want] {
			t.Errorf("%v: samples come from %v, want some from the %s", row.Strategy, procs, want)
		}
		task, rep, err := cpuprofile.Trim(row.prof, func(fn string) bool { return strings.HasPrefix(fn, taskFrame) })
		if err != nil || rep.Task < rep.Total/2 {
			t.Fatalf("%v: %v of %v in the task (%v)", row.Strategy, rep.Task, rep.Total, err)
		}
		tree, err := cpuprofile.Tree(task, 0.001)
		if err != nil || len(tree.Children) == 0 || strings.Contains(tree.Children[0].Name, "kernelext.call[") || !hasFrame(tree, "kernelext.spin", 3) {
			t.Errorf("%v: the flame graph does not start at the task (%v): %+v", row.Strategy, err, tree.Children)
		}
	}
	showProfile("spinning sequential", c.Rows[0].prof, nil, 8)
	saved, _ := filepath.Glob(filepath.Join(os.Getenv("GONB_DIR"), "profiles", "*.pb.gz"))
	if len(saved) != 1 {
		t.Errorf("saved profiles: %v", saved)
	} else if p, err := cpuprofile.ReadFile(saved[0]); err != nil || len(p.Sample) == 0 {
		t.Errorf("the saved profile does not read back: %v", err)
	}
}

// Trace shows eight goroutines on one core taking turns on one P.
func TestTraceShowsTheProcessorsUsed(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs")
	}
	c, err := Compare(context.Background(), spinning, []int{5, 5, 5, 5, 5, 5, 5, 5}, []Strategy{Goroutines(8).OnCores(1), Goroutines(4).OnCores(2)},
		Repeat(1), Warmup(0), Trace(), Quiet())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 2} {
		row := c.Rows[i]
		if row.traceErr != nil || row.trace == nil {
			t.Fatalf("%v: no trace: %v", row.Strategy, row.traceErr)
		}
		if s := row.trace.Summary; s.Procs != want || s.Goroutines != row.Strategy.Workers() {
			t.Errorf("%v: %d Ps ran %d workers, want %d Ps", row.Strategy, s.Procs, s.Goroutines, want)
		}
		if line := traceSummary(row.Strategy, row.trace); !strings.Contains(line, " Ps ran ") {
			t.Errorf("summary %q", line)
		}
	}
	// Eight workers taking turns on one P wait for it most of the time.
	if s := c.Rows[0].trace.Summary; s.Runnable < s.Running {
		t.Errorf("on one core: runnable %v, running %v", s.Runnable, s.Running)
	}
}

// Compare measures the memory of each strategy, its worker processes included.
func TestCompareMeasuresMemory(t *testing.T) {
	c, err := Compare(context.Background(), megabyte, []int{1, 2, 3, 4, 5, 6}, []Strategy{Sequential(), Processes(2)}, Repeat(2), Warmup(0), Quiet())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range c.Rows {
		if per := stats.Median(row.perTask); per < 1<<20 || per > 2<<20 {
			t.Errorf("%v: %.0f bytes allocated per task, want about a mebibyte", row.Strategy, per)
		}
		if row.peakRSS < 1<<20 {
			t.Errorf("%v: peak memory %d bytes", row.Strategy, row.peakRSS)
		}
	}
}

// hasFrame reports whether a frame whose name contains name is within depth levels of n.
func hasFrame(n cpuprofile.Node, name string, depth int) bool {
	if strings.Contains(n.Name, name) {
		return true
	}
	for _, c := range n.Children {
		if depth > 0 && hasFrame(c, name, depth-1) {
			return true
		}
	}
	return false
}

// helped does its work on a goroutine it starts, as imaging.Resize does.
var helped = NewTask("helped", func(_ context.Context, n int) (uint64, error) {
	done := make(chan uint64)
	go func() { done <- spin(n) }()
	return <-done, nil
})

// The goroutines a task starts count as the task's in its profile.
func TestProfileCountsTheGoroutinesATaskStarts(t *testing.T) {
	run, err := Map(context.Background(), Sequential(), helped, []int{30, 30, 30}, Profile(), Quiet())
	if err != nil || run.profErr != nil {
		t.Fatal(err, run.profErr)
	}
	task, rep, err := cpuprofile.Trim(adoptSpawned(run.prof), func(fn string) bool { return strings.HasPrefix(fn, taskFrame) })
	if err != nil || rep.Task < rep.Total/2 {
		t.Fatalf("%v of %v in the task (%v)", rep.Task, rep.Total, err)
	}
	tree, _ := cpuprofile.Tree(task, 0.001)
	if !hasFrame(tree, spawnedFrame, 1) || !hasFrame(tree, "kernelext.spin", 4) {
		t.Errorf("the goroutine's work is not under the task: %+v", tree)
	}
	if profilingTasks.Load() {
		t.Error("tasks are still labelled after the profile ended")
	}
}
