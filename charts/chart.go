// Package charts draws the figures of the speedup notebooks (times, speedup, timelines,
// scaling curves, flame graphs, scheduler lanes, resource use) with go-echarts, as HTML
// fragments for a notebook output and as standalone pages that render with no network,
// ECharts itself being embedded in the package.
//
// It knows nothing about timing or strategies: every constructor draws the plain numbers and
// words it is given, and shows them as written. What a caller writes (a title, a label, a unit)
// reaches the page only as JSON data or HTML-escaped text, never as code; each chart also
// carries a static table of its numbers for where scripts do not run.
package charts

// DefaultHeight is the height of a chart, in CSS pixels, unless its kind needs more (a
// timeline of many lanes) or [Chart.WithSize] says otherwise. Charts are as wide as the
// element that holds them (a notebook cell's output, a page's body), at least MinWidth, and
// follow its width when it changes.
const DefaultHeight = 420

// MinWidth is the narrowest a chart gets, in CSS pixels: in a narrower container it
// overflows (and the output area scrolls) rather than squeezing its labels together.
const MinWidth = 360

// Chart is one figure, made by one of the constructors (Times, Speedup, Timeline, Scaling,
// Bars, Lines, Flame, States, Usage); a zero Chart renders as an empty chart.
type Chart struct {
	kind     string         // data-kind of the fragment: times, speedup, timeline, ...
	title    string         // data-title of the fragment
	option   map[string]any // the ECharts option; {"$fn": ...} objects stand for functions
	meta     map[string]any // what the kind's functions read besides the option (units, names)
	libs     []string       // the files of js/ holding the kind's functions
	fallback string         // <table class="speedup-fallback"> with the chart's numbers
	width    int            // CSS pixels; 0: the container's width
	height   int            // CSS pixels
	renderer string         // "canvas" or "svg"
}

// newChart makes a chart of the given kind, drawn with the functions of js/<lib>.js.
func newChart(kind, lib, title string, o map[string]any, meta map[string]any, fallback string) *Chart {
	return &Chart{kind: kind, title: title, option: o, meta: meta, libs: []string{lib}, fallback: fallback,
		height: DefaultHeight, renderer: "canvas"}
}

// Title returns the chart's title.
func (c *Chart) Title() string { return c.title }

// Kind returns what the chart draws: "times", "speedup", "timeline", "scaling", "bars",
// "lines", "flame", "states" or "usage", as in the fragment's data-kind attribute.
func (c *Chart) Kind() string { return c.kind }

// WithSize fixes the chart's size in CSS pixels (values below 100 are raised to 100) and
// returns the chart; a width of 0 keeps the container's width.
func (c *Chart) WithSize(width, height int) *Chart {
	if width != 0 {
		width = max(width, 100)
	}
	c.width, c.height = width, max(height, 100)
	return c
}

// WithSVG makes the chart render as SVG instead of on a canvas, and returns the chart. SVG
// keeps every mark and text in the DOM: sharper when printed or zoomed, heavier for a
// timeline of thousands of spans.
func (c *Chart) WithSVG() *Chart {
	c.renderer = "svg"
	return c
}

func (c *Chart) heightPx() int {
	if c.height <= 0 {
		return DefaultHeight
	}
	return c.height
}
