package stats_test

import (
	"fmt"
	"os"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
)

func ExampleCompare() {
	sequential := []time.Duration{200 * time.Millisecond, 210 * time.Millisecond, 205 * time.Millisecond, 199 * time.Millisecond, 202 * time.Millisecond}
	pool := []time.Duration{111 * time.Millisecond, 108 * time.Millisecond, 123 * time.Millisecond, 109 * time.Millisecond, 110 * time.Millisecond}
	fmt.Println(stats.Compare(sequential, pool))
	fmt.Println(stats.Compare(sequential, sequential))
	c := stats.Compare(sequential[:3], pool[:3])
	fmt.Println(c)
	fmt.Println(c.Warning)
	// Output:
	// -45.54% (p=0.008 n=5+5)
	// ~ (p=1.000 n=5+5)
	// ? (p=0.100 n=3+3)
	// 3+3 runs can never show a difference at alpha=0.05 (the smallest possible p is 0.100): need 4+4
}

func ExampleSummarize() {
	wall := []float64{0.111, 0.108, 0.123, 0.109, 0.110, 0.112, 0.108, 0.115, 0.109, 0.110}
	s := stats.Summarize(wall)
	fmt.Printf("median %.3f s, 95%% CI [%.3f, %.3f] (%.1f%%), n=%d: %s\n", s.Median, s.Lo, s.Hi, 100*s.Confidence, s.N, s)
	fmt.Println(stats.Summarize(wall[:5]).Warning)
	// Output:
	// median 0.110 s, 95% CI [0.108, 0.115] (97.9%), n=10: 0.11 ± 5%
	// need >= 6 samples for confidence interval at level 0.95
}

func ExamplePolicy_Plan() {
	var p stats.Policy // 3 s for all timed runs, at most 10 each
	for _, run := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond, 2 * time.Second} {
		plan := p.Plan(run, 3)
		fmt.Printf("%v: %d runs, verdict %v, CI %v\n", run, plan.Runs, plan.Verdict, plan.CI)
		if plan.Note != "" {
			fmt.Println("  " + plan.Note)
		}
	}
	// Output:
	// 20ms: 10 runs, verdict true, CI true
	// 300ms: 4 runs, verdict true, CI false
	//   one run of each of 3 strategies takes 900ms: 4 runs each, about 3.6s, go over the 3s budget because fewer can never show a significant difference
	// 2s: 1 runs, verdict false, CI false
	//   one run of each of 3 strategies takes 6s, more than the 3s budget: 1 run each, too few for a verdict (4 needed, about 24s): verdicts will be "?"
}

func ExampleRunWarning() {
	ms := time.Millisecond
	fmt.Println(stats.RunWarning([]time.Duration{100 * ms, 430 * ms, 98 * ms, 101 * ms, 99 * ms}))
	fmt.Println(stats.RunWarning([]time.Duration{310 * ms, 100 * ms, 98 * ms, 101 * ms, 99 * ms}))
	// Output:
	// The slowest run took 4.4 times longer than the fastest (430ms vs 98ms). This could mean that an intermediate result is being cached, or that the machine was busy: the median is less trustworthy.
	// The first run took 3.1 times as long as the median of the others (310ms vs 99.5ms). Caches, lazy initialization or workers may not have been warm until after it: consider more warm-up runs.
}

func ExampleReport() {
	wall := []time.Duration{200 * time.Millisecond, 210 * time.Millisecond}
	cpu := []time.Duration{198 * time.Millisecond, 207 * time.Millisecond}
	r := &stats.Report{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", Rows: []stats.Row{
		{Name: "toast/sequential", Metrics: []stats.Metric{
			{Unit: stats.UnitWall, Values: stats.Seconds(wall)},
			{Unit: stats.UnitCPU, Values: stats.Seconds(cpu)},
			{Unit: "slices/s", Values: []float64{500, 476.19}},
		}},
	}}
	r.WriteBench(os.Stdout)
	fmt.Println()
	r.WriteCSV(os.Stdout)
	// Output:
	// goos: linux
	// goarch: amd64
	// cpu: Test CPU
	// BenchmarkToast/sequential	1	200000000 ns/op	198000000 cpu-ns/op	500 slices/s
	// BenchmarkToast/sequential	1	210000000 ns/op	207000000 cpu-ns/op	476.19 slices/s
	//
	// name,run,sec/op,cpu-sec/op,slices/s
	// toast/sequential,1,0.2,0.198,500
	// toast/sequential,2,0.21,0.207,476.19
}
