package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

// hostileTail is what a caller might write that could break a page or run as code if it
// were spliced into HTML or JavaScript: quotes, backslashes, a newline, markup, the end of
// a script, a comment, a template literal.
const hostileTail = ` a\b \\ 'q' "dq" ` + "\n" + `line2 </script><script>window.__pwned=1</script> <!-- c --> ${x} <b>b</b> <img src=x onerror="window.__pwned=1"> &amp; {a|b}`

// hostile is a distinct hostile string per field, so that a test can tell where each shows.
func hostile(field string) string { return field + hostileTail }

// hostileCharts builds a chart of every kind from h(field) in every field a caller writes,
// and says which fields the fallback table shows.
var hostileCharts = []struct {
	name  string
	build func(h func(string) string) *Chart
	data  []string // fields that must reach the option or the meta as written (maybe within a longer text)
	table []string // fields that must show in the fallback table as written
}{
	{
		name: "times",
		build: func(h func(string) string) *Chart {
			return Times(h("title"), h("mid"), []Timing{{Label: h("label"),
				Wall: Estimate{Mid: 1, Lo: 0.5, Hi: 2, Interval: h("interval"), Runs: 3},
				CPU:  Estimate{Mid: 2, Lo: 1, Hi: 3, Interval: h("cpu interval"), Runs: 3}}})
		},
		data:  []string{"title", "mid", "label", "interval", "cpu interval"},
		table: []string{"title", "mid", "label", "interval", "cpu interval"},
	},
	{
		name: "speedup",
		build: func(h func(string) string) *Chart {
			return Speedup(h("title"), h("ideal"), []SpeedupBar{{Label: h("label"), Speedup: 2, Ideal: 4, Efficiency: 0.5}})
		},
		data:  []string{"title", "ideal", "label"},
		table: []string{"title", "ideal", "label"},
	},
	{
		name: "timeline",
		build: func(h func(string) string) *Chart {
			return TimelineIn(h("title"), h("unit"), []Span{{Lane: h("lane"), Task: h("task"), Start: 0, End: 1}})
		},
		data:  []string{"title", "unit", "lane", "task"},
		table: []string{"title", "unit", "lane"},
	},
	{
		name: "timeline with usage",
		build: func(h func(string) string) *Chart {
			return TimelineIn(h("title"), h("unit"), []Span{{Lane: h("lane"), Task: h("task"), Start: 0, End: 1}}).
				WithUsage(2, []UsageSample{{T: 0, CPUCores: 1, RSSBytes: 1e6}, {T: 1, CPUCores: 2, RSSBytes: 2e6}})
		},
		data:  []string{"title", "unit", "lane", "task"},
		table: []string{"title", "unit", "lane"},
	},
	{
		name: "scaling",
		build: func(h func(string) string) *Chart {
			return Scaling(h("title"), []Point{{1, 1}}, Curve{Name: h("curve"), Points: []Point{{1, 1}, {2, 2}}})
		},
		data:  []string{"title", "curve"},
		table: []string{"title", "curve"},
	},
	{
		name: "bars",
		build: func(h func(string) string) *Chart {
			return Bars(h("title"), h("unit"), []string{h("category")}, []float64{1})
		},
		data:  []string{"title", "unit", "category"},
		table: []string{"title", "unit", "category"},
	},
	{
		name: "lines",
		build: func(h func(string) string) *Chart {
			return Lines(h("title"), h("x"), h("y"), []Curve{{Name: h("curve"), Points: []Point{{1, 1}, {2, 3}}}}, false, false)
		},
		data:  []string{"title", "x", "y", "curve"},
		table: []string{"title", "x", "curve"},
	},
	{
		name: "flame",
		build: func(h func(string) string) *Chart {
			return Flame(h("title"), h("unit"), FlameNode{Name: h("root"), Value: 2, Children: []FlameNode{{Name: h("callee"), Value: 1}}})
		},
		data:  []string{"title", "unit", "root", "callee"},
		table: []string{"title", "unit", "root", "callee"},
	},
	{
		name: "states",
		build: func(h func(string) string) *Chart {
			return States(h("title"), h("unit"), []string{h("lane")},
				[]StateSpan{{Lane: h("lane"), State: h("state"), Label: h("span"), Start: 0, End: 1}},
				[]StateStyle{{Name: h("state"), Color: h("color")}})
		},
		data:  []string{"title", "unit", "lane", "state", "span"},
		table: []string{"title", "unit", "lane", "state"},
	},
	{
		name: "usage",
		build: func(h func(string) string) *Chart {
			return Usage(h("title"), 2, []UsageSample{{T: 0, CPUCores: 1, RSSBytes: 1e6}})
		},
		data:  []string{"title"},
		table: []string{"title"},
	},
}

// strings of a decoded JSON value, recursively.
func jsonStrings(v any, out map[string]bool) {
	switch v := v.(type) {
	case string:
		out[v] = true
	case []any:
		for _, x := range v {
			jsonStrings(x, out)
		}
	case map[string]any:
		for _, x := range v {
			jsonStrings(x, out)
		}
	}
}

func TestHostileStrings(t *testing.T) {
	for _, tt := range hostileCharts {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.build(hostile)
			f := c.fragment(false)
			checkHTML(t, f, false)
			if n := strings.Count(strings.ToLower(f), "</script"); n != 1 {
				t.Errorf("%d </script in the fragment, want 1 (its own)", n)
			}
			for _, bad := range []string{"<!--", "<b>b</b>", "<img"} {
				if strings.Contains(f, bad) {
					t.Errorf("the fragment holds %q as written: it reached HTML or JavaScript unescaped", bad)
				}
			}
			if !strings.HasPrefix(f[strings.Index(f, `data-title="`):], `data-title="title a\b \\ &#39;q&#39; &#34;dq&#34; `+"\n"+`line2 &lt;/script&gt;`) {
				t.Errorf("data-title not escaped: %.200q", f[strings.Index(f, `data-title="`):])
			}

			// Every field reaches the data as written, and only the data.
			data := map[string]bool{}
			for _, js := range []string{optionJSON(c), metaJSON(c)} {
				var v any
				if err := json.Unmarshal([]byte(js), &v); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				jsonStrings(v, data)
			}
			all := make([]string, 0, len(data))
			for s := range data {
				all = append(all, s)
			}
			texts := strings.Join(all, "\x00")
			for _, field := range tt.data {
				if !strings.Contains(texts, hostile(field)) {
					t.Errorf("%s: not in the option or meta as written", field)
				}
			}
			script := func(c *Chart) string {
				s := c.script("ID", false)
				return strings.Replace(s, optionJSON(c)+",\n"+metaJSON(c)+",\n", "OPTION,META", 1)
			}
			plain := tt.build(func(field string) string { return field })
			if script(c) != script(plain) {
				t.Error("the script's code depends on what the caller wrote")
			}

			// The fallback shows every field as written (the browser unescapes it).
			shown := strings.Join(fallbackTexts(t, f), "\x00")
			for _, field := range tt.table {
				if !strings.Contains(shown, hostile(field)) {
					t.Errorf("%s: not in the fallback table as written", field)
				}
			}
		})
	}
}
