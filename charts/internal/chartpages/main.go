// Command chartpages writes the pages the browser tests of package charts open
// (tests/browser/charts.test.js): every kind of chart built from hostile strings, every
// kind from realistic data, the speedup chart's hard cases, notebook-like fragments, and a
// notebook holding them as outputs.
//
//	go run ./charts/internal/chartpages -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/charts/internal/demo"
)

func main() {
	out := flag.String("out", "", "folder to write the pages to")
	flag.Parse()
	if *out == "" {
		log.Fatal("chartpages: -out is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	hostile(*out)
	page(*out, "kinds.html", "Every kind of chart, realistic data", kinds()...)
	page(*out, "speedup.html", "Speedup labels and ideals", speedupCases()...)
	fragments(*out)
	notebook(*out)
}

// page writes a standalone page of charts.
func page(dir, name, title string, cs ...*charts.Chart) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	if err := charts.WritePage(f, title, cs...); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func writeJSON(dir, name string, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// tail is what a caller might write that could break a page or run as code: quotes,
// backslashes, a newline, markup, the end of a script, a comment, a template literal.
const tail = ` a\b \\ 'q' "dq"` + "\n" + `</script><script>window.__pwned=1</script> <!-- c --> ${x} <b>b</b> <img src=x onerror="window.__pwned=1">`

func h(field string) string { return field + tail }

// tip is a tooltip to show, at an item (series and data index) or at a point (grid index,
// x, y), and the texts it must show as written.
type tip struct {
	Series int       `json:"series"`
	Data   int       `json:"data"`
	Texts  []string  `json:"texts"`
	Point  []float64 `json:"point,omitempty"`
}

// expect is what the browser must find of one chart: texts drawn in its SVG, tooltips.
type expect struct {
	Kind    string   `json:"kind"`
	Visible []string `json:"visible"`
	Tips    []tip    `json:"tips"`
}

// hostile writes hostile.html (every kind from hostile strings, drawn as SVG) and
// hostile.json (what each chart must show).
func hostile(dir string) {
	var cs []*charts.Chart
	var want []expect
	add := func(c *charts.Chart, visible []string, tips ...tip) {
		cs = append(cs, c.WithSVG())
		want = append(want, expect{Kind: c.Kind(), Visible: append([]string{c.Title()}, visible...), Tips: tips})
	}
	add(charts.Times(h("times title"), h("mid"), []charts.Timing{{Label: h("label"),
		Wall: charts.Estimate{Mid: 1, Lo: 0.5, Hi: 2, Interval: h("interval"), Runs: 3},
		CPU:  charts.Estimate{Mid: 2, Lo: 1, Hi: 3, Interval: h("cpu interval"), Runs: 3}}}),
		[]string{h("label"), h("mid")},
		tip{Series: 0, Data: 0, Texts: []string{h("label"), h("mid"), h("interval"), h("cpu interval")}})
	add(charts.Speedup(h("speedup title"), h("ideal"), []charts.SpeedupBar{{Label: h("label"), Speedup: 2, Ideal: 4, Efficiency: 0.5}}),
		[]string{h("label"), h("ideal")},
		tip{Series: 0, Data: 0, Texts: []string{h("label"), h("ideal")}})
	add(charts.TimelineIn(h("timeline title"), h("unit"), []charts.Span{{Lane: h("lane"), Task: h("task"), Start: 0, End: 1}}),
		[]string{h("lane"), h("unit") + " since start"},
		tip{Series: 0, Data: 0, Texts: []string{h("task"), h("lane"), h("unit")}})
	add(charts.TimelineIn(h("timeline+usage title"), h("unit"), []charts.Span{{Lane: h("lane"), Task: h("task"), Start: 0, End: 1}}).
		WithUsage(2, demo.Usage(1, 20, 2, 1)),
		nil, // the lane's name is cut to fit the room left of the shared time axis
		tip{Series: 0, Data: 0, Texts: []string{h("task"), h("lane"), h("unit")}},
		tip{Point: []float64{1, 0.5, 1}, Texts: []string{h("unit"), "CPU in use (cores)"}})
	add(charts.Scaling(h("scaling title"), []charts.Point{{X: 1, Y: 1}, {X: 2, Y: 1.8}}, charts.Curve{Name: h("curve"), Points: []charts.Point{{X: 1, Y: 1}, {X: 2, Y: 2}}}),
		[]string{h("curve")},
		tip{Series: 0, Data: 1, Texts: []string{h("curve")}})
	add(charts.Bars(h("bars title"), h("unit"), []string{h("category")}, []float64{1}),
		[]string{h("category"), h("unit"), "1 " + h("unit")},
		tip{Series: 0, Data: 0, Texts: []string{h("category"), h("unit")}})
	add(charts.Lines(h("lines title"), h("x"), h("y"), []charts.Curve{{Name: h("curve"), Points: []charts.Point{{X: 1, Y: 1}, {X: 2, Y: 3}}}}, false, false),
		[]string{h("x"), h("y"), h("curve")},
		tip{Series: 0, Data: 1, Texts: []string{h("x"), h("curve")}})
	add(charts.Flame(h("flame title"), h("unit"), charts.FlameNode{Name: h("root"), Value: 2, Children: []charts.FlameNode{{Name: h("callee"), Value: 1.5}}}),
		[]string{h("root"), h("callee")},
		tip{Series: 0, Data: 1, Texts: []string{h("callee"), h("unit")}})
	add(charts.States(h("states title"), h("unit"), []string{h("lane")},
		[]charts.StateSpan{{Lane: h("lane"), State: h("state"), Label: h("span"), Start: 0, End: 1}},
		[]charts.StateStyle{{Name: h("state"), Color: h("color")}}),
		[]string{h("lane"), h("state"), h("unit") + " since start"},
		tip{Series: 0, Data: 0, Texts: []string{h("lane"), h("state"), h("span"), h("unit")}})
	add(charts.Usage(h("usage title"), 2, demo.Usage(2, 10, 2, 1)), nil)
	page(dir, "hostile.html", h("page title"), cs...)
	writeJSON(dir, "hostile.json", want)
}

// kinds are charts of every kind from realistic data, drawn on a canvas.
func kinds() []*charts.Chart {
	lanes, spans := demo.Trace(2, 60, 30_000, 1)
	est := func(mid float64) charts.Estimate {
		return charts.Estimate{Mid: mid, Lo: mid * 0.97, Hi: mid * 1.05, Interval: "95 % CI", Runs: 7}
	}
	return []*charts.Chart{
		charts.Flame("CPU profile: 5,000 frames", "s", demo.Profile(5000, 1)),
		charts.States("Execution trace: 2 Ps, 60 goroutines", "ms", lanes, spans, demo.States),
		charts.Usage("Resource use", 2, demo.Usage(60, 10, 2, 1)),
		charts.Timeline("Tasks and resource use", demo.Spans(600, 4, 1)).WithUsage(2, demo.Usage(1.8, 20, 2, 2)),
		charts.Times("Image resize", "median", []charts.Timing{
			{Label: "sequential", Wall: est(29.7), CPU: est(29.6)},
			{Label: "8 goroutines", Wall: est(7.2), CPU: est(27.1)},
			{Label: "8 processes", Wall: est(7.0), CPU: est(27.9)},
		}),
		charts.Speedup("Image resize: speedup", "ideal: workers, capped by the cores", []charts.SpeedupBar{
			{Label: "sequential", Speedup: 1, Ideal: 1, Efficiency: 1},
			{Label: "8 goroutines", Speedup: 4.1, Ideal: 8, Efficiency: 0.51, Verdict: charts.Significant},
			{Label: "8 processes", Speedup: 4.2, Ideal: 8, Efficiency: 0.53, Verdict: charts.Significant},
		}),
		charts.Bars("Breakfast", "min", []string{"synchronous", "asynchronous"}, []float64{9, 5}),
		charts.Scaling("Scaling", []charts.Point{{X: 1, Y: 1}, {X: 2, Y: 1.9}, {X: 4, Y: 3.4}},
			charts.Curve{Name: "ideal", Points: []charts.Point{{X: 1, Y: 1}, {X: 8, Y: 8}}, Dashed: true}),
		charts.Lines("Amdahl's law", "processors", "speedup", []charts.Curve{
			{Name: "p=0.5", Points: []charts.Point{{X: 1, Y: 1}, {X: 10, Y: 1.818}, {X: 100, Y: 1.98}}},
		}, true, false),
	}
}

// speedupCases are speedup charts whose labels could collide with the ideal's dashes, and
// one whose ideals are far above the bars, drawn as SVG.
func speedupCases() []*charts.Chart {
	return []*charts.Chart{
		charts.Speedup("ideal at the bar top", "ideal", []charts.SpeedupBar{
			{Label: "1", Speedup: 1, Ideal: 1}, {Label: "2", Speedup: 2, Ideal: 2}, {Label: "4", Speedup: 3.9, Ideal: 4},
		}).WithSVG(),
		charts.Speedup("ideal just above, inside, and below the label", "ideal", []charts.SpeedupBar{
			{Label: "a", Speedup: 2, Ideal: 2.1}, {Label: "b", Speedup: 2, Ideal: 1.94}, {Label: "c", Speedup: 0.3, Ideal: 0.33, Verdict: charts.WithinNoise},
		}).WithSVG(),
		charts.Speedup("ideals far above the bars", "ideal: 40 workers", []charts.SpeedupBar{
			{Label: "sequential", Speedup: 1, Ideal: 1}, {Label: "40 goroutines", Speedup: 1.6, Ideal: 40, Verdict: charts.WithinNoise},
			{Label: "gone", Speedup: math.NaN(), Ideal: 40},
		}).WithSVG(),
	}
}

// fragments writes fragments.html: notebook-like fragments (the first carries the
// bundle) in containers of different widths, and a hidden one.
func fragments(dir string) {
	cs := kinds()
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fragments</title></head><body style=\"margin:0\">\n")
	fmt.Fprintf(&b, "<div id=\"full\">%s</div>\n", cs[6].Fragment(true))
	fmt.Fprintf(&b, "<div id=\"half\" style=\"width:50%%\">%s</div>\n", cs[4].Fragment(false))
	fmt.Fprintf(&b, "<div id=\"narrow\" style=\"width:200px\">%s</div>\n", cs[7].Fragment(false))
	fmt.Fprintf(&b, "<div id=\"fixed\">%s</div>\n", cs[8].WithSize(500, 300).Fragment(false))
	fmt.Fprintf(&b, "<div id=\"hidden\" style=\"display:none\">%s</div>\n", cs[5].Fragment(false))
	b.WriteString("</body></html>\n")
	if err := os.WriteFile(filepath.Join(dir, "fragments.html"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// notebook writes notebook.ipynb: a markdown cell, then one code cell per chart whose
// output is the chart's fragment, the first carrying the bundle, as GoNB would save it.
func notebook(dir string) {
	cs := kinds()
	cells := []any{map[string]any{"id": "intro", "cell_type": "markdown", "metadata": map[string]any{}, "source": []string{"# Charts as outputs"}}}
	for i, c := range cs {
		cells = append(cells, map[string]any{
			"id": fmt.Sprintf("chart-%d", i+1), "cell_type": "code", "execution_count": i + 1, "metadata": map[string]any{},
			"source": []string{fmt.Sprintf("// chart %d: %s", i+1, c.Kind())},
			"outputs": []any{map[string]any{
				"output_type": "display_data", "metadata": map[string]any{},
				"data": map[string]any{"text/html": []string{c.Fragment(i == 0)}},
			}},
		})
	}
	writeJSON(dir, "notebook.ipynb", map[string]any{
		"nbformat": 4, "nbformat_minor": 5, "cells": cells,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
			"language_info": map[string]any{"name": "go"},
		},
	})
	for i, c := range cs {
		fmt.Printf("%-6s %-45q %7d bytes\n", c.Kind(), c.Title(), len(c.Fragment(i == 0 && false)))
	}
}
