package kernelext_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
)

func TestCompareMeasuresEveryStrategy(t *testing.T) {
	inputs := []int{10, 10, 10, 10, 10, 10, 10, 10}
	c, err := kernelext.Compare(context.Background(), sleepy, inputs,
		[]kernelext.Strategy{kernelext.Goroutines(4), kernelext.Sequential(), kernelext.Processes(2)},
		kernelext.Repeat(3), kernelext.Warmup(1), kernelext.TaskNames([]string{"day-1", "day-2", "day-3"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Baseline != 1 {
		t.Errorf("baseline = %d, want the sequential row 1", c.Baseline)
	}
	if c.Tasks != 8 || len(c.Rows) != 3 {
		t.Fatalf("tasks = %d, rows = %d", c.Tasks, len(c.Rows))
	}
	for i, row := range c.Rows {
		if len(row.Wall) != 3 || len(row.CPU) != 3 || row.Last == nil || row.Err != nil {
			t.Fatalf("row %v: %d wall, %d cpu, last %v, err %v", row.Strategy, len(row.Wall), len(row.CPU), row.Last != nil, row.Err)
		}
		want := c.Rows[c.Baseline].Wall.Median().Seconds() / row.Wall.Median().Seconds()
		if got := c.Speedup(i); math.Abs(got-want) > 1e-9 {
			t.Errorf("speedup of %v = %v, want the ratio of medians %v", row.Strategy, got, want)
		}
		if got := c.Efficiency(i); math.Abs(got-want/float64(row.Strategy.Size())) > 1e-9 {
			t.Errorf("efficiency of %v = %v", row.Strategy, got)
		}
	}
	// 80 ms of sleeping split four ways cannot take less than 20 ms.
	if m := c.Rows[0].Wall.Min(); m < 20*time.Millisecond {
		t.Errorf("goroutines×4 took %v, less than the 20 ms of its longest share", m)
	}
	if c.Ideal(0) != 4 || c.Ideal(1) != 1 || c.Ideal(2) != 2 {
		t.Errorf("ideal = %v %v %v", c.Ideal(0), c.Ideal(1), c.Ideal(2))
	}
	if c.TimelineRow == c.Baseline {
		t.Errorf("the timeline shows the sequential baseline")
	}

	var text bytes.Buffer
	c.WriteTable(&text)
	for _, want := range []string{"strategy", "speedup", "sequential", "goroutines×4", "processes×2", "1.00×", "8 tasks"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, text.String())
		}
	}
	table := c.HTMLTable()
	if strings.Count(table, "<tr") != 4 || !strings.Contains(table, "<td>processes×2</td>") {
		t.Errorf("HTML table:\n%s", table)
	}
	charts := c.Charts()
	if len(charts) != 3 {
		t.Fatalf("%d charts, want times, speedup and timeline", len(charts))
	}
	// The timeline names the tasks it was given names for, and numbers the rest.
	if tl := charts[2].Fragment(false); !strings.Contains(tl, `"day-3"`) || !strings.Contains(tl, `"task 7"`) {
		t.Errorf("timeline does not name its tasks")
	}
}

func TestCompareReportsFailedTasks(t *testing.T) {
	c, err := kernelext.Compare(context.Background(), picky, ints(10), []kernelext.Strategy{kernelext.Sequential(), kernelext.Processes(2)}, kernelext.Repeat(1), kernelext.Warmup(0))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	c.WriteTable(&text)
	if !strings.Contains(text.String(), "3/10") || !strings.Contains(text.String(), "panic: seven is unlucky") {
		t.Errorf("table does not show the failures:\n%s", text.String())
	}
}

func TestSweepFitsAmdahl(t *testing.T) {
	c, err := kernelext.Sweep(context.Background(), sleepy, []int{8, 8, 8, 8, 8, 8, 8, 8}, kernelext.KindGoroutines, []int{2, 4}, kernelext.Repeat(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 3 || c.Rows[2].Strategy.Size() != 4 {
		t.Fatalf("rows = %v", c.Rows)
	}
	if p := c.Amdahl(); math.IsNaN(p) || p < 0 || p > 1 {
		t.Errorf("fitted parallel fraction %v", p)
	}
	if c.Scaling().Chart(8) == nil {
		t.Error("no scaling chart")
	}
}

func TestAmdahl(t *testing.T) {
	for _, tc := range []struct {
		p, n, want float64
	}{
		{1, 4, 4},
		{0, 4, 1},
		{0.5, 2, 4.0 / 3},
		{0.95, 1e9, 20},
	} {
		if got := kernelext.Amdahl(tc.p, tc.n); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("Amdahl(%v, %v) = %v, want %v", tc.p, tc.n, got, tc.want)
		}
	}
}

func TestFitAmdahlRecoversTheFraction(t *testing.T) {
	workers := []int{1, 2, 4, 8, 16}
	for _, p := range []float64{0, 0.5, 0.9, 0.99, 1} {
		speedups := make([]float64, len(workers))
		for i, n := range workers {
			speedups[i] = kernelext.Amdahl(p, float64(n))
		}
		if got := kernelext.FitAmdahl(workers, speedups); math.Abs(got-p) > 1e-9 {
			t.Errorf("FitAmdahl of exact p=%v points = %v", p, got)
		}
	}
	if got := kernelext.FitAmdahl([]int{1}, []float64{1}); !math.IsNaN(got) {
		t.Errorf("FitAmdahl with nothing to fit = %v, want NaN", got)
	}
	// Superlinear noise is clamped to a fully parallel job.
	if got := kernelext.FitAmdahl([]int{2, 4}, []float64{2.2, 4.5}); got != 1 {
		t.Errorf("FitAmdahl of superlinear points = %v, want 1", got)
	}
}

func TestDurations(t *testing.T) {
	d := kernelext.Durations{3 * time.Second, time.Second, 2 * time.Second, 10 * time.Second}
	if d.Median() != 2500*time.Millisecond || d.Min() != time.Second || d.Max() != 10*time.Second {
		t.Errorf("median %v min %v max %v", d.Median(), d.Min(), d.Max())
	}
	if got := d.String(); got != "2.5 s (1 s–10 s, 4 runs)" {
		t.Errorf("String() = %q", got)
	}
	if (kernelext.Durations{}).Median() != 0 {
		t.Error("median of nothing")
	}
}

func TestTimeIt(t *testing.T) {
	calls := 0
	tm := kernelext.TimeIt("nothing much", func() { calls++ }, kernelext.Repeat(4))
	if len(tm.Wall) != 4 || tm.Loops < 10 || calls < 4*tm.Loops {
		t.Errorf("TimeIt = %+v after %d calls", tm, calls)
	}
	if !strings.Contains(tm.String(), "per loop (median of 4 runs") {
		t.Errorf("String() = %q", tm.String())
	}
	one := kernelext.Time("sleep", func() { time.Sleep(5 * time.Millisecond) })
	if one.Wall[0] < 5*time.Millisecond || !strings.HasPrefix(one.String(), "sleep: wall ") {
		t.Errorf("Time = %v", one)
	}
}

func TestMeasureScalingFitsASerialPart(t *testing.T) {
	// 10 ms that no worker shares, then 8 tasks of 10 ms on n goroutines:
	// p = 80/90, so S(4) = 90/30 = 3 and S(8) = 90/20 = 4.5.
	job := func(n int) error {
		time.Sleep(10 * time.Millisecond)
		_, err := kernelext.Map(context.Background(), kernelext.Goroutines(n), sleepy, []int{10, 10, 10, 10, 10, 10, 10, 10})
		return err
	}
	s, err := kernelext.MeasureScaling("serial table", []int{1, 2, 4, 8}, job, kernelext.Repeat(3), kernelext.Warmup(0))
	if err != nil {
		t.Fatal(err)
	}
	sp := s.Speedups()
	// Each sleep overshoots a little, and the one-worker baseline sleeps most often: allow
	// S(8) some room above its ideal 4.5, but not the 8 of a job without a serial part.
	if sp[0] != 1 || !(sp[1] < sp[2] && sp[2] < sp[3]) || sp[3] > 5.5 {
		t.Errorf("speedups %v: want rising to about 4.5", sp)
	}
	// Sleeps overshoot a little, never undershoot: the fit lands near 8/9.
	if p := s.Parallel(); p < 0.75 || p > 0.95 {
		t.Errorf("fitted parallel fraction %.3f, want about 0.89", p)
	}
	var text bytes.Buffer
	s.WriteTable(&text)
	if !strings.Contains(text.String(), "serial fraction") {
		t.Errorf("table:\n%s", text.String())
	}
	failing := func(n int) error { return errors.New("no bread") }
	if _, err := kernelext.MeasureScaling("no bread", []int{1, 2}, failing); err == nil || !strings.Contains(err.Error(), "no bread with 1 workers: no bread") {
		t.Errorf("err = %v", err)
	}
}

func TestDescribe(t *testing.T) {
	a := kernelext.Describe()
	var b bytes.Buffer
	a.Write(&b)
	// Test binaries carry no dependency versions; notebook 00's checks see those.
	for _, want := range []string{"Go:          go1.", "CPUs", "speedup:     github.com/speedup-go/speedup", "echarts-5.4.3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("description lacks %q:\n%s", want, b.String())
		}
	}
}

func TestTimelineOfManyTasksIsSampled(t *testing.T) {
	run, err := kernelext.Map(context.Background(), kernelext.Goroutines(2), square, ints(12_000))
	if err != nil {
		t.Fatal(err)
	}
	c := run.TimelineChart("many", nil)
	if !strings.Contains(c.Title(), "(4000 of 12000 tasks shown)") {
		t.Errorf("title %q does not say the timeline is a sample", c.Title())
	}
	if h := c.Fragment(false); len(h) > 400_000 || !strings.Contains(h, `"task 11997"`) || strings.Contains(h, `"task 11998"`) {
		t.Errorf("timeline of 12,000 tasks: %d bytes, sampled every third task?", len(h))
	}
}
