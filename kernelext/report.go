package kernelext

import (
	"fmt"
	"html"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/internal/stats"
)

// Show displays the comparison: in a notebook the table, then the times, speedup and
// timeline charts (with the CPU and memory the run used under the timeline), and what
// [Profile] and [Trace] recorded; elsewhere the plain-text table and summaries (and the
// charts as files, see [Display]).
func (c *Comparison[Out]) Show() {
	var text strings.Builder
	c.writeTable(&text)
	showHTML(c.htmlTable(), text.String())
	Display(c.charts()...)
	c.showTraces()
	c.showProfiles()
}

// tableRow is one row of the comparison's table, formatted.
type tableRow struct {
	strategy, workers, cores, runs, wall, verdict, cpu, speedup, ideal, ofIdeal, peak, alloc, failed string
}

var tableHead = []string{"strategy", "workers", "cores", "runs", "wall (median ± 95% CI)", "vs baseline", "CPU",
	"speedup", "ideal", "of ideal", "peak memory", "allocated per task", "failed"}

func (r tableRow) cells() []string {
	return []string{r.strategy, r.workers, r.cores, r.runs, r.wall, r.verdict, r.cpu, r.speedup, r.ideal, r.ofIdeal, r.peak, r.alloc, r.failed}
}

func (c *Comparison[Out]) tableRows() []tableRow {
	rows := make([]tableRow, 0, len(c.Rows))
	for i, row := range c.Rows {
		s := row.Strategy
		r := tableRow{strategy: s.String(), workers: fmt.Sprint(s.Workers()), cores: fmt.Sprint(s.coreCount()), runs: fmt.Sprint(len(row.Wall)),
			wall: "—", verdict: "—", cpu: "—", speedup: "—", ideal: "—", ofIdeal: "—", peak: "—", alloc: "—", failed: "—"}
		if len(row.Wall) > 0 {
			sp, ideal := c.Speedup(i), c.ideal(i)
			r.wall = formatDuration(row.Wall.Median()) + " ± " + stats.Summarize(row.Wall).RangePercent()
			r.verdict = c.verdict(i).String()
			if i == c.Baseline {
				r.verdict = "baseline"
			}
			r.cpu = formatDuration(row.CPU.Median())
			r.speedup = formatSpeedup(sp)
			r.ideal = formatSpeedup(ideal)
			r.ofIdeal = fmt.Sprintf("%.0f%%", 100*sp/ideal)
		}
		if row.peakRSS > 0 {
			r.peak = formatBytes(float64(row.peakRSS))
		}
		if len(row.perTask) > 0 {
			r.alloc = formatBytes(stats.Median(row.perTask))
		}
		if row.Last != nil {
			r.failed = fmt.Sprintf("%d/%d", row.Last.Failed(), len(row.Last.Results))
		}
		rows = append(rows, r)
	}
	return rows
}

// verdict compares row i's wall times with the baseline's.
func (c *Comparison[Out]) verdict(i int) stats.Comparison {
	return stats.Compare(c.Rows[c.Baseline].Wall, c.Rows[i].Wall)
}

// caption explains the table's columns.
func (c *Comparison[Out]) caption() string {
	return fmt.Sprintf("%s — %d tasks. wall = elapsed time, median of the runs with its 95%% confidence interval; "+
		"vs baseline = change of the median against %s, with the p-value of a Mann-Whitney U test (~ = not significant at 0.05, ? = too few runs to tell); "+
		"CPU = user+system time of this process and its workers; %s; cores = the cores a strategy's tasks may use at once; "+
		"peak memory = resident memory of this process and its workers at its highest; allocated per task = heap bytes, workers included",
		c.Title, c.Inputs, c.Rows[c.Baseline].Strategy, idealRule)
}

// notes are what the reader must know besides the table: run-level errors, failed tasks,
// runs that disagree wildly, too few runs for a verdict.
func (c *Comparison[Out]) notes() []string {
	var out []string
	for _, row := range c.Rows {
		err := row.stopped
		if err == nil && row.Last != nil {
			err = row.Last.Errors()
		}
		if err != nil {
			out = append(out, fmt.Sprintf("%v: %v", row.Strategy, err))
		}
		if w := stats.RunWarning(row.Wall); w != "" {
			out = append(out, fmt.Sprintf("%v: %s", row.Strategy, w))
		}
	}
	if c.note != "" {
		out = append(out, c.note)
	}
	return out
}

func (c *Comparison[Out]) writeTable(w io.Writer) {
	fmt.Fprintln(w, c.caption())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(tableHead, "\t"))
	for _, r := range c.tableRows() {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	tw.Flush()
	for _, n := range c.notes() {
		fmt.Fprintln(w, n)
	}
}

func (c *Comparison[Out]) htmlTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="speedup-table"><caption style="text-align:left">%s</caption><thead><tr>`, html.EscapeString(c.caption()))
	for _, h := range tableHead {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for i, r := range c.tableRows() {
		style := ""
		if i == c.Baseline {
			style = ` style="font-style:italic"`
		}
		fmt.Fprintf(&b, "<tr%s>", style)
		for _, cell := range r.cells() {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(cell))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	for _, n := range c.notes() {
		fmt.Fprintf(&b, `<pre class="speedup-note" style="color:#c0392b;white-space:pre-wrap">%s</pre>`, html.EscapeString(n))
	}
	return b.String()
}

// charts are the comparison's figures: time per strategy with its confidence interval,
// speedup against each strategy's ideal, and the timeline of one row's tasks with the CPU
// and memory used under it.
func (c *Comparison[Out]) charts() []*charts.Chart {
	var timings []charts.Timing
	var bars []charts.SpeedupBar
	for i, row := range c.Rows {
		if len(row.Wall) == 0 {
			continue
		}
		timings = append(timings, charts.Timing{Label: row.Strategy.String(), Wall: estimate(row.Wall), CPU: estimate(row.CPU)})
		sp, ideal := c.Speedup(i), c.ideal(i)
		bar := charts.SpeedupBar{Label: row.Strategy.String(), Speedup: sp, Ideal: ideal, Efficiency: sp / ideal}
		if v := c.verdict(i); i != c.Baseline && v.Decidable() {
			bar.Verdict = charts.WithinNoise
			if v.Significant() {
				bar.Verdict = charts.Significant
			}
		}
		bars = append(bars, bar)
	}
	out := []*charts.Chart{
		charts.Times(fmt.Sprintf("%s: time per strategy (%d tasks)", c.Title, c.Inputs), "median", timings),
		charts.Speedup(fmt.Sprintf("%s: speedup over %s", c.Title, c.Rows[c.Baseline].Strategy), idealRule, bars),
	}
	if row := c.Rows[c.timeline]; row.Last != nil {
		tl := timelineChart(row.Last, fmt.Sprintf("%s: what ran where, %s", c.Title, row.Strategy), c.names)
		if len(row.samples) > 1 {
			tl = tl.WithUsage(float64(row.Strategy.coreCount()), usageSamples(row.samples))
		}
		out = append(out, tl)
	}
	return out
}

// estimate summarizes repeated times for a chart: the median and its 95 % confidence
// interval, or the fastest and slowest runs when there are too few runs for an interval.
func estimate(d Durations) charts.Estimate {
	if len(d) == 0 {
		return charts.Estimate{}
	}
	s := stats.Summarize(d)
	if !s.HasCI() {
		return charts.Estimate{Mid: d.Median().Seconds(), Lo: stats.Min(d).Seconds(), Hi: stats.Max(d).Seconds(), Interval: "min–max", Runs: len(d)}
	}
	return charts.Estimate{Mid: s.Median / 1e9, Lo: s.Lo / 1e9, Hi: s.Hi / 1e9, Interval: "95 % CI", Runs: len(d)}
}

// showTraces displays what Trace recorded: a summary line and the scheduler's lanes per
// strategy.
func (c *Comparison[Out]) showTraces() {
	for _, row := range c.Rows {
		switch {
		case row.traceErr != nil:
			showNote(fmt.Sprintf("%v: no trace: %v", row.Strategy, row.traceErr))
		case row.trace != nil:
			showNote(traceSummary(row.Strategy, row.trace))
			Display(traceChart(fmt.Sprintf("%s: what the scheduler did, %s", c.Title, row.Strategy), row.trace))
		}
	}
}

// showProfiles displays what Profile recorded: per strategy, where the CPU time went, as
// a flame graph from the task's function down, and where the profile was saved.
func (c *Comparison[Out]) showProfiles() {
	for _, row := range c.Rows {
		showProfile(c.Title+" "+row.Strategy.String(), row.prof, row.profErr, c.Inputs*len(row.Wall))
	}
}

// formatSpeedup keeps two decimals, or two significant digits for tiny speedups (a pool
// hundreds of times slower than the loop is not "0.00×").
func formatSpeedup(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.2g×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}
