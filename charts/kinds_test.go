package charts

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

func TestConstructors(t *testing.T) {
	minMax := func(mid, lo, hi float64, runs int) Estimate {
		return Estimate{Mid: mid, Lo: lo, Hi: hi, Interval: "min–max", Runs: runs}
	}
	tests := []struct {
		name       string
		chart      *Chart
		kind       string
		seriesType []string   // types of the option's series, in order
		values     []string   // JSON snippets that must be in the option
		meta       []string   // JSON snippets that must be in the meta
		rows       [][]string // the fallback table's body
	}{
		{
			name: "times with CPU",
			chart: Times("Image resize", "median", []Timing{
				{Label: "sequential", Wall: minMax(29.71, 29.48, 30.02, 3), CPU: minMax(29.6, 29.4, 29.9, 3)},
				{Label: "processes", Wall: minMax(7.1, 6.98, 7.4, 4), CPU: Estimate{Mid: 27.05, Lo: 26.8, Hi: 27.5, Interval: "95 % CI", Runs: 4}},
			}),
			kind:       "times",
			seriesType: []string{"bar", "bar", "custom", "custom"},
			values: []string{`"name":"wall time, median"`, `"name":"CPU time, median"`, `{"value":29.71}`, `{"value":7.1}`, `[0,29.48,30.02]`, `[1,26.8,27.5]`, `"name":"seconds"`,
				`"renderItem":{"$fn":"whisker","args":[0,2]}`, `"renderItem":{"$fn":"whisker","args":[1,2]}`, `"formatter":{"$fn":"tooltip"}`},
			meta: []string{`[["min–max",6.98,7.4,4],["95 % CI",26.8,27.5,4]]`},
			rows: [][]string{
				{"sequential", "29.71", "29.48–30.02", "29.6", "29.4–29.9 (min–max)", "3"},
				{"processes", "7.1", "6.98–7.4", "27.05", "26.8–27.5 (95 % CI)", "4"},
			},
		},
		{
			name:       "times without CPU, an empty row",
			chart:      Times("Toast", "median", []Timing{{Label: "one toaster", Wall: minMax(200, 200, 200, 1)}, {Label: "none"}}),
			kind:       "times",
			seriesType: []string{"bar", "custom"},
			values:     []string{`{"value":200}`, `{"value":"-"}`, `[0,200,200]`},
			rows:       [][]string{{"one toaster", "200", "200–200", "1"}, {"none", "–", "–", "0"}},
		},
		{
			name: "speedup",
			chart: Speedup("Network I/O", "ideal: workers", []SpeedupBar{
				{Label: "sequential", Speedup: 1, Ideal: 1, Efficiency: 1},
				{Label: "40 goroutines", Speedup: 20.88, Ideal: 40, Efficiency: 0.522, Verdict: Significant},
			}),
			kind:       "speedup",
			seriesType: []string{"bar", "custom", "custom"},
			values: []string{`{"value":20.88}`, `[1,20.88,40]`, `"yAxis":1`, `"max":40`, `"name":"ideal: workers"`,
				`"renderItem":{"$fn":"ideal"}`, `"renderItem":{"$fn":"label"}`},
			meta: []string{`"idealName":"ideal: workers"`, `[20.88,40,0.522,"","time −95.2 %; beyond noise"]`},
			rows: [][]string{
				{"sequential", "1", "1", "100", "0 %", "not tested"},
				{"40 goroutines", "20.88", "40", "52.2", "−95.2 %", "beyond noise"},
			},
		},
		{
			name: "speedup: an ideal far above, a bar within noise, missing values",
			chart: Speedup("Partial", "ideal", []SpeedupBar{
				{Label: "a", Speedup: 2, Ideal: 40, Efficiency: math.NaN(), Verdict: WithinNoise},
				{Label: "b", Speedup: math.NaN()},
			}),
			kind:       "speedup",
			seriesType: []string{"bar", "custom", "custom"},
			// The axis stops at 1.5 × 2, the ideal 40 is drawn as an arrow.
			values: []string{`"max":3`, `{"itemStyle":{"opacity":0.4},"value":2}`, `{"value":"-"}`, `[0,2,40]`, `[1,null,null]`},
			meta:   []string{`[2,40,null,"~","time −50 %; ~ within noise: no real difference"]`},
			rows:   [][]string{{"a", "2", "40", "–", "−50 %", "~ (within noise)"}, {"b", "–", "–", "–", "–", "not tested"}},
		},
		{
			name: "timeline",
			chart: Timeline("Pool", []Span{
				{Lane: "w10", Task: "t1", Start: 0, End: 0.5},
				{Lane: "w2", Task: "t2", Start: 0.123456, End: 1.25, Failed: true},
				{Lane: "w2", Task: "t3", Start: 1.25, End: 2},
				{Lane: "w2", Task: "bad", Start: math.NaN(), End: 2},
			}),
			kind:       "timeline",
			seriesType: []string{"custom"},
			// lanes in natural order: w2 (index 0) before w10 (index 1).
			values: []string{`"data":["w2","w10"]`, `[1,0,0.5,"t1"]`, `"value":[0,0.1235,1.25,"t2"]`, `"failed":1`, `[0,1.25,2,"t3"]`},
			meta:   []string{`"unit":"seconds"`},
			rows: [][]string{
				{"w2", "2", "1", "1.877", "0.1235", "2"},
				{"w10", "1", "0", "0.5", "0", "0.5"},
				{"all lanes", "3", "1", "2.377", "0", "2"},
			},
		},
		{
			name: "scaling",
			chart: Scaling("Amdahl fit", []Point{{1, 1}, {2, 1.9}, {4, 3.4}},
				Curve{Name: "Amdahl p=0.9", Points: []Point{{1, 1}, {2, 1.818}, {4, 3.077}}},
				Curve{Name: "ideal", Points: []Point{{0, 0}, {8, 8}}, Dashed: true}),
			kind:       "scaling",
			seriesType: []string{"line", "line", "scatter"},
			values:     []string{`[4,3.4]`, `[2,1.818]`, `[8,8]`, `"type":"dashed"`, `"name":"workers"`},
			rows:       [][]string{{"1", "1", "1", "1"}, {"2", "1.9", "1.818", "2"}, {"4", "3.4", "3.077", "4"}},
		},
		{
			name:       "bars",
			chart:      Bars("Breakfast", "min", []string{"synchronous", "asynchronous"}, []float64{9, 5}),
			kind:       "bars",
			seriesType: []string{"bar"},
			values:     []string{`{"value":9}`, `{"value":5}`, `"name":"min"`, `"formatter":{"$fn":"label"}`, `"interval":"0"`},
			meta:       []string{`"unit":"min"`},
			rows:       [][]string{{"synchronous", "9"}, {"asynchronous", "5"}},
		},
		{
			name: "lines, log x drops x <= 0",
			chart: Lines("Amdahl's law", "processors", "speedup", []Curve{
				{Name: "p=0.5", Points: []Point{{0, 0}, {1, 1}, {10, 1.818}, {100, 1.98}}},
				{Name: "p=0.95", Points: []Point{{1, 1}, {10, 6.897}, {100, 16.81}}},
			}, true, false),
			kind:       "lines",
			seriesType: []string{"line", "line"},
			values:     []string{`"type":"log"`, `[10,6.897]`, `[100,16.81]`, `"name":"processors"`},
			rows: [][]string{
				{"1", "1", "1"}, {"10", "1.818", "6.897"}, {"100", "1.98", "16.81"},
			},
		},
		{
			name:       "flame",
			chart:      Flame("CPU profile", "s", flameFixture()),
			kind:       "flame",
			seriesType: []string{"custom"},
			// [depth, start, value, self, name], in millionths of the total; the 0.005 s
			// mallocgc (0.05 %) merged into "(other)".
			values: []string{`[0,0,1000000,100000,0]`, `[1,0,600000,199500,1]`, `[2,0,400000,400000,2]`, `[2,400000,500,500,3]`,
				`[1,600000,300000,300000,4]`, `"renderItem":{"$fn":"frame"}`, `"max":3`},
			meta: []string{`"names":["main","main.work","image/jpeg.decode","(other)","runtime.gcBgMarkWorker"]`, `"total":10`, `"unit":"s"`},
			rows: [][]string{
				{"image/jpeg.decode", "4", "40", "4", "40"},
				{"runtime.gcBgMarkWorker", "3", "30", "3", "30"},
				{"main.work", "1.995", "19.95", "6", "60"},
				{"main", "1", "10", "10", "100"},
				{"runtime.mallocgc", "0.005", "0.05", "0.005", "0.05"},
			},
		},
		{
			name:       "states",
			chart:      statesFixture(),
			kind:       "states",
			seriesType: []string{"custom", "custom", "custom"},
			// Lanes as given, then the others; the overlay state (STW) first; touching spans
			// of one label merged: [lane, start, end, label, spans].
			values: []string{`"data":["P0","P1","GC","G7"]`, `[0,0,3,0,2]`, `[1,1,4,1,1]`, `[3,0.5,1,2,1]`, `[2,3,3.2,2,1]`,
				`"name":"STW"`, `"color":"#d62728"`, `"color":"#f28e2b"`, `"renderItem":{"$fn":"span"}`},
			meta: []string{`"labels":["G1 main.main","G7 worker",""]`, `"overlay":["STW"]`, `"unit":"ms"`},
			rows: [][]string{
				{"P0", "3", "0", "0"}, {"P1", "3", "0", "0"}, {"GC", "0", "0", "0.2"}, {"G7", "0", "0.5", "0"},
				{"all lanes", "6", "0.5", "0.2"},
			},
		},
		{
			name: "usage",
			chart: Usage("Resources", 2, []UsageSample{
				{T: 1, CPUCores: 2, RSSBytes: 20e6}, {T: 0, CPUCores: 1, RSSBytes: 10e6}, {T: math.NaN(), CPUCores: 9},
			}),
			kind:       "usage",
			seriesType: []string{"line", "line"},
			values:     []string{`[0,1]`, `[1,2]`, `[0,10]`, `[1,20]`, `"yAxis":2`, `"formatter":"2 cores"`, `"yAxisIndex":1`, `"name":"MB"`},
			meta:       []string{`"cores":2`},
			rows: [][]string{
				{"mean", "1.5", "15"}, {"peak", "2", "20"}, {"at 0", "1", "10"}, {"at 1", "2", "20"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.chart
			if c.Kind() != tt.kind {
				t.Errorf("Kind() = %q, want %q", c.Kind(), tt.kind)
			}
			frag := c.fragment(false)
			wantRoot := fmt.Sprintf(`<div class="speedup-chart" id="%s" data-kind="%s" data-title="%s">`,
				regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(frag)[1], tt.kind, htmlEscape(c.Title()))
			if !strings.HasPrefix(frag, wantRoot) {
				t.Errorf("fragment starts %.120q, want %q", frag, wantRoot)
			}
			m := spec(t, c)
			if got := m["title"].(map[string]any)["text"]; got != c.Title() {
				t.Errorf("option title = %q, want %q", got, c.Title())
			}
			var types []string
			for _, s := range seriesOf(t, m) {
				types = append(types, s["type"].(string))
			}
			if strings.Join(types, ",") != strings.Join(tt.seriesType, ",") {
				t.Errorf("series types = %v, want %v", types, tt.seriesType)
			}
			// The same data reaches the script as it is.
			hasAll(t, "option", optionJSON(c), tt.values...)
			hasAll(t, "fragment", frag, tt.values...)
			hasAll(t, "meta", metaJSON(c), tt.meta...)
			hasAll(t, "fragment", frag, tt.meta...)
			rows := fallbackRows(t, frag)
			if fmt.Sprint(rows) != fmt.Sprint(tt.rows) {
				t.Errorf("fallback rows =\n%q\nwant\n%q", rows, tt.rows)
			}
			checkHTML(t, frag, false)
		})
	}
}

func flameFixture() FlameNode {
	return FlameNode{Name: "main", Value: 10, Children: []FlameNode{
		{Name: "main.work", Value: 6, Children: []FlameNode{
			{Name: "image/jpeg.decode", Value: 4},
			{Name: "runtime.mallocgc", Value: 0.005},
		}},
		{Name: "runtime.gcBgMarkWorker", Value: 3},
	}}
}

func statesFixture() *Chart {
	return States("Trace", "ms", []string{"P0", "P1", "GC"}, []StateSpan{
		{Lane: "P0", State: "running", Label: "G1 main.main", Start: 0, End: 2},
		{Lane: "P0", State: "running", Label: "G1 main.main", Start: 2, End: 3},
		{Lane: "P1", State: "running", Label: "G7 worker", Start: 1, End: 4},
		{Lane: "G7", State: "runnable", Start: 0.5, End: 1},
		{Lane: "GC", State: "STW", Start: 3, End: 3.2},
		{Lane: "GC", State: "STW", Start: 5, End: 4}, // ends before it starts: left out
	}, []StateStyle{{Name: "running", Color: "#4caf50"}, {Name: "runnable", Color: "red;}"}, {Name: "STW", Color: "#d62728", Overlay: true}})
}

func TestTimelineInNamesItsUnit(t *testing.T) {
	c := TimelineIn("breakfast", "talk minutes", []Span{{Lane: "toaster", Task: "toast 1", Start: 0, End: 2}})
	hasAll(t, "fragment", c.Fragment(false), "talk minutes since start", "busy (talk minutes)", `"unit":"talk minutes"`)
	hasAll(t, "fragment", Timeline("t", nil).Fragment(false), `"unit":"seconds"`, "busy (s)")
}
