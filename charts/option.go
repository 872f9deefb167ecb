package charts

import (
	"encoding/json"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// echartsChart is what the go-echarts chart types have in common here.
type echartsChart interface {
	Validate()
	JSONNotEscaped() template.HTML
	Accept(ec.ConfigurationVisitor)
}

// tweaks is a go-echarts configuration visitor that sets the few top-level
// option keys go-echarts has no field for, and drops the empty toolbox.
type tweaks map[string]any

func (t tweaks) visitor() ec.ConfigurationVisitor { return tweakVisitor{t: t} }

type tweakVisitor struct {
	ec.BaseConfigurationVisitor
	t tweaks
}

func (v tweakVisitor) Visit(m map[string]any) {
	delete(m, "toolbox")
	for k, x := range v.t {
		m[k] = x
	}
}

// funcMarkers are the quotes go-echarts puts around opts.FuncOpts code; its
// renderer strips them the same way.
var funcMarkers = regexp.MustCompile(`(__f__")|("__f__)|(__f__)`)

// option is a chart's ECharts option, rendered by go-echarts.
type option struct {
	js   string // JavaScript object literal, safe inside an inline <script>
	json string // the same as JSON, functions as "__f__...__f__" strings (for tests)
}

// optionOf renders the go-echarts chart's option.
func optionOf(c echartsChart, t tweaks) option {
	c.Accept(t.visitor())
	c.Validate()
	raw := strings.TrimSpace(string(c.JSONNotEscaped()))
	s := funcMarkers.ReplaceAllString(raw, "")
	// "</script" or "<!--" in a title must not end or confuse the script
	// element; "<\/" is the same string in JavaScript.
	s = strings.ReplaceAll(s, "</", `<\/`)
	s = strings.ReplaceAll(s, "<!--", `<\!--`)
	return option{js: s, json: raw}
}

// fn embeds JavaScript code in an option. The code must not contain double
// quotes, backslashes or // comments (go-echarts JSON-encodes it, then strips
// the quotes). It may use echarts (the library) and opt (the whole option).
func fn(code string) string { return string(opts.FuncOpts(code)) }

// num is a number in an option: six significant digits, null if not finite.
func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return json.Number(strconv.FormatFloat(x, 'g', 6, 64))
}

// sec is a time in seconds in an option: rounded to 0.1 ms.
func sec(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	r := math.Round(x*1e4) / 1e4
	if r == 0 {
		r = 0 // no -0
	}
	return json.Number(strconv.FormatFloat(r, 'f', -1, 64))
}

// barValue is a bar's value: "-" (no bar) if not finite.
func barValue(x float64) any {
	if v := num(x); v != nil {
		return v
	}
	return "-"
}

// fmtNum formats a number for a fallback table: four significant digits,
// no exponent below 10,000, "–" if not finite.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "–"
	case math.Abs(x) >= 1e4:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// jsNum is the JavaScript counterpart of fmtNum for tooltips.
const jsNum = `function F(v){return v==null||v==='-'||isNaN(v)?'–':String(+(+v).toPrecision(4));}`

// at returns xs[i], or NaN past its end.
func at(xs []float64, i int) float64 {
	if i < len(xs) {
		return xs[i]
	}
	return math.NaN()
}

// common options of every chart.
func titleOpts(title string) ec.GlobalOpts {
	return ec.WithTitleOpts(opts.Title{Title: title, Left: "center", Top: "4"})
}

func legendOpts() ec.GlobalOpts {
	return ec.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "30"})
}

// gridOpts leaves top pixels for the title and legend, bottom pixels for an
// x axis name (labels are contained in the grid).
func gridOpts(top, bottom string) ec.GlobalOpts {
	return ec.WithGridOpts(opts.Grid{Left: "40", Right: "40", Top: top, Bottom: bottom, ContainLabel: opts.Bool(true)})
}
