package charts

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// echartsChart is what the go-echarts chart types have in common here.
type echartsChart interface {
	Validate()
	JSON() map[string]any
}

// optionOf returns the go-echarts chart's ECharts option as a tree of maps, slices, strings,
// json.Numbers and bools, for the constructors to add what go-echarts has no field for (with
// set) before it is encoded as JSON. What go-echarts always writes and ECharts has as its
// defaults is dropped: the empty toolbox, the default palette, null fields.
func optionOf(c echartsChart) map[string]any {
	c.Validate()
	raw, err := json.Marshal(c.JSON())
	if err != nil {
		panic("charts: go-echarts option: " + err.Error()) // only finite numbers are ever given
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		panic("charts: go-echarts option: " + err.Error())
	}
	delete(tree, "toolbox")
	delete(tree, "color")
	dropNulls(tree)
	return tree
}

// dropNulls deletes the null fields of the objects in v (not the nulls of arrays: a
// missing number in a data item).
func dropNulls(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == nil {
				delete(v, k)
			} else {
				dropNulls(x)
			}
		}
	case []any:
		for _, x := range v {
			dropNulls(x)
		}
	}
}

// set puts v at path in an option tree: keys separated by dots, numbers indexing arrays
// ("series.1.renderItem"). Missing objects on the way are made; a path through something
// else (a missing array element, a string) is a mistake of this package, and panics.
func set(tree map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	var node any = tree
	for i, k := range keys {
		last := i == len(keys)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				n[k] = v
				return
			}
			if n[k] == nil {
				n[k] = map[string]any{}
			}
			node = n[k]
		case []any:
			j, err := strconv.Atoi(k)
			if err != nil || j < 0 || j >= len(n) {
				panic("charts: no " + path + " in the option")
			}
			if last {
				n[j] = v
				return
			}
			node = n[j]
		default:
			panic("charts: no " + path + " in the option")
		}
	}
}

// get returns what is at path in an option tree (as for set), nil if nothing is.
func get(tree map[string]any, path string) any {
	var node any = tree
	for _, k := range strings.Split(path, ".") {
		switch n := node.(type) {
		case map[string]any:
			node = n[k]
		case []any:
			j, err := strconv.Atoi(k)
			if err != nil || j < 0 || j >= len(n) {
				return nil
			}
			node = n[j]
		default:
			return nil
		}
	}
	return node
}

// fnRef stands, in an option, for the function named name of the chart's kind (its entry
// in js/<kind>.js), made with args; the drawing runtime replaces it by that function.
func fnRef(name string, args ...any) map[string]any {
	if len(args) == 0 {
		return map[string]any{"$fn": name}
	}
	return map[string]any{"$fn": name, "args": args}
}

// withTooltip makes the kind's "tooltip" function format the chart's tooltips, in an
// element of class speedup-tooltip.
func withTooltip(o map[string]any) {
	set(o, "tooltip.formatter", fnRef("tooltip"))
	set(o, "tooltip.className", "speedup-tooltip")
}

// common options of every chart.
func titleOpts(title string) ec.GlobalOpts {
	return ec.WithTitleOpts(opts.Title{Title: title, Left: "center", Top: "4"})
}

func legendOpts() ec.GlobalOpts {
	return ec.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "30", Type: "scroll"})
}

// gridOpts leaves top pixels for the title and legend, bottom pixels for an x axis name
// (labels are contained in the grid).
func gridOpts(top, bottom string) ec.GlobalOpts {
	return ec.WithGridOpts(opts.Grid{Left: "40", Right: "40", Top: top, Bottom: bottom, ContainLabel: opts.Bool(true)})
}
