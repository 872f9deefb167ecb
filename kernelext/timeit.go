package kernelext

import (
	"fmt"
	"runtime/metrics"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
)

// Timing is what [TimeIt] measured: wall and CPU time per call, one value per
// repetition, and what each call allocated, as go test -benchmem reports it.
type Timing struct {
	Label     string
	Loops     int // calls per repetition
	Wall, CPU Durations
	// Bytes and Allocs are the heap bytes and objects allocated per call (the median
	// repetition's, rounded down as -benchmem does), by any goroutine of this process
	// while fn ran.
	Bytes, Allocs float64
}

// String is the line TimeIt prints, e.g. "squares: 1.23 ms per loop (median of 3
// runs, 1.20 ms–1.31 ms, 100 loops each), CPU 1.22 ms, 8.00 MB in 1 allocation per loop".
func (t Timing) String() string {
	return fmt.Sprintf("%s: %s per loop (median of %d runs, %s–%s, %d loops each), CPU %s, %s per loop",
		t.Label, formatDuration(t.Wall.Median()), len(t.Wall), formatDuration(stats.Min(t.Wall)), formatDuration(stats.Max(t.Wall)), t.Loops,
		formatDuration(t.CPU.Median()), t.allocs())
}

func (t Timing) allocs() string {
	s := "s"
	if t.Allocs == 1 {
		s = ""
	}
	return fmt.Sprintf("%s in %.3g allocation%s", formatBytes(t.Bytes), t.Allocs, s)
}

// TimeIt times fn like IPython's %timeit: it picks a loop count so that one repetition
// takes about 0.1 s, makes the repetitions (see [Repeat]; default 3) and prints the
// median time per call with its spread, and what a call allocates (not with [Quiet]).
func TimeIt(label string, fn func(), opts ...Option) Timing {
	cfg := newConfig(opts)
	if cfg.repeat == 0 {
		cfg.repeat = 3
	}
	const target = 100 * time.Millisecond
	loops := 1
	for loops < 1e9 {
		start := time.Now()
		for range loops {
			fn()
		}
		took := time.Since(start)
		if took >= target {
			break
		}
		if took >= target/100 {
			// Long enough to extrapolate: scale to the target directly.
			loops = int(float64(loops) * target.Seconds() / took.Seconds() * 1.05)
			break
		}
		loops *= 10
	}
	t := Timing{Label: label, Loops: loops}
	var bytes, allocs []float64
	for range cfg.repeat {
		m := readAllocs()
		cpu0, start := cpuTime(), time.Now()
		for range loops {
			fn()
		}
		t.Wall = append(t.Wall, time.Since(start)/time.Duration(loops))
		t.CPU = append(t.CPU, (cpuTime()-cpu0)/time.Duration(loops))
		b, a := m.since(loops)
		bytes, allocs = append(bytes, b), append(allocs, a)
	}
	t.Bytes, t.Allocs = stats.Median(bytes), stats.Median(allocs)
	if !cfg.quiet {
		fmt.Println(t)
	}
	return t
}

// allocSample is the heap's allocation counters at one moment.
type allocSample struct{ bytes, objects uint64 }

var allocMetrics = []string{"/gc/heap/allocs:bytes", "/gc/heap/allocs:objects"}

func readAllocs() allocSample {
	s := []metrics.Sample{{Name: allocMetrics[0]}, {Name: allocMetrics[1]}}
	metrics.Read(s)
	return allocSample{s[0].Value.Uint64(), s[1].Value.Uint64()}
}

// since is what was allocated since a, per call of n, rounded down as go test -benchmem
// does (so that the odd allocation of another goroutine does not show as a fraction).
func (a allocSample) since(n int) (bytes, objects float64) {
	b := readAllocs()
	return float64((b.bytes - a.bytes) / uint64(n)), float64((b.objects - a.objects) / uint64(n))
}

// formatBytes prints a size with three significant digits in a fitting unit.
func formatBytes(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.3g GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.3g MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.3g kB", b/1e3)
	}
	return fmt.Sprintf("%.3g B", b)
}
