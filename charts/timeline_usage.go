package charts

import (
	"strconv"
	"unicode/utf8"
)

// Heights of a timeline's resource-use panel and of what goes under it, in CSS pixels.
const (
	usagePanelHeight = 150
	usageBelow       = 80 // x axis labels and name, zoom slider
)

// WithUsage adds, under a timeline, a panel of the resources the run used (as [Usage]
// draws them, sample times in the timeline's unit) sharing the timeline's time axis and
// zoom, and returns the chart; the fallback gains a table of resource use. On other kinds
// of chart, or on a timeline that has its panel already, it does nothing.
func (c *Chart) WithUsage(cores float64, samples []UsageSample) *Chart {
	if c.kind != "timeline" || c.meta["cores"] != nil {
		return c
	}
	unit, _ := c.meta["unit"].(string)
	samples = usable(samples)
	u := usageOption("", unit, cores, samples)
	top := c.heightPx()
	c.height = top + usagePanelHeight + usageBelow + 20
	o := c.option

	// Both grids as wide as each other, so that their time axes line up: room on the
	// left for the lane names, which are cut to fit.
	left := min(max(7*longestName(get(o, "yAxis.0.data"))+20, 60), 240)
	set(o, "grid", []any{
		map[string]any{"left": left, "right": 64, "top": 40, "height": top - 80},
		map[string]any{"left": left, "right": 64, "top": top + 20, "height": usagePanelHeight},
	})
	set(o, "yAxis.0.axisLabel.width", left-16)
	set(o, "yAxis.0.axisLabel.overflow", "truncate")

	// One time axis per grid, with the same range; the panel's shows a tooltip of
	// resource use wherever the pointer is.
	end, _ := c.meta["end"].(float64)
	for _, s := range samples {
		end = max(end, s.T)
	}
	set(o, "xAxis.0.max", sec(end))
	set(o, "xAxis.0.name", "")
	set(u, "xAxis.0.gridIndex", 1)
	set(u, "xAxis.0.max", sec(end))
	set(u, "xAxis.0.axisPointer", map[string]any{"show": true, "triggerTooltip": true, "snap": false, "label": map[string]any{"show": false}})
	for i := range get(u, "yAxis").([]any) {
		set(u, "yAxis."+strconv.Itoa(i)+".gridIndex", 1)
		set(u, "yAxis."+strconv.Itoa(i)+".nameLocation", "middle")
		set(u, "yAxis."+strconv.Itoa(i)+".nameGap", 36)
	}
	for i := range get(u, "series").([]any) { // CPU on the panel's first y axis, memory on its second
		set(u, "series."+strconv.Itoa(i)+".xAxisIndex", 1)
		set(u, "series."+strconv.Itoa(i)+".yAxisIndex", 1+i)
	}
	for _, key := range []string{"xAxis", "yAxis", "series"} {
		o[key] = append(o[key].([]any), u[key].([]any)...)
	}
	for i := range get(o, "dataZoom").([]any) {
		set(o, "dataZoom."+strconv.Itoa(i)+".xAxisIndex", []any{0, 1})
	}
	set(o, "legend", map[string]any{"show": true, "top": top - 6, "data": []any{cpuSeries, rssSeries}})

	c.meta["cores"] = num(cores)
	c.libs = []string{"usage", "timeline"}
	c.fallback += usageTable(c.title, unit, samples)
	return c
}

// longestName is the length of the longest of the category names, in characters.
func longestName(data any) int {
	n := 0
	names, _ := data.([]any)
	for _, s := range names {
		if s, ok := s.(string); ok {
			n = max(n, utf8.RuneCountInString(s))
		}
	}
	return n
}
