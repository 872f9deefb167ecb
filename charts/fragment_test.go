package charts

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

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
		if !strings.Contains(f, "w.__speedupEcharts") {
			t.Errorf("fragment %d does not wait on window.__speedupEcharts", i)
		}
		if strings.Contains(f, "document.write") || strings.Contains(f, "currentScript") {
			t.Errorf("fragment %d uses document.write or currentScript", i)
		}
	}
	// The loader is guarded: it does nothing where window.echarts or the promise exists.
	if !strings.Contains(first, `if ((w.echarts && w.echarts.init) || w.__speedupEcharts) return;`) {
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

func TestFragmentCarriesTheBundleWhenAsked(t *testing.T) {
	resetBundle()
	c := allCharts()[4]
	if strings.Contains(c.Fragment(false), bundleMarker()) {
		t.Error("Fragment(false) carries the bundle")
	}
	if !strings.Contains(c.Fragment(true), bundleMarker()) {
		t.Error("Fragment(true) lacks the bundle")
	}
	if strings.Contains(c.HTML(), bundleMarker()) {
		t.Error("HTML after Fragment(true) carries the bundle again")
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
		n := len(c.HTML())
		t.Logf("%s fragment: %d bytes", c.kind, n)
		if n > 10_000 {
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

func TestZeroChart(t *testing.T) {
	f := new(Chart).fragment(false)
	hasAll(t, "zero chart fragment", f, "{},\n{},\n", "width:100%;min-width:360px;height:420px", `{"renderer":"canvas"}`)
	checkHTML(t, f, false)
}

// Charts fill their container's width unless given one, and keep a fixed height.
func TestSizeAndRenderer(t *testing.T) {
	for _, c := range allCharts() {
		hasAll(t, c.kind+" fragment", c.fragment(false),
			fmt.Sprintf(`style="display:none;width:100%%;min-width:%dpx;height:%dpx"`, MinWidth, c.heightPx()), "ResizeObserver", "c.chart.resize()")
	}
	c := Bars("b", "", []string{"x"}, []float64{1}).WithSize(640, 20).WithSVG()
	hasAll(t, "fixed-size fragment", c.HTML(), "width:640px;height:100px", `{"renderer":"svg"}`)
	hasAll(t, "fixed-height fragment", Bars("b", "", nil, nil).WithSize(0, 300).HTML(), "width:100%;min-width:360px;height:300px")
	if h := Timeline("t", spanFixture(40, 40)).height; h <= DefaultHeight {
		t.Errorf("timeline of 40 lanes is %d px high, want more than %d", h, DefaultHeight)
	}
}

// The script is the same constant code for every chart of a kind: what a caller writes
// reaches it only in the JSON of the option and the meta.
func TestScriptIsConstantCode(t *testing.T) {
	for i, c := range allCharts() {
		other := allCharts()[i]
		other.option, other.meta = map[string]any{"x": 1}, map[string]any{}
		strip := func(c *Chart) string {
			s := c.script("ID", true)
			return strings.Replace(s, optionJSON(c)+",\n"+metaJSON(c)+",\n", "OPTION,META", 1)
		}
		if a, b := strip(c), strip(other); a != b {
			t.Errorf("%s: the script differs beyond its option and meta", c.kind)
		}
	}
}

// The JavaScript files are expressions that can sit in an inline script.
func TestJavaScriptFiles(t *testing.T) {
	files, err := jsFS.ReadDir("js")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		name := strings.TrimSuffix(f.Name(), ".js")
		src := jsSource(name)
		for _, bad := range []string{"</script", "<!--", "-->", "`"} {
			if strings.Contains(strings.ToLower(src), bad) {
				t.Errorf("js/%s.js contains %q", name, bad)
			}
		}
		// As the fragment uses it: a parenthesized expression.
		if err := os.WriteFile(filepath.Join(dir, name+".js"), []byte("void (\n"+src+");\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the syntax of js/*.js is not checked")
	}
	// One node for all files: each must compile as a script.
	check := `const fs = require('fs'), vm = require('vm'), path = require('path');
for (const f of fs.readdirSync(process.argv[1])) {
  try { new vm.Script(fs.readFileSync(path.join(process.argv[1], f), 'utf8'), { filename: f }); }
  catch (e) { console.log(f + ': ' + e.message); process.exitCode = 1; }
}`
	if out, err := exec.Command(node, "-e", check, dir).CombinedOutput(); err != nil {
		t.Errorf("js/ files that are not JavaScript expressions: %v\n%s", err, out)
	}
}
