package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
	"github.com/speedup-go/speedup/python"
	"github.com/speedup-go/speedup/workloads"
)

// nothing is the task of the overhead benchmark: it does nothing, so a run's time is what
// the strategy costs.
var nothing = kernelext.NewTask("bench.nothing", workloads.Nothing)

const (
	overheadTasks   = 20_000
	overheadWorkers = 2
)

// BenchmarkOverheadGoVsPython measures what each strategy costs per task, with 20,000 tasks
// that do nothing on 2 workers, pool start-up included, in Go (goroutines; worker processes
// one task at a time, by batches of 100, and by batches the pool sizes itself) and with
// Python's executors (ThreadPoolExecutor; ProcessPoolExecutor with chunksize 1 and 100),
// side by side in one run, each the median of 3 timed runs after a warm-up. It reports the
// time per task of each, and the ratios Python ÷ Go of the comparable pairs (above 1: Go
// is faster).
//
//	go test -run '^$' -bench Overhead -benchtime 1x ./bench/
func BenchmarkOverheadGoVsPython(b *testing.B) {
	ctx := context.Background()
	py, pyErr := python.Find()
	if pyErr != nil {
		b.Logf("Python side skipped: %v", pyErr)
	}
	inputs := workloads.Slices(overheadTasks)
	strategies := []struct {
		name string
		s    kernelext.Strategy
	}{
		{"goroutines", kernelext.Goroutines(overheadWorkers)},
		{"processes-batch-1", kernelext.Processes(overheadWorkers).Batch(1)},
		{"processes-batch-100", kernelext.Processes(overheadWorkers).Batch(100)},
		{"processes-auto", kernelext.Processes(overheadWorkers)},
	}
	for b.Loop() {
		perTask := map[string]time.Duration{}
		for _, st := range strategies {
			var walls []time.Duration
			for i := range 4 { // a warm-up, then 3 timed runs
				run, err := kernelext.Map(ctx, st.s, nothing, inputs, kernelext.Quiet())
				if err != nil || run.Failed() > 0 {
					b.Fatalf("%v: %v %v", st.s, err, run.Errors())
				}
				if i > 0 {
					walls = append(walls, run.Wall)
				}
			}
			slices.Sort(walls)
			perTask[st.name] = walls[1] / overheadTasks
			b.ReportMetric(float64(perTask[st.name].Nanoseconds())/1e3, "go/"+st.name+"-µs/task")
		}
		if pyErr != nil {
			continue
		}
		res, err := python.RunExecutors(ctx, py, overheadTasks, overheadWorkers, 3)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct{ py, goName, metric string }{
			{python.Threads, "goroutines", "threads"},
			{python.ProcessesOneByOne, "processes-batch-1", "processes-chunk-1"},
			{python.ProcessesChunked, "processes-batch-100", "processes-chunk-100"},
			{python.ProcessesChunked, "processes-auto", "processes-auto-vs-chunk-100"},
		} {
			p := res.PerTask(c.py)
			b.ReportMetric(float64(p.Nanoseconds())/1e3, "python/"+c.py+"-µs/task")
			b.ReportMetric(p.Seconds()/perTask[c.goName].Seconds(), "overhead-"+c.metric+"-py/go")
		}
	}
}
