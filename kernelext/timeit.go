package kernelext

import (
	"fmt"
	"time"
)

// Timing is what [Time] and [TimeIt] measured: wall and CPU time per call, one value per
// repetition.
type Timing struct {
	Label     string
	Loops     int // calls per repetition
	Wall, CPU Durations
}

// String is the line Time and TimeIt print, e.g. "squares: 1.23 ms per loop (median of 5
// runs, 1.20 ms–1.31 ms, 100 loops each), CPU 1.22 ms".
func (t Timing) String() string {
	if len(t.Wall) == 1 && t.Loops == 1 {
		return fmt.Sprintf("%s: wall %s, CPU %s", t.Label, formatDuration(t.Wall[0]), formatDuration(t.CPU[0]))
	}
	return fmt.Sprintf("%s: %s per loop (median of %d runs, %s–%s, %d loops each), CPU %s",
		t.Label, formatDuration(t.Wall.Median()), len(t.Wall), formatDuration(t.Wall.Min()), formatDuration(t.Wall.Max()), t.Loops, formatDuration(t.CPU.Median()))
}

// Time runs fn once and prints its wall and CPU time, like IPython's %time.
func Time(label string, fn func()) Timing {
	cpu0, start := cpuTime(), time.Now()
	fn()
	t := Timing{Label: label, Loops: 1, Wall: Durations{time.Since(start)}, CPU: Durations{cpuTime() - cpu0}}
	fmt.Println(t)
	return t
}

// TimeIt times fn like IPython's %timeit: it picks a loop count so that one repetition
// takes about 0.2 s, makes the repetitions (see [Repeat]; default 3) and prints the
// median time per call with its spread.
func TimeIt(label string, fn func(), opts ...Option) Timing {
	cfg := newConfig(opts)
	if cfg.repeat == 0 {
		cfg.repeat = 3
	}
	const target = 200 * time.Millisecond
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
	for range cfg.repeat {
		cpu0, start := cpuTime(), time.Now()
		for range loops {
			fn()
		}
		t.Wall = append(t.Wall, time.Since(start)/time.Duration(loops))
		t.CPU = append(t.CPU, (cpuTime()-cpu0)/time.Duration(loops))
	}
	fmt.Println(t)
	return t
}
