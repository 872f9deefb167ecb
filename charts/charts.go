// Package charts draws the figures of the speedup notebooks (times, speedup, timelines,
// scaling curves) with go-echarts, as HTML fragments for a notebook output and as
// standalone pages that render with no network, ECharts itself being embedded in the package.
// It knows nothing about timing or strategies: every constructor draws the plain numbers it is given.
package charts

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"strings"
	"sync"
	"sync/atomic"
)

// echartsGz is a minimal Apache ECharts build (see assets/README.md), gzip -9.
//
//go:embed assets/echarts.min.js.gz
var echartsGz []byte

// Default size of a chart, in CSS pixels. Charts have a fixed size: a notebook
// output may run its scripts before it is laid out, so nothing is measured.
const (
	DefaultWidth  = 860
	DefaultHeight = 420
)

// Chart is one rendered figure, made by one of the constructors (Times,
// Speedup, Timeline, Scaling, Bars, Lines); a zero Chart renders as an empty
// chart of the default size.
type Chart struct {
	kind     string // data-kind of the fragment: times, speedup, timeline, ...
	title    string
	option   string // ECharts option as a JavaScript object literal (JSON plus functions)
	spec     string // the option as JSON, functions as marked strings (for tests)
	fallback string // <table class="speedup-fallback"> with the chart's numbers
	width    int
	height   int
	renderer string // "canvas" or "svg"
}

// Title returns the chart's title.
func (c *Chart) Title() string { return c.title }

// Kind returns what the chart draws: "times", "speedup", "timeline",
// "scaling", "bars" or "lines", as in the fragment's data-kind attribute.
func (c *Chart) Kind() string { return c.kind }

// WithSize sets the chart's size in CSS pixels (values below 100 are raised to
// 100) and returns the chart.
func (c *Chart) WithSize(width, height int) *Chart {
	c.width, c.height = max(width, 100), max(height, 100)
	return c
}

// WithSVG makes the chart render as SVG instead of on a canvas, and returns
// the chart. SVG keeps every mark in the DOM: sharper when printed or zoomed,
// heavier for a timeline of thousands of spans.
func (c *Chart) WithSVG() *Chart {
	c.renderer = "svg"
	return c
}

// The first fragment rendered by a process carries the ECharts bundle; the
// next ones rely on it (GoNB runs each cell execution as a new process, so
// this is once per cell output).
var bundleSent atomic.Bool

// resetBundle makes the next HTML call carry the bundle again (for tests).
func resetBundle() { bundleSent.Store(false) }

// HTML returns a self-contained fragment for a notebook output (GoNB's
// gonbui.DisplayHTML): a <div class="speedup-chart"> holding the chart's
// element, a static <table class="speedup-fallback"> with its numbers, and a
// script that draws the chart and then hides the table.
//
// The first fragment returned in a process also carries ECharts (about 270 KB
// of base64-encoded gzip, unpacked in the browser with DecompressionStream);
// later ones wait for it through the page-wide promise window.__speedupEcharts,
// or use window.echarts if the page already has it. Where scripts do not run
// (GitHub, an untrusted notebook) the table is what shows; if ECharts cannot
// load, the fragment says why above the table. Each call uses new element ids,
// so the same chart may be displayed more than once. Once drawn, the root div
// has data-state="rendered" (or "failed"), then data-finished="true".
func (c *Chart) HTML() string {
	return c.fragment(!bundleSent.Swap(true))
}

// Fragment is [Chart.HTML] with the caller deciding whether this fragment carries the
// ECharts bundle, for displays that know better than the process which outputs the page
// already holds (kernelext sends it once per kernel session, not once per cell). A
// fragment without the bundle waits up to ten seconds for another output of the page to
// load it, then shows its fallback table and says why.
func (c *Chart) Fragment(withBundle bool) string {
	if withBundle {
		bundleSent.Store(true)
	}
	return c.fragment(withBundle)
}

// BundleVersion names the embedded ECharts build; it changes whenever the bundle does.
const BundleVersion = "echarts-5.4.3-speedup-1"

// WritePage writes a standalone offline HTML page holding the charts in order:
// ECharts is inlined once in the page's head, then each chart follows as in
// HTML. It does not change what the next HTML call carries.
func WritePage(w io.Writer, title string, cs ...*Chart) error {
	js, err := bundleJS()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>\nbody{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:24px;color:#222}\n" +
		".speedup-chart{margin:0 0 32px}\n" +
		"table.speedup-fallback{border-collapse:collapse;font-size:13px}\n" +
		"table.speedup-fallback td,table.speedup-fallback th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n" +
		"table.speedup-fallback caption{font-weight:bold;text-align:left}\n</style>\n")
	b.WriteString("<script>\n")
	b.WriteString(js)
	b.WriteString("\n</script>\n</head>\n<body>\n")
	if title != "" {
		fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(title))
	}
	for _, c := range cs {
		if c == nil {
			continue
		}
		b.WriteString(c.fragment(false))
		b.WriteString("\n")
	}
	b.WriteString("</body>\n</html>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

var (
	bundleOnce sync.Once
	bundleText string
	bundleErr  error
)

// bundleJS returns the ECharts bundle as JavaScript source.
func bundleJS() (string, error) {
	bundleOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(echartsGz))
		if err != nil {
			bundleErr = fmt.Errorf("charts: embedded echarts bundle: %w", err)
			return
		}
		js, err := io.ReadAll(zr)
		if err != nil {
			bundleErr = fmt.Errorf("charts: embedded echarts bundle: %w", err)
			return
		}
		bundleText = string(js)
	})
	return bundleText, bundleErr
}

var bundleB64 = sync.OnceValue(func() string { return base64.StdEncoding.EncodeToString(echartsGz) })

// Element ids must be unique in a notebook page that keeps the outputs of
// earlier processes (kernel restarts), hence a random per-process prefix.
var (
	idPrefix = sync.OnceValue(func() string {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "sc"
		}
		return "sc" + hex.EncodeToString(b[:])
	})
	idCount atomic.Uint64
)

func newID() string { return fmt.Sprintf("%s-%d", idPrefix(), idCount.Add(1)) }

func (c *Chart) widthPx() int {
	if c.width <= 0 {
		return DefaultWidth
	}
	return c.width
}

func (c *Chart) heightPx() int {
	if c.height <= 0 {
		return DefaultHeight
	}
	return c.height
}

// fragment renders the chart's HTML, with the bundle if withBundle.
func (c *Chart) fragment(withBundle bool) string {
	id := newID()
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="speedup-chart" id="%s" data-kind="%s" data-title="%s">`,
		id, c.kind, html.EscapeString(c.title))
	b.WriteString("\n")
	fmt.Fprintf(&b, `<div class="speedup-canvas" style="display:none;width:%dpx;height:%dpx"></div>`, c.widthPx(), c.heightPx())
	b.WriteString("\n")
	b.WriteString(`<div class="speedup-error" style="display:none;color:#a1111b;border:1px solid #a1111b;padding:4px 8px;margin:4px 0"></div>`)
	b.WriteString("\n")
	b.WriteString(c.fallback)
	b.WriteString("\n<script>\n")
	b.WriteString(c.script(id, withBundle))
	b.WriteString("\n</script>\n</div>")
	return b.String()
}

// loaderJS defines window.__speedupEcharts from the base64 of the gzipped
// bundle, unless the page already has ECharts or is loading it.
const loaderJS = `if(!(w.echarts&&w.echarts.init)&&!w.__speedupEcharts){w.__speedupEcharts=(function(b){
if(typeof DecompressionStream!=="function")return Promise.reject(new Error("this browser has no DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later needed)"));
return Promise.resolve().then(function(){var s=atob(b),u=new Uint8Array(s.length);for(var i=0;i<s.length;i++)u[i]=s.charCodeAt(i);
return new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text();}).then(function(js){
if(!(w.echarts&&w.echarts.init)){try{(0,eval)(js);}catch(e){if(!(e instanceof EvalError))throw e;var t=document.createElement("script");t.textContent=js;document.head.appendChild(t);}}
if(!(w.echarts&&w.echarts.init))throw new Error("the bundle ran but defined no window.echarts");return w.echarts;
}).catch(function(e){w.__speedupEcharts=null;throw e;});})(B);}
`

// drawJS waits for ECharts and for the chart's element, then draws. The
// option literal may refer to echarts (the library) and opt (itself). The
// root gets data-state="rendered" (or "failed") once drawn, and
// data-finished="true" when ECharts has finished its first rendering
// (animations and progressive rendering included), for browser tests.
const drawJS = `function lib(n){if(w.echarts&&w.echarts.init)return Promise.resolve(w.echarts);if(w.__speedupEcharts)return w.__speedupEcharts;
if(n>100)return Promise.reject(new Error("no output of this page carries the library; restart the kernel and run the cells again"));
return new Promise(function(k){setTimeout(k,100);}).then(function(){return lib(n+1);});}
var p=lib(0);
function find(n){var r=document.getElementById(id);if(r)return Promise.resolve(r);if(n>300)return Promise.reject(new Error("element #"+id+" never appeared"));
return new Promise(function(k){setTimeout(k,50);}).then(function(){return find(n+1);});}
function fail(what,e){var r=document.getElementById(id);if(!r)return;var m=r.querySelector(".speedup-error");
if(m){m.textContent="Chart not drawn: "+what+" ("+(e&&e.message||e)+"). The table below has its numbers.";m.style.display="block";}r.setAttribute("data-state","failed");}
p.then(function(echarts){return find(0).then(function(r){try{
var el=r.querySelector(".speedup-canvas");el.style.display="block";
var opt=OPTION;
var ch=echarts.getInstanceByDom(el)||echarts.init(el,null,{renderer:RENDERER,width:WIDTH,height:HEIGHT});
var done=function(){ch.off("finished",done);r.setAttribute("data-finished","true");};ch.on("finished",done);
ch.setOption(opt);var fb=r.querySelector(".speedup-fallback");if(fb)fb.style.display="none";r.setAttribute("data-state","rendered");
}catch(e){fail("ECharts failed to draw it",e);}});},function(e){fail("echarts could not load",e);});
`

// script returns the fragment's JavaScript.
func (c *Chart) script(id string, withBundle bool) string {
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";var w=window,id=\"")
	b.WriteString(id)
	b.WriteString("\";\n")
	if withBundle {
		b.WriteString(strings.Replace(loaderJS, "(B)", "(\""+bundleB64()+"\")", 1))
	}
	option, renderer := c.option, c.renderer
	if option == "" {
		option = "{}"
	}
	if renderer == "" {
		renderer = "canvas"
	}
	r := strings.NewReplacer(
		"OPTION", option,
		"RENDERER", fmt.Sprintf("%q", renderer),
		"WIDTH", fmt.Sprint(c.widthPx()),
		"HEIGHT", fmt.Sprint(c.heightPx()),
	)
	b.WriteString(r.Replace(drawJS))
	b.WriteString("})();")
	return b.String()
}
