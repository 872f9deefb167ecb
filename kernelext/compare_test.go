package kernelext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// nap sleeps its input in milliseconds, cancellable.
var nap = NewTask("nap", func(ctx context.Context, ms int) (int, error) {
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return ms, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
})

// odd fails on even inputs and panics on 7.
var odd = NewTask("odd", func(ctx context.Context, x int) (int, error) {
	switch {
	case x == 7:
		panic("seven is unlucky")
	case x%2 == 0:
		return 0, fmt.Errorf("%d is even", x)
	}
	return x, nil
})

func TestCompareMeasuresEveryStrategy(t *testing.T) {
	inputs := []int{10, 10, 10, 10, 10, 10, 10, 10}
	c, err := Compare(context.Background(), nap, inputs,
		[]Strategy{Goroutines(4), Sequential(), Processes(2)},
		Repeat(3), Warmup(1), TaskNames([]string{"day-1", "day-2", "day-3"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Baseline != 1 {
		t.Errorf("baseline = %d, want the sequential row 1", c.Baseline)
	}
	if c.Inputs != 8 || len(c.Rows) != 3 || c.Title != "nap" {
		t.Fatalf("inputs = %d, rows = %d, title %q", c.Inputs, len(c.Rows), c.Title)
	}
	for i, row := range c.Rows {
		if len(row.Wall) != 3 || len(row.CPU) != 3 || row.Last == nil || row.stopped != nil {
			t.Fatalf("row %v: %d wall, %d cpu, last %v, stopped %v", row.Strategy, len(row.Wall), len(row.CPU), row.Last != nil, row.stopped)
		}
		want := c.Rows[c.Baseline].Wall.Median().Seconds() / row.Wall.Median().Seconds()
		if got := c.Speedup(i); math.Abs(got-want) > 1e-9 {
			t.Errorf("speedup of %v = %v, want the ratio of medians %v", row.Strategy, got, want)
		}
	}
	// 80 ms of sleeping split four ways cannot take less than 20 ms.
	if m := stats.Min(c.Rows[0].Wall); m < 20*time.Millisecond {
		t.Errorf("goroutines×4 took %v, less than the 20 ms of its longest share", m)
	}
	// Sleeping uses no CPU: the ideal is the worker count.
	if c.ideal(0) != 4 || c.ideal(1) != 1 || c.ideal(2) != 2 {
		t.Errorf("ideal = %v %v %v, want 4 1 2", c.ideal(0), c.ideal(1), c.ideal(2))
	}
	if c.timeline == c.Baseline {
		t.Errorf("the timeline shows the sequential baseline")
	}

	var text bytes.Buffer
	c.writeTable(&text)
	for _, want := range []string{"strategy", "speedup", "of ideal", "sequential", "goroutines×4", "processes×2", "1.00×", "8 tasks"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, text.String())
		}
	}
	table := c.htmlTable()
	if strings.Count(table, "<tr") != 4 || !strings.Contains(table, "<td>processes×2</td>") {
		t.Errorf("HTML table:\n%s", table)
	}
	charts := c.charts()
	if len(charts) != 3 {
		t.Fatalf("%d charts, want times, speedup and timeline", len(charts))
	}
	// The timeline names the tasks it was given names for, and numbers the rest.
	if tl := charts[2].Fragment(false); !strings.Contains(tl, `"day-3"`) || !strings.Contains(tl, `"task 7"`) {
		t.Errorf("timeline does not name its tasks")
	}
}

// The ideal is capped by the cores a strategy may use when the work computes: eight
// goroutines on one core can reach 1×, not 8×.
func TestIdealOfCPUBoundWorkIsCappedByCores(t *testing.T) {
	row := func(s Strategy, wall, cpu time.Duration) *Measurement[int] {
		return &Measurement[int]{Strategy: s, Wall: Durations{wall}, CPU: Durations{cpu}}
	}
	computing := &Comparison[int]{Inputs: 16, Rows: []*Measurement[int]{
		row(Sequential(), time.Second, time.Second),
		row(Goroutines(8).OnCores(1), time.Second, time.Second),
		row(Goroutines(8).OnCores(2), 500*time.Millisecond, time.Second),
		row(Processes(4).OnCores(1), 500*time.Millisecond, time.Second),
	}}
	// On a busy machine the loop waited half its wall time for a CPU: it still computed.
	busy := &Comparison[int]{Inputs: 16, Rows: []*Measurement[int]{
		{Strategy: Sequential(), Wall: Durations{2 * time.Second}, CPU: Durations{time.Second}, waited: Durations{time.Second}},
		row(Goroutines(8).OnCores(1), 2*time.Second, time.Second),
	}}
	waiting := &Comparison[int]{Inputs: 16, Rows: []*Measurement[int]{
		row(Sequential(), time.Second, 10*time.Millisecond),
		row(Goroutines(8).OnCores(1), 125*time.Millisecond, 10*time.Millisecond),
	}}
	for _, tc := range []struct {
		c    *Comparison[int]
		row  int
		want float64
	}{
		{computing, 0, 1},
		{computing, 1, 1},
		{computing, 2, 2},
		{computing, 3, float64(min(4, Processes(4).OnCores(1).coreCount()))},
		{busy, 1, 1},
		{waiting, 1, 8},
	} {
		if got := tc.c.ideal(tc.row); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%v: ideal %v, want %v", tc.c.Rows[tc.row].Strategy, got, tc.want)
		}
	}
}

func TestCompareReportsFailedTasks(t *testing.T) {
	c, err := Compare(context.Background(), odd, []int{1, 2, 3, 4, 5, 6, 7, 9, 11, 13}, []Strategy{Sequential(), Processes(2)}, Repeat(1), Warmup(0))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	c.writeTable(&text)
	if !strings.Contains(text.String(), "4/10") || !strings.Contains(text.String(), "panic: seven is unlucky") {
		t.Errorf("table does not show the failures:\n%s", text.String())
	}
}

func TestScalingChart(t *testing.T) {
	s := &Scaling{Label: "naps", Workers: []int{1, 2, 4}, Wall: []Durations{{80 * time.Millisecond}, {41 * time.Millisecond}, {22 * time.Millisecond}}}
	if f := s.SerialFraction(); math.IsNaN(f) || f < 0 || f > 0.1 {
		t.Errorf("fitted serial fraction %v", f)
	}
	if ch := s.chart(8); ch == nil || ch.Kind() != "scaling" {
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
		if got := Amdahl(tc.p, tc.n); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("Amdahl(%v, %v) = %v, want %v", tc.p, tc.n, got, tc.want)
		}
	}
}

func TestFitAmdahlRecoversTheFraction(t *testing.T) {
	workers := []int{1, 2, 4, 8, 16}
	for _, p := range []float64{0, 0.5, 0.9, 0.99, 1} {
		speedups := make([]float64, len(workers))
		for i, n := range workers {
			speedups[i] = Amdahl(p, float64(n))
		}
		if got := fitAmdahl(workers, speedups); math.Abs(got-p) > 1e-9 {
			t.Errorf("fitAmdahl of exact p=%v points = %v", p, got)
		}
	}
	if got := fitAmdahl([]int{1}, []float64{1}); !math.IsNaN(got) {
		t.Errorf("fitAmdahl with nothing to fit = %v, want NaN", got)
	}
	// Superlinear noise is clamped to a fully parallel job.
	if got := fitAmdahl([]int{2, 4}, []float64{2.2, 4.5}); got != 1 {
		t.Errorf("fitAmdahl of superlinear points = %v, want 1", got)
	}
}

func TestDurations(t *testing.T) {
	d := Durations{3 * time.Second, time.Second, 2 * time.Second, 10 * time.Second}
	if d.Median() != 2500*time.Millisecond {
		t.Errorf("median %v", d.Median())
	}
	if (Durations{}).Median() != 0 {
		t.Error("median of nothing")
	}
}

func TestTimeIt(t *testing.T) {
	calls := 0
	tm := TimeIt("nothing much", func() { calls++ }, Repeat(4))
	if len(tm.Wall) != 4 || tm.Loops < 10 || calls < 4*tm.Loops {
		t.Errorf("TimeIt = %+v after %d calls", tm, calls)
	}
	if !strings.Contains(tm.String(), "per loop (median of 4 runs") {
		t.Errorf("String() = %q", tm.String())
	}
	// What a call allocates, as -benchmem says it: a million bytes in one allocation.
	var sink []byte
	mb := TimeIt("a megabyte", func() { sink = make([]byte, 1<<20) }, Repeat(3))
	if mb.Bytes < 1<<20 || mb.Bytes > 1.1*(1<<20) || mb.Allocs != 1 || !strings.Contains(mb.String(), "1.05 MB in 1 allocation per loop") {
		t.Errorf("TimeIt of make([]byte, 1<<20) = %v (%v B, %v allocations)", mb, mb.Bytes, mb.Allocs)
	}
	_ = sink
}

func TestMeasureScalingFitsASerialPart(t *testing.T) {
	// 10 ms that no worker shares, then 8 tasks of 10 ms on n goroutines:
	// p = 80/90, so S(4) = 90/30 = 3 and S(8) = 90/20 = 4.5.
	job := func(n int) error {
		time.Sleep(10 * time.Millisecond)
		_, err := Map(context.Background(), Goroutines(n), nap, []int{10, 10, 10, 10, 10, 10, 10, 10})
		return err
	}
	s, err := MeasureScaling([]int{1, 2, 4, 8}, job, Label("serial table"), Repeat(3), Warmup(0))
	if err != nil {
		t.Fatal(err)
	}
	sp := s.speedups()
	// Each sleep overshoots a little, and the one-worker baseline sleeps most often: allow
	// S(8) some room above its ideal 4.5, but not the 8 of a job without a serial part.
	if sp[0] != 1 || !(sp[1] < sp[2] && sp[2] < sp[3]) || sp[3] > 5.5 {
		t.Errorf("speedups %v: want rising to about 4.5", sp)
	}
	// Sleeps overshoot a little, never undershoot: the fit lands near 1/9.
	if f := s.SerialFraction(); f < 0.05 || f > 0.25 {
		t.Errorf("fitted serial fraction %.3f, want about 0.11", f)
	}
	var text bytes.Buffer
	s.writeTable(&text)
	if !strings.Contains(text.String(), "serial table") || !strings.Contains(text.String(), "fitted serial fraction") {
		t.Errorf("table:\n%s", text.String())
	}
	failing := func(n int) error { return errors.New("no bread") }
	if _, err := MeasureScaling([]int{1, 2}, failing, Label("no bread")); err == nil || !strings.Contains(err.Error(), "no bread with 1 workers: no bread") {
		t.Errorf("err = %v", err)
	}
}

func TestAbout(t *testing.T) {
	// Test binaries carry no dependency versions; notebook 00's checks see those.
	for _, want := range []string{"Go:          go1.", "CPUs", "speedup:     github.com/speedup-go/speedup", "echarts-5.4.3"} {
		if !strings.Contains(About(), want) {
			t.Errorf("About() lacks %q:\n%s", want, About())
		}
	}
}

func TestTimelineOfManyTasksIsSampled(t *testing.T) {
	square := Local(func(_ context.Context, x int) (int, error) { return x * x, nil })
	inputs := make([]int, 12_000)
	run, err := Map(context.Background(), Goroutines(2), square, inputs)
	if err != nil {
		t.Fatal(err)
	}
	c := timelineChart(run, "many", nil)
	if !strings.Contains(c.Title(), "(4000 of 12000 tasks shown)") {
		t.Errorf("title %q does not say the timeline is a sample", c.Title())
	}
	if h := c.Fragment(false); len(h) > 400_000 || !strings.Contains(h, `"task 11997"`) || strings.Contains(h, `"task 11998"`) {
		t.Errorf("timeline of 12,000 tasks: %d bytes, sampled every third task?", len(h))
	}
}

// Without Repeat, quick runs are repeated up to 10 times and give verdicts; the table
// says which strategy is significantly faster.
func TestCompareChoosesRepetitionsAndGivesVerdicts(t *testing.T) {
	c, err := Compare(context.Background(), nap, []int{2, 2, 2, 2, 2, 2}, []Strategy{Sequential(), Goroutines(6)}, Quiet())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Rows[0].Wall); n != 10 {
		t.Errorf("%d runs of a 12 ms job, want 10", n)
	}
	var text bytes.Buffer
	c.writeTable(&text)
	// Six 2 ms naps on six goroutines against one after the other: about -80 %.
	if !regexp.MustCompile(`-[5-9]\d\.\d\d% \(p=0\.000 n=10\+10\)`).MatchString(text.String()) {
		t.Errorf("table lacks a significant verdict:\n%s", text.String())
	}
	// One long run: too few runs for a verdict, and the table says so.
	slow, err := Compare(context.Background(), nap, []int{1500}, []Strategy{Sequential(), Goroutines(2)}, Warmup(1), Quiet())
	if err != nil {
		t.Fatal(err)
	}
	text.Reset()
	slow.writeTable(&text)
	if n := len(slow.Rows[0].Wall); n > 2 || !strings.Contains(text.String(), "? (") {
		t.Errorf("%d runs of a 1.5 s job; table:\n%s", n, text.String())
	}
}

func TestSaveWritesWhatBenchstatReads(t *testing.T) {
	c, err := Compare(context.Background(), nap, []int{1, 1}, []Strategy{Sequential(), Goroutines(2)}, Repeat(4), Quiet(), Label("two naps"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{"naps.txt", "BenchmarkTwo_naps/strategy=goroutines×2"},
		{"naps.csv", "two naps/strategy=sequential,4,"},
		{"naps.json", `"verdict":`},
	} {
		path := filepath.Join(dir, tc.file)
		if err := c.Save(path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(data), tc.want) {
			t.Errorf("%s lacks %q (%v):\n%s", tc.file, tc.want, err, data)
		}
	}
	// The benchmark format parses as go test's output does: 4 runs of 2 strategies.
	f, err := os.Open(filepath.Join(dir, "naps.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for r := benchfmt.NewReader(f, "naps.txt"); r.Scan(); {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			if v, ok := res.Value("sec/op"); !ok || v <= 0 {
				t.Errorf("result %s has no sec/op", res.Name)
			}
			n++
		}
	}
	if n != 8 {
		t.Errorf("%d results, want 8", n)
	}
	if err := c.Save(filepath.Join(dir, "naps.xlsx")); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("Save to .xlsx: %v", err)
	}
}

func TestRememberAndRecall(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	type rates map[string]float64
	if err := Remember("go-plain", rates{"sequential": 34.9}); err != nil {
		t.Fatal(err)
	}
	var got rates
	if err := Recall("go-plain", &got); err != nil || got["sequential"] != 34.9 {
		t.Errorf("Recall = %v, %v", got, err)
	}
	if err := Recall("never-kept", &got); err == nil || !strings.Contains(err.Error(), "run the cell that measures it first") {
		t.Errorf("Recall of nothing: %v", err)
	}
	if err := Remember("../escape", 1); err == nil {
		t.Error("a name with a path was accepted")
	}
}
