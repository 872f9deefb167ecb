package charts

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
)

// spanFixture makes n spans over lanes workers, every 97th failed.
func spanFixture(n, lanes int) []Span {
	spans := make([]Span, n)
	for i := range spans {
		start := float64(i/lanes) * 0.012345
		spans[i] = Span{
			Lane:   fmt.Sprintf("worker %d", i%lanes),
			Task:   fmt.Sprintf("2020-%02d-%02d", i%12+1, i%28+1),
			Start:  start,
			End:    start + 0.0111,
			Failed: i%97 == 0,
		}
	}
	return spans
}

// optionJSON is the chart's option as the fragment carries it.
func optionJSON(c *Chart) string { return jsonJS(orEmpty(c.option)) }

// metaJSON is the chart's meta as the fragment carries it.
func metaJSON(c *Chart) string { return jsonJS(orEmpty(c.meta)) }

// spec decodes a chart's option as the browser does.
func spec(t *testing.T, c *Chart) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(optionJSON(c)), &m); err != nil {
		t.Fatalf("%s: option is not JSON: %v", c.kind, err)
	}
	return m
}

// seriesOf returns the option's series, by index.
func seriesOf(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range m["series"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

var (
	tableRe = regexp.MustCompile(`(?s)<table class="speedup-fallback"[^>]*>(?:<caption>(.*?)</caption>)?<thead><tr>(.*?)</tr></thead><tbody>(.*?)</tbody></table>`)
	rowRe   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRe  = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// fallbackRows returns the cells of each body row of the fragment's first fallback table,
// unescaped (as a browser shows them).
func fallbackRows(t *testing.T, frag string) [][]string {
	t.Helper()
	tb := tableRe.FindStringSubmatch(frag)
	if tb == nil {
		t.Fatalf("no fallback table in fragment")
	}
	return cells(tb[3])
}

// fallbackTexts returns every text of the fragment's fallback tables: captions, heads and
// cells, unescaped.
func fallbackTexts(t *testing.T, frag string) []string {
	t.Helper()
	var out []string
	for _, tb := range tableRe.FindAllStringSubmatch(frag, -1) {
		out = append(out, html.UnescapeString(tb[1]))
		for _, c := range cellRe.FindAllStringSubmatch(tb[2], -1) {
			out = append(out, html.UnescapeString(c[1]))
		}
		for _, r := range cells(tb[3]) {
			out = append(out, r...)
		}
	}
	return out
}

func cells(body string) [][]string {
	var rows [][]string
	for _, tr := range rowRe.FindAllStringSubmatch(body, -1) {
		var row []string
		for _, c := range cellRe.FindAllStringSubmatch(tr[1], -1) {
			row = append(row, html.UnescapeString(c[1]))
		}
		rows = append(rows, row)
	}
	return rows
}

func htmlEscape(s string) string { return html.EscapeString(s) }

// allCharts returns one chart of each kind.
func allCharts() []*Chart {
	return []*Chart{
		Times("times", "median", []Timing{{Label: "a", Wall: Estimate{Mid: 1.5, Lo: 1, Hi: 2, Interval: "min–max", Runs: 2}, CPU: Estimate{Mid: 1, Runs: 1}}}),
		Speedup("speedup", "ideal", []SpeedupBar{{Label: "a", Speedup: 2, Ideal: 4, Efficiency: 0.5}}),
		Timeline("timeline", spanFixture(100, 4)),
		Scaling("scaling", []Point{{1, 1}}, Curve{Name: "ideal", Points: []Point{{1, 1}, {2, 2}}}),
		Bars("bars", "s", []string{"a"}, []float64{1}),
		Lines("lines", "x", "y", []Curve{{Name: "c", Points: []Point{{1, 1}}}}, false, true),
		Flame("flame", "s", FlameNode{Name: "main", Value: 2, Children: []FlameNode{{Name: "runtime.gc", Value: 1}}}),
		States("states", "ms", []string{"P0"}, []StateSpan{{Lane: "P0", State: "running", Label: "G1", Start: 0, End: 1}}, nil),
		Usage("usage", 2, []UsageSample{{T: 0, CPUCores: 1, RSSBytes: 1e7}, {T: 1, CPUCores: 2, RSSBytes: 2e7}}),
	}
}

// hasAll fails t for each of want that s lacks.
func hasAll(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %s", what, w)
		}
	}
}

// checkHTML fails t unless s is well-formed HTML: every element closed in
// order (void elements excepted), script and style read as raw text, quoted
// attributes, unique ids; a full document if doc.
func checkHTML(t *testing.T, s string, doc bool) {
	t.Helper()
	void := map[string]bool{"meta": true, "link": true, "br": true, "img": true, "input": true, "hr": true}
	if doc {
		if !strings.HasPrefix(s, "<!DOCTYPE html>") {
			t.Errorf("document does not start with <!DOCTYPE html>")
		}
	}
	tagRe := regexp.MustCompile(`^<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*"|='[^']*')?)*)\s*(/?)>`)
	attrRe := regexp.MustCompile(`([a-zA-Z-]+)(?:="([^"]*)"|='([^']*)')?`)
	var stack, seen []string
	ids := map[string]bool{}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			k := strings.Index(rest, "-->")
			if k < 0 {
				t.Fatalf("unclosed comment at %d", i)
			}
			i += k + 3
			continue
		case strings.HasPrefix(rest, "<!"):
			i += strings.IndexByte(rest, '>') + 1
			continue
		}
		m := tagRe.FindStringSubmatch(rest)
		if m == nil {
			t.Fatalf("malformed tag at %d: %.60q", i, rest)
		}
		closing, name := m[1] == "/", strings.ToLower(m[2])
		i += len(m[0])
		if closing {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				t.Fatalf("</%s> at %d closes %v", name, i, stack)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		seen = append(seen, name)
		for _, a := range attrRe.FindAllStringSubmatch(m[3], -1) {
			if a[1] == "id" {
				if ids[a[2]] {
					t.Errorf("duplicate id %q", a[2])
				}
				ids[a[2]] = true
			}
		}
		if void[name] || m[4] == "/" {
			continue
		}
		if name == "script" || name == "style" {
			k := strings.Index(strings.ToLower(s[i:]), "</"+name)
			if k < 0 {
				t.Fatalf("unclosed <%s> at %d", name, i)
			}
			i += k
		}
		stack = append(stack, name)
	}
	if len(stack) != 0 {
		t.Errorf("unclosed elements: %v", stack)
	}
	if doc {
		want := []string{"html", "head", "meta"}
		if len(seen) < 3 || strings.Join(seen[:3], ",") != strings.Join(want, ",") {
			t.Errorf("document starts with elements %v, want %v", seen[:min(3, len(seen))], want)
		}
		if !strings.Contains(strings.Join(seen, ","), "body") {
			t.Error("document has no body")
		}
	}
}
