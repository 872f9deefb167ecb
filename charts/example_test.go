package charts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/speedup-go/speedup/charts"
)

// The talk's breakfast and toasters: build charts from plain numbers, show them in a
// notebook cell, or write them to one offline page.
func Example() {
	breakfast := charts.Bars("Breakfast", "min",
		[]string{"synchronous", "asynchronous"}, []float64{9, 5})
	toasters := charts.Speedup("Toasters", "ideal: one slice per toaster", []charts.SpeedupBar{
		{Label: "1 toaster", Speedup: 1, Ideal: 1, Efficiency: 1},
		{Label: "4 toasters", Speedup: 4, Ideal: 4, Efficiency: 1},
	})

	// In a GoNB cell: gonbui.DisplayHTML(breakfast.HTML())
	fragment := breakfast.HTML()
	fmt.Println(strings.Contains(fragment, `data-kind="bars" data-title="Breakfast"`))

	// Outside a notebook: one standalone page, no network needed to view it.
	page := filepath.Join(os.TempDir(), "speedup-example.html")
	f, err := os.Create(page)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(page)
	if err := charts.WritePage(f, "Breakfast and toast", breakfast, toasters); err != nil {
		fmt.Println(err)
	}
	if err := f.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(breakfast.Title(), "and", toasters.Title(), "written")
	// Output:
	// true
	// Breakfast and Toasters written
}

// Times draws what the caller summarised: here the median of the runs and their min–max.
func ExampleTimes() {
	c := charts.Times("Image resize", "median", []charts.Timing{
		{Label: "sequential",
			Wall: charts.Estimate{Mid: 29.71, Lo: 29.48, Hi: 30.02, Interval: "min–max", Runs: 3},
			CPU:  charts.Estimate{Mid: 29.6, Lo: 29.4, Hi: 29.9, Interval: "min–max", Runs: 3}},
		{Label: "8 processes",
			Wall: charts.Estimate{Mid: 6.98, Lo: 6.9, Hi: 7.2, Interval: "min–max", Runs: 3},
			CPU:  charts.Estimate{Mid: 27.1, Lo: 26.8, Hi: 27.5, Interval: "min–max", Runs: 3}},
	})
	fmt.Println(c.Kind(), strings.Count(c.HTML(), `<th scope="row">`))
	// Output: times 2
}

// A timeline of which worker ran which task when; failed tasks are red. Under it, the
// CPU and memory the run used, sharing its time axis.
func ExampleTimeline() {
	spans := []charts.Span{
		{Lane: "worker 1", Task: "2020-01-01", Start: 0, End: 1.02},
		{Lane: "worker 2", Task: "2020-01-02", Start: 0, End: 0.97},
		{Lane: "worker 1", Task: "2020-01-03", Start: 1.02, End: 3.1, Failed: true},
	}
	usage := []charts.UsageSample{{T: 0, CPUCores: 0.1, RSSBytes: 30e6}, {T: 1, CPUCores: 1.9, RSSBytes: 42e6}, {T: 3, CPUCores: 1, RSSBytes: 40e6}}
	c := charts.Timeline("Requests", spans).WithUsage(2, usage)
	fmt.Println(c.Kind(), strings.Count(c.HTML(), `<th scope="row">worker`))
	// Output: timeline 2
}

// A flame graph of a CPU profile: click a frame to zoom into it.
func ExampleFlame() {
	profile := charts.FlameNode{Name: "main.main", Value: 3.2, Children: []charts.FlameNode{
		{Name: "image/jpeg.Decode", Value: 2.5},
		{Name: "github.com/disintegration/imaging.Resize", Value: 0.6},
	}}
	c := charts.Flame("Where the CPU goes", "s", profile)
	fmt.Println(c.Kind(), strings.Contains(c.HTML(), `<th scope="row">image/jpeg.Decode</th>`))
	// Output: flame true
}

// Speedup against the ideal the caller chose, named in the legend: here the workers,
// capped by the machine's 8 cores for CPU-bound work.
func ExampleSpeedup() {
	c := charts.Speedup("Image resize: speedup", "ideal: workers, capped by 8 cores", []charts.SpeedupBar{
		{Label: "sequential", Speedup: 1, Ideal: 1, Efficiency: 1},
		{Label: "40 goroutines", Speedup: 4.3, Ideal: 8, Efficiency: 0.11, Verdict: charts.Significant},
		{Label: "2 processes", Speedup: 1.02, Ideal: 2, Efficiency: 0.51, Verdict: charts.WithinNoise},
	})
	fmt.Println(c.Kind(), strings.Contains(c.HTML(), "~ (within noise)"))
	// Output: speedup true
}

// Scheduler lanes of an execution trace: what each processor ran, what each goroutine
// waited for, when the collector stopped the world.
func ExampleStates() {
	states := []charts.StateStyle{
		{Name: "running", Color: "#59a14f"},
		{Name: "runnable", Color: "#f28e2b"},
		{Name: "stop the world", Color: "#e15759", Overlay: true},
	}
	spans := []charts.StateSpan{
		{Lane: "P0", State: "running", Label: "G1 main.main", Start: 0, End: 1.5},
		{Lane: "G1", State: "running", Label: "on P0", Start: 0, End: 1.5},
		{Lane: "G7", State: "runnable", Label: "waiting for a P", Start: 0.2, End: 1.5},
		{Lane: "P0", State: "running", Label: "G7 main.worker", Start: 1.6, End: 3},
		{Lane: "GC", State: "stop the world", Start: 1.5, End: 1.6},
	}
	c := charts.States("Trace", "ms", []string{"P0", "GC", "G1", "G7"}, spans, states)
	fmt.Println(c.Kind(), strings.Count(c.HTML(), `<th scope="row">`))
	// Output: states 5
}
