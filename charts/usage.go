package charts

import (
	"cmp"
	"slices"
	"strconv"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// UsageSample is the resources a run used at one moment.
type UsageSample struct {
	T        float64 // time since the start of the run: seconds (a timeline's unit, under a timeline)
	CPUCores float64 // CPU in use, in cores: CPU seconds per second of the process and its workers
	RSSBytes float64 // resident memory of the process and its workers, in bytes
}

// maxUsageSamples bounds what a chart sends: more samples are evenly thinned out.
const maxUsageSamples = 4000

// Usage draws resource use over a run: the CPU in use, in cores, against a dashed line at
// the number of cores the machine has, and the resident memory in MB on a second axis.
// Samples with a non-finite time are left out, as are non-finite values.
func Usage(title string, cores float64, samples []UsageSample) *Chart {
	samples = usable(samples)
	return newChart("usage", "usage", title, usageOption(title, "seconds", cores, samples),
		map[string]any{"unit": "seconds", "cores": num(cores)}, usageTable(title, "seconds", samples))
}

// usable returns the samples with a finite time, in time order, at most maxUsageSamples.
func usable(samples []UsageSample) []UsageSample {
	samples = slices.DeleteFunc(slices.Clone(samples), func(s UsageSample) bool { return !finite(s.T) })
	slices.SortStableFunc(samples, func(a, b UsageSample) int { return cmp.Compare(a.T, b.T) })
	return sample(samples, maxUsageSamples)
}

// Series of a usage chart, the same alone or under a timeline.
const (
	cpuSeries = "CPU in use (cores)"
	rssSeries = "resident memory (MB)"
	cpuColor  = "#3ba272"
	rssColor  = "#fc8452"
)

func usageOption(title, unit string, cores float64, samples []UsageSample) map[string]any {
	cpu, rss := make([]opts.LineData, len(samples)), make([]opts.LineData, len(samples))
	peak := cores
	for i, s := range samples {
		cpu[i] = opts.LineData{Value: []any{num(s.T), num(s.CPUCores)}}
		rss[i] = opts.LineData{Value: []any{num(s.T), num(s.RSSBytes / 1e6)}}
		if finite(s.CPUCores) {
			peak = max(peak, s.CPUCores)
		}
	}
	line := ec.NewLine()
	line.SetGlobalOptions(
		titleOpts(title), legendOpts(), gridOpts("64", "40"),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit + " since start", NameLocation: "middle", NameGap: 26,
			Min: 0, Max: "dataMax", AxisLabel: &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Name: "cores", Min: 0, Max: num(niceCeil(peak * 1.1)), AxisLabel: &opts.AxisLabel{}}),
	)
	line.ExtendYAxis(opts.YAxis{Type: "value", Name: "MB", Min: 0, Position: "right", SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	coresLine := []ec.SeriesOpts{}
	if finite(cores) && cores > 0 {
		coresLine = append(coresLine,
			ec.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "cores", YAxis: num(cores)}),
			ec.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: fmtNum(cores) + " cores"},
				LineStyle: &opts.LineStyle{Type: "dashed", Color: "#555", Width: 1.5},
			}))
	}
	line.AddSeries(cpuSeries, cpu, append(coresLine,
		ec.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Symbol: "circle"}),
		ec.WithItemStyleOpts(opts.ItemStyle{Color: cpuColor}),
		ec.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)}))...)
	line.AddSeries(rssSeries, rss,
		ec.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Symbol: "circle", YAxisIndex: 1}),
		ec.WithItemStyleOpts(opts.ItemStyle{Color: rssColor}))
	o := optionOf(line)
	withTooltip(o)
	set(o, "tooltip.formatter", fnRef("usageTooltip"))
	return o
}

// usageTable is the fallback of resource use: the mean and the peak, then up to twelve
// evenly spread samples.
func usageTable(title, unit string, samples []UsageSample) string {
	var sumCPU, peakCPU, sumRSS, peakRSS float64
	n := 0
	for _, s := range samples {
		if finite(s.CPUCores) && finite(s.RSSBytes) {
			n++
			sumCPU, sumRSS = sumCPU+s.CPUCores, sumRSS+s.RSSBytes
			peakCPU, peakRSS = max(peakCPU, s.CPUCores), max(peakRSS, s.RSSBytes)
		}
	}
	var rows [][]string
	if n > 0 {
		rows = append(rows,
			[]string{"mean", fmtNum(sumCPU / float64(n)), fmtNum(sumRSS / float64(n) / 1e6)},
			[]string{"peak", fmtNum(peakCPU), fmtNum(peakRSS / 1e6)})
	}
	for _, s := range sample(samples, 12) {
		rows = append(rows, []string{"at " + fmtNum(s.T), fmtNum(s.CPUCores), fmtNum(s.RSSBytes / 1e6)})
	}
	return table(title+": resource use ("+strconv.Itoa(len(samples))+" samples, times in "+unit+")",
		[]string{"", "CPU in use (cores)", "resident memory (MB)"}, rows)
}
