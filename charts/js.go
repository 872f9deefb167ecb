package charts

import (
	"embed"
	"strings"
)

// The JavaScript of the fragments, one expression per file:
//
//   - loader.js: a function of (window, base64 of the gzipped bundle) that defines the
//     page-wide promise window.__speedupEcharts;
//   - draw.js: a function of (window, element id, helpers, the kind's files, option, meta,
//     settings) that waits for ECharts and for the element, puts the kind's functions
//     where the option has {"$fn": name, "args": [...]} markers, and draws as wide as the
//     element's container, and again whenever that width changes (ResizeObserver). The
//     root gets data-state="rendered" (or "failed") once drawn, and data-finished="true"
//     when ECharts has finished its first rendering (animations included);
//   - helpers.js: what the functions of every kind share (number format, HTML escaping);
//   - one file per chart kind (times.js, speedup.js, ...): an object whose fn entries make,
//     from a context {echarts, opt, meta, h: helpers, fn, root, chart} and the marker's
//     args, the functions the option names (tooltip formatters, renderItem), with optional
//     prepare (before drawing) and attach (after each drawing: events) entries. A chart may
//     use several files (a timeline with a usage panel: usage.js and timeline.js); their fn
//     entries are merged, the last file's winning, and reachable by each other as c.fn.
//
// The code is constant: what a caller writes reaches a chart only as the option and meta
// JSON, which this code reads as data.
//
//go:embed js/*.js
var jsFS embed.FS

// jsSource returns the expression of js/<name>.js, ending with a newline so that a
// trailing line comment cannot swallow what follows. It panics for a file that does not
// exist, a mistake of this package that any test finds.
func jsSource(name string) string {
	b, err := jsFS.ReadFile("js/" + name + ".js")
	if err != nil {
		panic("charts: no js/" + name + ".js")
	}
	return strings.TrimRight(string(b), "\n") + "\n"
}
