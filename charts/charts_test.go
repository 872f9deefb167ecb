package charts

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
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

// spec decodes a chart's option (functions left as marked strings).
func spec(t *testing.T, c *Chart) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.spec), &m); err != nil {
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

// fallbackRows returns the cells of each body row of the fallback table.
func fallbackRows(t *testing.T, frag string) [][]string {
	t.Helper()
	tb := regexp.MustCompile(`(?s)<table class="speedup-fallback">.*?<tbody>(.*?)</tbody></table>`).FindStringSubmatch(frag)
	if tb == nil {
		t.Fatalf("no fallback table in fragment")
	}
	var rows [][]string
	cell := regexp.MustCompile(`<t[hd][^>]*>(.*?)</t[hd]>`)
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(tb[1], -1) {
		var row []string
		for _, c := range cell.FindAllStringSubmatch(tr[1], -1) {
			row = append(row, c[1])
		}
		rows = append(rows, row)
	}
	return rows
}

func TestConstructors(t *testing.T) {
	tests := []struct {
		name       string
		chart      *Chart
		kind       string
		seriesType []string   // types of the option's series, in order
		values     []string   // JSON snippets that must be in the option
		rows       [][]string // the fallback table's body
	}{
		{
			name: "times with CPU",
			chart: Times("Image resize", []Timing{
				{Label: "sequential", Wall: []float64{29.71, 29.48, 30.02}, CPU: []float64{29.6, 29.4, 29.9}},
				{Label: "processes", Wall: []float64{7.2, 6.98, 7.4, 7.0}, CPU: []float64{27.1, 26.8, 27.5, 27}},
			}),
			kind:       "times",
			seriesType: []string{"bar", "bar", "custom", "custom"},
			values:     []string{`{"value":29.71}`, `{"value":7.1}`, `[0,29.48,30.02,3]`, `[1,26.8,27.5,4]`, `"name":"seconds"`},
			rows: [][]string{
				{"sequential", "29.71", "29.48", "30.02", "29.6", "29.4", "29.9", "3"},
				{"processes", "7.1", "6.98", "7.4", "27.05", "26.8", "27.5", "4"},
			},
		},
		{
			name:       "times without CPU, an empty row",
			chart:      Times("Toast", []Timing{{Label: "one toaster", Wall: []float64{200}}, {Label: "none"}}),
			kind:       "times",
			seriesType: []string{"bar", "custom"},
			values:     []string{`{"value":200}`, `{"value":"-"}`, `[0,200,200,1]`},
			rows:       [][]string{{"one toaster", "200", "200", "200", "1"}, {"none", "–", "–", "–", "0"}},
		},
		{
			name: "speedup",
			chart: Speedup("Network I/O", []string{"sequential", "40 goroutines"},
				[]float64{1, 20.88}, []float64{1, 0.522}, []float64{1, 40}),
			kind:       "speedup",
			seriesType: []string{"bar", "custom"},
			values:     []string{`{"value":20.88}`, `[1,40,0.522]`, `"yAxis":1`},
			rows:       [][]string{{"sequential", "1", "1", "100"}, {"40 goroutines", "20.88", "40", "52.2"}},
		},
		{
			name:       "speedup with short slices",
			chart:      Speedup("Partial", []string{"a", "b"}, []float64{1.5}, nil, []float64{2, 4}),
			kind:       "speedup",
			seriesType: []string{"bar", "custom"},
			values:     []string{`{"value":1.5}`, `{"value":"-"}`, `[0,2,null]`, `[1,4,null]`},
			rows:       [][]string{{"a", "1.5", "2", "–"}, {"b", "–", "4", "–"}},
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
			values:     []string{`{"value":9}`, `{"value":5}`, `"name":"min"`, `return F(p.value)+' min'`, `"interval":"0"`},
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
			for _, v := range tt.values {
				if !strings.Contains(c.spec, v) {
					t.Errorf("option lacks %s", v)
				}
				// The same data reaches the script (only "</" is rewritten).
				if !strings.Contains(frag, v) {
					t.Errorf("fragment lacks %s", v)
				}
			}
			rows := fallbackRows(t, frag)
			if fmt.Sprint(rows) != fmt.Sprint(tt.rows) {
				t.Errorf("fallback rows =\n%q\nwant\n%q", rows, tt.rows)
			}
		})
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;")
	return r.Replace(s)
}

// allCharts returns one chart of each kind.
func allCharts() []*Chart {
	return []*Chart{
		Times("times", []Timing{{Label: "a", Wall: []float64{1, 2}, CPU: []float64{1}}}),
		Speedup("speedup", []string{"a"}, []float64{2}, []float64{0.5}, []float64{4}),
		Timeline("timeline", spanFixture(100, 4)),
		Scaling("scaling", []Point{{1, 1}}, Curve{Name: "ideal", Points: []Point{{1, 1}, {2, 2}}}),
		Bars("bars", "s", []string{"a"}, []float64{1}),
		Lines("lines", "x", "y", []Curve{{Name: "c", Points: []Point{{1, 1}}}}, false, true),
	}
}

var (
	scriptSrc  = regexp.MustCompile(`(?i)<script[^>]*\ssrc\s*=`)
	remoteRefs = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`)
)

func TestNothingLoadsFromTheNetwork(t *testing.T) {
	resetBundle()
	var page bytes.Buffer
	if err := WritePage(&page, "page", allCharts()...); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"page": page.String()}
	for i, c := range allCharts() {
		outputs[fmt.Sprintf("fragment %d (%s)", i, c.Kind())] = c.HTML()
	}
	for name, out := range outputs {
		if m := scriptSrc.FindString(out); m != "" {
			t.Errorf("%s has a script with src: %q", name, m)
		}
		if m := remoteRefs.FindString(out); m != "" {
			t.Errorf("%s refers to a remote resource: %q", name, m)
		}
		for _, host := range []string{"go-echarts.github.io", "cdn.jsdelivr", "unpkg.com"} {
			if strings.Contains(out, host) {
				t.Errorf("%s mentions %s", name, host)
			}
		}
	}
}

// bundleMarker is a piece of the base64-encoded bundle.
func bundleMarker() string { return bundleB64()[1000:1100] }

func TestBundleOncePerProcess(t *testing.T) {
	resetBundle()
	cs := allCharts()
	first, second, third := cs[0].HTML(), cs[1].HTML(), cs[0].HTML()
	if n := strings.Count(first, bundleMarker()); n != 1 {
		t.Errorf("first fragment carries the bundle %d times, want 1", n)
	}
	if n := strings.Count(second+third, bundleMarker()); n != 0 {
		t.Errorf("later fragments carry the bundle %d times, want 0", n)
	}
	for i, f := range []string{first, second, third} {
		if !strings.Contains(f, "window.__speedupEcharts") && !strings.Contains(f, "w.__speedupEcharts") {
			t.Errorf("fragment %d does not wait on window.__speedupEcharts", i)
		}
		if strings.Contains(f, "document.write") || strings.Contains(f, "currentScript") {
			t.Errorf("fragment %d uses document.write or currentScript", i)
		}
	}
	// The loader is guarded: it does nothing where window.echarts or the promise exists.
	if !strings.Contains(first, `if(!(w.echarts&&w.echarts.init)&&!w.__speedupEcharts)`) {
		t.Error("bundle loader is not guarded against a second evaluation")
	}
	// WritePage neither consumes nor resets the per-process bundle.
	resetBundle()
	if err := WritePage(io.Discard, "p", cs...); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cs[2].HTML(), bundleMarker()) {
		t.Error("WritePage consumed the bundle of the next fragment")
	}
}

func TestFragmentIDsAreUnique(t *testing.T) {
	c := Bars("b", "", []string{"x"}, []float64{1})
	idRe := regexp.MustCompile(`id="([^"]+)"`)
	a, b := idRe.FindStringSubmatch(c.HTML())[1], idRe.FindStringSubmatch(c.HTML())[1]
	if a == b {
		t.Errorf("two fragments of one chart share the id %q", a)
	}
	if !strings.Contains(c.HTML(), `document.getElementById(id)`) {
		t.Error("the script does not find its chart by id")
	}
}

func TestSizes(t *testing.T) {
	resetBundle()
	b64 := len(bundleB64())
	t.Logf("bundle: %d bytes gzip, %d bytes base64", len(echartsGz), b64)
	if b64 > 300_000 {
		t.Errorf("bundle base64 is %d bytes, budget 300,000", b64)
	}
	withBundle := allCharts()[4].HTML()
	if len(withBundle) > b64+10_000 {
		t.Errorf("fragment with bundle is %d bytes, want under %d", len(withBundle), b64+10_000)
	}
	for _, c := range allCharts() {
		if c.kind == "timeline" {
			continue
		}
		if n := len(c.HTML()); n > 10_000 {
			t.Errorf("%s fragment is %d bytes, want under 10,000", c.kind, n)
		}
	}
	big := Timeline("10,000 spans", spanFixture(10_000, 8)).HTML()
	t.Logf("timeline of 10,000 spans: %d bytes", len(big))
	if len(big) > 400_000 {
		t.Errorf("timeline of 10,000 spans is %d bytes, budget 400,000", len(big))
	}
	if n := len(fallbackRows(t, big)); n != 9 {
		t.Errorf("timeline fallback has %d rows, want 8 lanes + total", n)
	}
}

func TestEscaping(t *testing.T) {
	title := `A "quoted" <b>&</b> </script><script>alert(1)</script> <!-- x`
	for _, c := range []*Chart{
		Times(title, []Timing{{Label: title, Wall: []float64{1}}}),
		Timeline(title, []Span{{Lane: title, Task: title, Start: 0, End: 1}}),
		Bars(title, title, []string{title}, []float64{1}),
		Lines(title, title, title, []Curve{{Name: title, Points: []Point{{1, 1}}}}, false, false),
	} {
		f := c.fragment(false)
		if n := strings.Count(strings.ToLower(f), "</script"); n != 1 {
			t.Errorf("%s: %d </script in fragment, want 1 (its own)", c.kind, n)
		}
		if n := strings.Count(f, "<!--"); n != 0 {
			t.Errorf("%s: fragment contains <!--", c.kind)
		}
		if !strings.Contains(f, `data-title="A &#34;quoted&#34; &lt;b&gt;&amp;&lt;/b&gt;`) {
			t.Errorf("%s: data-title not escaped", c.kind)
		}
		if strings.Contains(f, "<b>&</b>") {
			t.Errorf("%s: title reached the HTML unescaped", c.kind)
		}
		checkHTML(t, f, false)
	}
}

func TestWritePage(t *testing.T) {
	cs := allCharts()
	var b bytes.Buffer
	if err := WritePage(&b, "Speed up <your> data", cs...); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	checkHTML(t, page, true)
	js, err := bundleJS()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(page, js); n != 1 {
		t.Errorf("page holds the bundle %d times, want 1", n)
	}
	if strings.Contains(page, bundleMarker()) {
		t.Error("page also holds the base64 bundle")
	}
	if !strings.Contains(page, "<title>Speed up &lt;your&gt; data</title>") {
		t.Error("page title missing or not escaped")
	}
	// The bundle comes before the charts, which come in order.
	last := strings.Index(page, js)
	for _, c := range cs {
		i := strings.Index(page, `data-kind="`+c.kind+`"`)
		if i < last {
			t.Errorf("chart %s at %d, before the previous one or the bundle (%d)", c.kind, i, last)
		}
		last = i
	}
}

func TestEmbeddedBundle(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(echartsGz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	js := string(raw)
	for _, want := range []string{"Apache ECharts 5.4.3", "globalThis.echarts=", "clipRectByRect"} {
		if !strings.Contains(js, want) {
			t.Errorf("bundle lacks %q", want)
		}
	}
	for _, bad := range []string{"</script", "<!--"} {
		if strings.Contains(strings.ToLower(js), bad) {
			t.Errorf("bundle contains %q, which breaks an inline script", bad)
		}
	}
}

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		in          []float64
		med, lo, hi float64
		n           int
	}{
		{[]float64{3, 1, 2}, 2, 1, 3, 3},
		{[]float64{4, 1, 2, 3}, 2.5, 1, 4, 4},
		{[]float64{nan, 5, math.Inf(1)}, 5, 5, 5, 1},
		{nil, nan, nan, nan, 0},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, tt := range tests {
		s := summarize(tt.in)
		if !same(s.med, tt.med) || !same(s.lo, tt.lo) || !same(s.hi, tt.hi) || s.n != tt.n {
			t.Errorf("summarize(%v) = %+v, want med %v lo %v hi %v n %d", tt.in, s, tt.med, tt.lo, tt.hi, tt.n)
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"worker 2", "worker 10", -1},
		{"pid 9000", "pid 10001", -1},
		{"w01", "w1", -1}, // equal as numbers, then by bytes
		{"a", "b", -1},
		{"a10b2", "a10b10", -1},
		{"x", "x", 0},
		{"worker", "worker 1", -1},
	}
	for _, tt := range tests {
		if got := naturalCmp(tt.a, tt.b); got != tt.want {
			t.Errorf("naturalCmp(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := naturalCmp(tt.b, tt.a); got != -tt.want {
			t.Errorf("naturalCmp(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		x        float64
		num, sec any
		text     string
	}{
		{977.88, json.Number("977.88"), json.Number("977.88"), "977.9"},
		{0.1 + 0.2, json.Number("0.3"), json.Number("0.3"), "0.3"},
		{12.345678, json.Number("12.3457"), json.Number("12.3457"), "12.35"},
		{123456.7, json.Number("123457"), json.Number("123456.7"), "123457"},
		{-0.00001, json.Number("-1e-05"), json.Number("0"), "-1e-05"},
		{math.NaN(), nil, nil, "–"},
		{math.Inf(-1), nil, nil, "–"},
	}
	for _, tt := range tests {
		if got := num(tt.x); got != tt.num {
			t.Errorf("num(%v) = %v, want %v", tt.x, got, tt.num)
		}
		if got := sec(tt.x); got != tt.sec {
			t.Errorf("sec(%v) = %v, want %v", tt.x, got, tt.sec)
		}
		if got := fmtNum(tt.x); got != tt.text {
			t.Errorf("fmtNum(%v) = %q, want %q", tt.x, got, tt.text)
		}
	}
}

func TestZeroChart(t *testing.T) {
	f := new(Chart).fragment(false)
	for _, want := range []string{"var opt={};", "width:860px;height:420px", `renderer:"canvas"`} {
		if !strings.Contains(f, want) {
			t.Errorf("zero chart fragment lacks %q", want)
		}
	}
	checkHTML(t, f, false)
}

func TestWithSizeAndSVG(t *testing.T) {
	c := Bars("b", "", []string{"x"}, []float64{1}).WithSize(640, 20).WithSVG()
	f := c.HTML()
	for _, want := range []string{"width:640px;height:100px", `renderer:"svg",width:640,height:100`} {
		if !strings.Contains(f, want) {
			t.Errorf("fragment lacks %q", want)
		}
	}
	if h := Timeline("t", spanFixture(40, 40)).height; h <= DefaultHeight {
		t.Errorf("timeline of 40 lanes is %d px high, want more than %d", h, DefaultHeight)
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

func TestTimelineInNamesItsUnit(t *testing.T) {
	c := TimelineIn("breakfast", "talk minutes", []Span{{Lane: "toaster", Task: "toast 1", Start: 0, End: 2}})
	h := c.Fragment(false)
	for _, want := range []string{"talk minutes since start", "busy (talk minutes)", "var U='talk minutes'"} {
		if !strings.Contains(h, want) {
			t.Errorf("fragment lacks %q", want)
		}
	}
	if strings.Contains(Timeline("t", nil).Fragment(false), "var U=") {
		t.Error("a timeline in seconds uses the seconds tooltip")
	}
}
