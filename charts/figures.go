package charts

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func newChart(kind, title string, o option, fallback string) *Chart {
	return &Chart{kind: kind, title: title, option: o.js, spec: o.json, fallback: fallback,
		width: DefaultWidth, height: DefaultHeight, renderer: "canvas"}
}

// Timing is the measured times of one label (a strategy, a worker count):
// seconds, one value per repetition. CPU may be empty.
type Timing struct {
	Label     string
	Wall, CPU []float64
}

// stat summarises one label's repetitions.
type stat struct {
	med, lo, hi float64
	n           int
}

// summarize returns the median, min and max of the finite values of xs
// (NaN for all three if there is none).
func summarize(xs []float64) stat {
	var v []float64
	for _, x := range xs {
		if finite(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return stat{med: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return stat{med: m, lo: v[0], hi: v[len(v)-1], n: len(v)}
}

// errorBarJS draws the min–max whisker of the k-th of n grouped bars; the
// arithmetic is ECharts' bar layout for barCategoryGap 20% and barGap 30%.
const errorBarJS = `function(params,api){var x=api.value(0),lo=api.coord([x,api.value(1)]),hi=api.coord([x,api.value(2)]);
var B=api.size([1,0])[0],bw=0.8*B/(%[2]d+(%[2]d-1)*0.3),cx=lo[0]-0.4*B+bw/2+%[1]d*bw*1.3,c=Math.min(bw/4,8),st={stroke:'#333',lineWidth:1.5};
return {type:'group',children:[{type:'line',shape:{x1:cx,y1:lo[1],x2:cx,y2:hi[1]},style:st},
{type:'line',shape:{x1:cx-c,y1:lo[1],x2:cx+c,y2:lo[1]},style:st},{type:'line',shape:{x1:cx-c,y1:hi[1],x2:cx+c,y2:hi[1]},style:st}]};}`

// timesTooltipJS pairs each bar (median) with its whisker (min, max, runs) by series name.
const timesTooltipJS = `function(ps){` + jsNum + `var e=echarts.format.encodeHTML,m={},o=[];
ps.forEach(function(p){var s=m[p.seriesName]=m[p.seriesName]||{};if(p.seriesType==='bar'){s.v=p.value;s.k=p.marker;o.push(p.seriesName);}else{s.r=p.value;}});
var h='<b>'+e(String(ps.length?ps[0].axisValueLabel:''))+'</b>';
o.forEach(function(n){var s=m[n];h+='<br>'+s.k+e(n)+' median: '+F(s.v)+' s';if(s.r)h+=' (min '+F(s.r[1])+', max '+F(s.r[2])+', '+s.r[3]+' runs)';});
return h;}`

// Times draws, per label, bars of the median wall time and the median CPU
// time, each with a whisker from the minimum to the maximum repetition; the y
// axis is in seconds. The CPU bars are left out when no row has CPU times;
// non-finite values are ignored. The tooltip gives median, min, max and the
// number of runs.
func Times(title string, rows []Timing) *Chart {
	labels := make([]string, len(rows))
	wall, cpu := make([]stat, len(rows)), make([]stat, len(rows))
	hasCPU := false
	for i, r := range rows {
		labels[i] = r.Label
		wall[i], cpu[i] = summarize(r.Wall), summarize(r.CPU)
		hasCPU = hasCPU || cpu[i].n > 0
	}
	groups := []struct {
		name string
		st   []stat
	}{{"wall time", wall}}
	if hasCPU {
		groups = append(groups, struct {
			name string
			st   []stat
		}{"CPU time", cpu})
	}

	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "16"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(timesTooltipJS),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: "seconds", Min: 0, AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	whiskers := ec.NewCustom()
	legend := make([]string, 0, len(groups))
	for k, g := range groups {
		data := make([]opts.BarData, len(g.st))
		var spread []opts.CustomData
		for i, s := range g.st {
			data[i] = opts.BarData{Value: barValue(s.med)}
			if s.n > 0 {
				spread = append(spread, opts.CustomData{Value: []any{i, num(s.lo), num(s.hi), s.n}})
			}
		}
		bar.AddSeries(g.name, data, ec.WithBarChartOpts(opts.BarChart{BarGap: "30%", BarCategoryGap: "20%"}))
		whiskers.AddSeries(g.name, spread,
			ec.WithCustomChartOpts(opts.CustomChart{RenderItem: opts.FuncOpts(fmt.Sprintf(errorBarJS, k, len(groups)))}),
			ec.WithEncodeOpts(opts.Encode{X: 0, Y: []int{1, 2}}),
			ec.WithItemStyleOpts(opts.ItemStyle{Color: "#333"}))
		legend = append(legend, g.name)
	}
	bar.Overlap(whiskers)
	option := optionOf(bar, tweaks{
		// Hiding one group would move the other's bars off their whiskers.
		"legend": map[string]any{"data": legend, "top": 30, "selectedMode": false},
	})

	var tableRows [][]string
	for i, r := range rows {
		row := []string{r.Label, fmtNum(wall[i].med), fmtNum(wall[i].lo), fmtNum(wall[i].hi)}
		if hasCPU {
			row = append(row, fmtNum(cpu[i].med), fmtNum(cpu[i].lo), fmtNum(cpu[i].hi))
		}
		row = append(row, strconv.Itoa(max(wall[i].n, cpu[i].n)))
		tableRows = append(tableRows, row)
	}
	head := []string{"", "wall median (s)", "wall min", "wall max"}
	if hasCPU {
		head = append(head, "CPU median (s)", "CPU min", "CPU max")
	}
	head = append(head, "runs")
	return newChart("times", title, option, table(title, head, tableRows))
}

const speedupLabelJS = `function(p){` + jsNum + `return p.value==null||p.value==='-'?'':F(p.value)+'×';}`

// idealJS draws the ideal speedup as a dashed line across the label's bar.
const idealJS = `function(params,api){var v=api.value(1);if(v==null||isNaN(v))return null;
var c=api.coord([api.value(0),v]),h=Math.min(0.8*api.size([1,0])[0],80)/2+8;
return {type:'line',shape:{x1:c[0]-h,y1:c[1],x2:c[0]+h,y2:c[1]},style:{stroke:'#222',lineWidth:2,lineDash:[6,3]}};}`

const speedupTooltipJS = `function(ps){` + jsNum + `var e=echarts.format.encodeHTML,s,d;
ps.forEach(function(p){if(p.seriesType==='bar')s=p;else if(p.seriesType==='custom')d=p.value;});
var h='<b>'+e(String(ps.length?ps[0].axisValueLabel:''))+'</b>';
if(s)h+='<br>'+s.marker+'speedup: '+F(s.value)+'×';
if(d)h+='<br>ideal: '+F(d[1])+'×<br>parallel efficiency: '+(d[2]==null?'–':F(100*d[2])+' %');
return h;}`

// Speedup draws one bar per label with its speedup (labelled on the bar), the
// ideal speedup of the label as a dashed line across its bar, and a dashed
// "1×" line for no speedup. The tooltip adds the parallel efficiency (given
// as a fraction, shown as a percentage). The slices are matched by index; a
// missing or non-finite value is left out.
func Speedup(title string, labels []string, speedup, efficiency, ideal []float64) *Chart {
	data := make([]opts.BarData, len(labels))
	marks := make([]opts.CustomData, len(labels))
	for i := range labels {
		data[i] = opts.BarData{Value: barValue(at(speedup, i))}
		marks[i] = opts.CustomData{Value: []any{i, num(at(ideal, i)), num(at(efficiency, i))}}
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "16"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(speedupTooltipJS),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: "speedup (×)", Min: 0, AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	bar.AddSeries("speedup", data,
		ec.WithBarChartOpts(opts.BarChart{BarCategoryGap: "20%"}),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.BarMaxWidth = "80" }),
		ec.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top", Formatter: fn(speedupLabelJS)}),
		ec.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "no speedup", YAxis: 1}),
		ec.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: "1×"},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: "#999"},
		}),
	)
	ideals := ec.NewCustom()
	ideals.AddSeries("ideal", marks,
		ec.WithCustomChartOpts(opts.CustomChart{RenderItem: opts.FuncOpts(idealJS)}),
		ec.WithEncodeOpts(opts.Encode{X: 0, Y: 1}),
		ec.WithItemStyleOpts(opts.ItemStyle{Color: "#222"}))
	bar.Overlap(ideals)
	option := optionOf(bar, nil)

	rows := make([][]string, len(labels))
	for i, l := range labels {
		eff := at(efficiency, i) * 100
		rows[i] = []string{l, fmtNum(at(speedup, i)), fmtNum(at(ideal, i)), fmtNum(eff)}
	}
	return newChart("speedup", title, option,
		table(title, []string{"", "speedup (×)", "ideal (×)", "parallel efficiency (%)"}, rows))
}

// Span is one task's run on a lane (a worker, a pid), in seconds from the start of the run.
type Span struct {
	Lane, Task string
	Start, End float64
	Failed     bool
}

// spanJS draws one span as a bar on its lane, at least 1 px wide, clipped to the grid.
const spanJS = `function(params,api){var l=api.value(0),s=api.coord([api.value(1),l]),t=api.coord([api.value(2),l]);
var h=api.size([0,1])[1]*0.7,w=Math.max(t[0]-s[0],1),cs=params.coordSys;
var r=echarts.graphic.clipRectByRect({x:s[0],y:s[1]-h/2,width:w,height:h},{x:cs.x,y:cs.y,width:cs.width,height:cs.height});
return r&&{type:'rect',transition:['shape'],shape:r,style:w>3?api.style({stroke:'#fff',lineWidth:0.5}):api.style({stroke:null})};}`

const spanTooltipJS = `function(p){` + jsNum + `var e=echarts.format.encodeHTML,v=p.value,L=opt.yAxis[0].data;
return '<b>'+e(String(v[3]==null?'':v[3]))+'</b>'+(p.data&&p.data.failed?' <b style=color:#c0392b>failed</b>':'')
+'<br>'+e(String(L[v[0]]))+'<br>'+(+v[1]).toFixed(4)+' → '+(+v[2]).toFixed(4)+' s ('+F(1000*(v[2]-v[1]))+' ms)';}`

// Colors that must stand out from the default palette: failed spans,
// measured points.
const (
	failedColor   = "#d62728"
	measuredColor = "#d62728"
)

// Timeline draws a Gantt chart: one row per lane, in natural order of the
// lane names ("w2" before "w10"), one bar per span, failed spans in red, the
// task's name, lane and times in the tooltip. Zoom in with the mouse wheel or
// the slider. Spans with a non-finite start or end are left out. The data is
// sent compactly (times rounded to 0.1 ms, lanes as indices), so 10,000 spans
// with ten-character task names make a fragment of about 325 KB.
func Timeline(title string, spans []Span) *Chart { return TimelineIn(title, "seconds", spans) }

// TimelineIn is [Timeline] for spans measured in another unit, e.g. "talk minutes":
// the axis, the tooltips and the fallback table name it instead of seconds.
func TimelineIn(title, unit string, spans []Span) *Chart {
	tooltip, short := spanTooltipJS, "s"
	if unit != "seconds" {
		short = unit
		tooltip = strings.Replace(spanTooltipJS, `' s ('+F(1000*(v[2]-v[1]))+' ms)'`, `' '+U+' ('+F(v[2]-v[1])+' '+U+')'`, 1)
		tooltip = strings.Replace(tooltip, "var e=", "var U='"+strings.NewReplacer(`'`, "", `"`, "", `\\`, "").Replace(unit)+"',e=", 1)
	}
	laneIdx := map[string]int{}
	var lanes []string
	for _, s := range spans {
		if _, ok := laneIdx[s.Lane]; !ok {
			laneIdx[s.Lane] = 0
			lanes = append(lanes, s.Lane)
		}
	}
	slices.SortFunc(lanes, naturalCmp)
	for i, l := range lanes {
		laneIdx[l] = i
	}

	type laneStat struct {
		tasks, failed  int
		busy, from, to float64
	}
	stats := make([]laneStat, len(lanes))
	for i := range stats {
		stats[i].from, stats[i].to = math.Inf(1), math.Inf(-1)
	}
	items := make([]any, 0, len(spans))
	for _, s := range spans {
		if !finite(s.Start) || !finite(s.End) {
			continue
		}
		li := laneIdx[s.Lane]
		v := []any{li, sec(s.Start), sec(s.End), s.Task}
		if s.Failed {
			items = append(items, map[string]any{"value": v, "failed": 1, "itemStyle": map[string]string{"color": failedColor}})
		} else {
			items = append(items, v)
		}
		st := &stats[li]
		st.tasks++
		if s.Failed {
			st.failed++
		}
		st.busy += s.End - s.Start
		st.from, st.to = math.Min(st.from, s.Start), math.Max(st.to, s.End)
	}

	c := ec.NewCustom()
	c.SetGlobalOptions(
		titleOpts(title),
		ec.WithAnimation(false),
		// Room at the bottom for the axis name and the zoom slider.
		ec.WithGridOpts(opts.Grid{Left: "24", Right: "40", Top: "40", Bottom: "80", ContainLabel: opts.Bool(true)}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: opts.FuncOpts(tooltip)}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit + " since start", NameLocation: "middle", NameGap: 24, Min: 0, Max: "dataMax",
			// The end of the data or of a zoom window is no round number: its label would crowd the last tick's.
			AxisLabel: &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "category", Data: lanes, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{}, SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}),
		ec.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: 0, FilterMode: "weakFilter"},
			opts.DataZoom{Type: "slider", XAxisIndex: 0, FilterMode: "weakFilter"},
		),
	)
	c.AddSeries("tasks", nil,
		ec.WithCustomChartOpts(opts.CustomChart{RenderItem: opts.FuncOpts(spanJS)}),
		ec.WithEncodeOpts(opts.Encode{X: []int{1, 2}, Y: 0}),
		ec.WithSeriesAnimation(false),
		// Arrays, not {"value": ...} objects: a tenth of the size for 10,000 spans.
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.Data = items }),
	)
	option := optionOf(c, nil)

	rows := make([][]string, 0, len(lanes)+1)
	total := laneStat{from: math.Inf(1), to: math.Inf(-1)}
	for i, l := range lanes {
		st := stats[i]
		total.tasks += st.tasks
		total.failed += st.failed
		total.busy += st.busy
		total.from, total.to = math.Min(total.from, st.from), math.Max(total.to, st.to)
		rows = append(rows, []string{l, strconv.Itoa(st.tasks), strconv.Itoa(st.failed),
			fmtNum(st.busy), fmtNum(st.from), fmtNum(st.to)})
	}
	if len(lanes) > 1 {
		rows = append(rows, []string{"all lanes", strconv.Itoa(total.tasks), strconv.Itoa(total.failed),
			fmtNum(total.busy), fmtNum(total.from), fmtNum(total.to)})
	}
	ch := newChart("timeline", title, option,
		table(title, []string{"lane", "tasks", "failed", "busy (" + short + ")", "first start (" + short + ")", "last end (" + short + ")"}, rows))
	ch.height = min(max(DefaultHeight, 150+22*len(lanes)), 1200)
	return ch
}

// Point is one point of a curve or a measurement.
type Point struct{ X, Y float64 }

// Curve is a named line through points, dashed if Dashed.
type Curve struct {
	Name   string
	Points []Point
	Dashed bool
}

// xyTooltipJS lists each series' value near the pointer, with its own x when it differs.
const xyTooltipJS = `function(ps){` + jsNum + `var e=echarts.format.encodeHTML;if(!ps.length)return '';
var x=ps[0].axisValue,h=e(String(opt.xAxis[0].name||'x'))+' = '+F(x);
ps.forEach(function(p){var v=p.value;if(!v)return;h+='<br>'+p.marker+e(p.seriesName)+': '+F(v[1])+(Math.abs(v[0]-x)>1e-9*Math.max(1,Math.abs(x))?' (at '+F(v[0])+')':'');});
return h;}`

// drawable tells which points an x/y chart with these axis types can draw:
// finite, and positive on a log axis.
func drawable(xType, yType string) func(Point) bool {
	return func(p Point) bool {
		return finite(p.X) && finite(p.Y) && (xType != "log" || p.X > 0) && (yType != "log" || p.Y > 0)
	}
}

// xyChart draws curves as lines and, if any, measured points as a scatter on top.
func xyChart(title, xName, yName string, measured []Point, curves []Curve, xType, yType string) option {
	line := ec.NewLine()
	axisMin := func(t string) any {
		if t == "log" {
			return nil
		}
		return 0
	}
	line.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "40"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(xyTooltipJS)}),
		ec.WithXAxisOpts(opts.XAxis{Type: xType, Name: xName, NameLocation: "middle", NameGap: 26, Min: axisMin(xType),
			AxisLabel: &opts.AxisLabel{}}),
		ec.WithYAxisOpts(opts.YAxis{Type: yType, Name: yName, Min: axisMin(yType), AxisLabel: &opts.AxisLabel{}}),
	)
	keep := drawable(xType, yType)
	for _, c := range curves {
		var data []opts.LineData
		for _, p := range c.Points {
			if keep(p) {
				data = append(data, opts.LineData{Value: []any{num(p.X), num(p.Y)}})
			}
		}
		style := &opts.LineStyle{Width: 2}
		if c.Dashed {
			style.Type = "dashed"
		}
		line.AddSeries(c.Name, data,
			ec.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Symbol: "circle"}),
			ec.WithLineStyleOpts(*style))
	}
	if len(measured) > 0 {
		var data []opts.ScatterData
		for _, p := range measured {
			if keep(p) {
				data = append(data, opts.ScatterData{Value: []any{num(p.X), num(p.Y)}})
			}
		}
		sc := ec.NewScatter()
		sc.AddSeries("measured", data, ec.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 11}),
			ec.WithItemStyleOpts(opts.ItemStyle{Color: measuredColor, BorderColor: "#fff", BorderWidth: 1}))
		line.Overlap(sc)
	}
	return optionOf(line, nil)
}

// Scaling draws measured points (a scatter, named "measured") over curves
// (lines), x being a number of workers and y a speedup: e.g. the measured
// speedups over the fitted Amdahl curve and the ideal y = x (Dashed). Both
// axes start at 0; non-finite points are left out.
func Scaling(title string, measured []Point, curves ...Curve) *Chart {
	option := xyChart(title, "workers", "speedup (×)", measured, curves, "value", "value")
	return newChart("scaling", title, option, curveTable(title, "workers", measured, curves, drawable("value", "value")))
}

const barsTooltipJS = `function(ps){` + jsNum + `var e=echarts.format.encodeHTML,u=opt.yAxis[0].name||'';
return ps.map(function(p){return p.marker+e(String(p.name))+': '+F(p.value)+' '+e(u);}).join('<br>');}`

// labelRotation slants category labels (degrees) when, at about 7 px a character, the
// longest would not fit in its share of the default width.
func labelRotation(labels []string) float64 {
	longest := 0
	for _, l := range labels {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	if longest*7 > (DefaultWidth-120)/max(len(labels), 1) {
		return 20
	}
	return 0
}

// jsSafe drops the characters a JavaScript string in a go-echarts function may not hold.
func jsSafe(s string) string {
	return strings.NewReplacer(`'`, "", `"`, "", `\`, "", "\n", " ").Replace(s)
}

// Bars draws one simple bar chart, one bar per label with its value on top,
// unit in the y axis name (e.g. the talk's breakfast: 9 vs 5 minutes).
func Bars(title, unit string, labels []string, values []float64) *Chart {
	data := make([]opts.BarData, len(labels))
	for i := range labels {
		data[i] = opts.BarData{Value: barValue(at(values, i))}
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(
		titleOpts(title), gridOpts("48", "40"),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(barsTooltipJS),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		// Every label shown, slanted when they would not fit side by side.
		ec.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: labelRotation(labels)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Min: 0, AxisLabel: &opts.AxisLabel{}}),
	)
	bar.SetXAxis(labels)
	// Values on the bars with four significant digits and the unit.
	label := string(opts.FuncOpts(`function(p){` + jsNum + `return F(p.value)+'` + jsSafe(" "+unit) + `';}`))
	bar.AddSeries(title, data,
		ec.WithBarChartOpts(opts.BarChart{ColorBy: "data", BarCategoryGap: "30%"}),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.BarMaxWidth = "120" }),
		ec.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top", Formatter: label}))
	option := optionOf(bar, nil)

	head := []string{"", "value"}
	if unit != "" {
		head[1] = unit
	}
	rows := make([][]string, len(labels))
	for i, l := range labels {
		rows[i] = []string{l, fmtNum(at(values, i))}
	}
	return newChart("bars", title, option, table(title, head, rows))
}

// Lines draws a generic chart of curves with named axes, e.g. Amdahl's law
// for several serial fractions. With logX or logY that axis is logarithmic
// (points with a value ≤ 0 on it are left out); linear axes start at 0.
func Lines(title, xName, yName string, curves []Curve, logX, logY bool) *Chart {
	xType, yType := "value", "value"
	if logX {
		xType = "log"
	}
	if logY {
		yType = "log"
	}
	option := xyChart(title, xName, yName, nil, curves, xType, yType)
	return newChart("lines", title, option, curveTable(title, xName, nil, curves, drawable(xType, yType)))
}

// naturalCmp orders strings with their digit runs compared as numbers, so
// that "worker 2" comes before "worker 10"; ties ("w01", "w1") go by bytes.
func naturalCmp(a, b string) int {
	if c := naturalCmpRuns(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func naturalCmpRuns(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da > 0 && db > 0 {
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmpInt(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return cmpInt(len(a), len(b))
}

func digitsPrefix(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
