package charts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// HTML returns a self-contained fragment for a notebook output (GoNB's
// gonbui.DisplayHTML): a <div class="speedup-chart"> holding the chart's element, a static
// <table class="speedup-fallback"> with its numbers, and a script that draws the chart as
// wide as the output (following its width as it changes) and then hides the table.
//
// The first fragment returned in a process also carries ECharts (about 275 KB of
// base64-encoded gzip, unpacked in the browser with DecompressionStream); later ones wait
// for it through the page-wide promise window.__speedupEcharts, or use window.echarts if
// the page already has it. Where scripts do not run (GitHub, an untrusted notebook) the
// table is what shows; if ECharts cannot load, the fragment says why above the table. Each
// call uses new element ids, so the same chart may be displayed more than once. Once drawn,
// the root div has data-state="rendered" (or "failed"), then data-finished="true".
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

// Element ids must be unique in a notebook page that keeps the outputs of earlier
// processes (kernel restarts), hence a random per-process prefix.
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

// fragment renders the chart's HTML, with the bundle if withBundle.
func (c *Chart) fragment(withBundle bool) string {
	id := newID()
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="speedup-chart" id="%s" data-kind="%s" data-title="%s">`,
		id, html.EscapeString(c.kind), html.EscapeString(c.title))
	b.WriteString("\n")
	fmt.Fprintf(&b, `<div class="speedup-canvas" style="display:none;%s"></div>`, c.boxStyle())
	b.WriteString("\n")
	b.WriteString(`<div class="speedup-error" style="display:none;color:#a1111b;border:1px solid #a1111b;padding:4px 8px;margin:4px 0"></div>`)
	b.WriteString("\n")
	b.WriteString(c.fallback)
	b.WriteString("\n<script>\n")
	b.WriteString(c.script(id, withBundle))
	b.WriteString("\n</script>\n</div>")
	return b.String()
}

// boxStyle sizes the chart's element: the container's width (at least MinWidth) unless
// the chart has a fixed one, and the chart's height.
func (c *Chart) boxStyle() string {
	w := fmt.Sprintf("width:100%%;min-width:%dpx", MinWidth)
	if c.width > 0 {
		w = fmt.Sprintf("width:%dpx", c.width)
	}
	return fmt.Sprintf("%s;height:%dpx", w, c.heightPx())
}

// script returns the fragment's JavaScript: the constant code of js/ (the bundle's loader,
// the drawing runtime, the helpers and the functions of the chart's kind) called with the
// chart's data as JSON. What a caller wrote reaches the script only inside that JSON,
// which escapes <, > and & (so no "</script" or "<!--" can appear).
func (c *Chart) script(id string, withBundle bool) string {
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";var w=window;\n")
	if withBundle {
		b.WriteString("(" + jsSource("loader") + ")(w," + strconv.Quote(bundleB64()) + ");\n")
	}
	renderer := c.renderer
	if renderer == "" {
		renderer = "canvas"
	}
	b.WriteString("(" + jsSource("draw") + ")(w,")
	b.WriteString(jsonJS(id) + ",\n")
	b.WriteString("(" + jsSource("helpers") + "),\n[")
	for i, lib := range c.libs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(" + jsSource(lib) + ")")
	}
	b.WriteString("],\n")
	b.WriteString(jsonJS(orEmpty(c.option)) + ",\n")
	b.WriteString(jsonJS(orEmpty(c.meta)) + ",\n")
	b.WriteString(jsonJS(map[string]any{"renderer": renderer}) + ");\n})();")
	return b.String()
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// jsonJS encodes v as JSON, which is also a JavaScript expression, with <, >, & and the
// line separators U+2028 and U+2029 escaped; null if v cannot be encoded (the drawing
// runtime then reports a broken chart).
func jsonJS(v any) string {
	s, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(s)
}
