package charts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/speedup-go/speedup/charts"
)

// The talk's breakfast and toasters: build charts from plain numbers, show
// them in a notebook cell, or write them to one offline page.
func Example() {
	breakfast := charts.Bars("Breakfast", "min",
		[]string{"synchronous", "asynchronous"}, []float64{9, 5})
	toasters := charts.Speedup("Toasters", []string{"1 toaster", "4 toasters"},
		[]float64{1, 4}, []float64{1, 1}, []float64{1, 4})

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

// A timeline of which worker ran which task when; failed tasks are red.
func ExampleTimeline() {
	spans := []charts.Span{
		{Lane: "worker 1", Task: "2020-01-01", Start: 0, End: 1.02},
		{Lane: "worker 2", Task: "2020-01-02", Start: 0, End: 0.97},
		{Lane: "worker 1", Task: "2020-01-03", Start: 1.02, End: 3.1, Failed: true},
	}
	c := charts.Timeline("Requests", spans)
	fmt.Println(c.Kind(), strings.Count(c.HTML(), `<th scope="row">worker`))
	// Output: timeline 2
}
