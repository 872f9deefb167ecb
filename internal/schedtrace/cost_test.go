package schedtrace

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestCost measures what recording costs: 8 CPU-bound goroutines doing about a second of
// work on all cores, run alternately without and with a recording. By default it runs a
// short version as a smoke test; SCHEDTRACE_COST=1 runs the full one:
//
//	SCHEDTRACE_COST=1 go test -run Cost -v ./internal/schedtrace
func TestCost(t *testing.T) {
	wall, reps := 200*time.Millisecond, 1
	if os.Getenv("SCHEDTRACE_COST") != "" {
		wall, reps = time.Second, 5
	}
	const goroutines = 8
	units := unitsFor(wall * time.Duration(runtime.GOMAXPROCS(0)) / goroutines)
	job := func() { workers(goroutines, func(int) { spin(units) }) }

	var plain, traced, plainCPU, tracedCPU, parse []time.Duration
	var bytesPerSec []float64
	for range reps {
		start, cpu := time.Now(), cpuTime()
		job()
		plain = append(plain, time.Since(start))
		plainCPU = append(plainCPU, cpuTime()-cpu)

		start, cpu = time.Now(), cpuTime()
		r := startOrSkip(t)
		job()
		data := r.Stop()
		took := time.Since(start)
		traced = append(traced, took)
		tracedCPU = append(tracedCPU, cpuTime()-cpu)
		bytesPerSec = append(bytesPerSec, float64(len(data))/took.Seconds())

		start = time.Now()
		tl, err := Parse(data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		parse = append(parse, time.Since(start))
		if tl.Summary.Goroutines != goroutines {
			t.Fatalf("%d goroutines of interest, want %d", tl.Summary.Goroutines, goroutines)
		}
		t.Logf("plain %v, traced %v, %d bytes, parsed in %v (%d segments)", plain[len(plain)-1], took, len(data), parse[len(parse)-1], tl.Merge.After)
	}
	p, tr := median(plain), median(traced)
	pc, tc := median(plainCPU), median(tracedCPU)
	t.Logf("median of %d: wall plain %v, traced %v (%+.1f%%); CPU plain %v, traced %v (%+.1f%%); %.1f kB/s of trace; parse %v",
		reps, p, tr, 100*(tr.Seconds()/p.Seconds()-1), pc, tc, 100*(tc.Seconds()/max(pc.Seconds(), 1e-9)-1), median(bytesPerSec)/1e3, median(parse))
	if bps := median(bytesPerSec); bps > 1e6 {
		t.Errorf("a CPU-bound run's trace grows by %.1f MB/s", bps/1e6)
	}

	// The other extreme: goroutines that switch all the time.
	start := time.Now()
	r := startOrSkip(t)
	pingPong(20000)
	data := r.Stop()
	took := time.Since(start)
	start = time.Now()
	tl, err := Parse(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parsed := time.Since(start)
	t.Logf("ping-pong, 20000 rounds: %v traced, %.1f MB/s of trace, %d bytes parsed in %v (%.0f MB/s), %d segments cut to %d",
		took, float64(len(data))/took.Seconds()/1e6, len(data), parsed, float64(len(data))/parsed.Seconds()/1e6, tl.Merge.Before, tl.Merge.After)
}

func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkParse parses the trace of 5000 rounds of channel ping-pong between two
// goroutines: many short segments, capped at the default limit.
func BenchmarkParse(b *testing.B) {
	r, err := Start()
	if err != nil {
		b.Skip(err)
	}
	pingPong(5000)
	data := r.Stop()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
