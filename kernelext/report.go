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
// timeline charts; elsewhere the plain-text table (and the charts as files, see
// [Display]).
func (c *Comparison[Out]) Show() {
	var text strings.Builder
	c.writeTable(&text)
	showHTML(c.htmlTable(), text.String())
	Display(c.charts()...)
}

// tableRow is one row of the comparison's table, formatted.
type tableRow struct {
	strategy, workers, cores, runs, wall, verdict, cpu, speedup, ideal, ofIdeal, failed string
}

var tableHead = []string{"strategy", "workers", "cores", "runs", "wall (median ± 95% CI)", "vs baseline", "CPU", "speedup", "ideal", "of ideal", "failed"}

func (r tableRow) cells() []string {
	return []string{r.strategy, r.workers, r.cores, r.runs, r.wall, r.verdict, r.cpu, r.speedup, r.ideal, r.ofIdeal, r.failed}
}

func (c *Comparison[Out]) tableRows() []tableRow {
	rows := make([]tableRow, 0, len(c.Rows))
	base := c.Rows[c.Baseline].Wall
	for i, row := range c.Rows {
		s := row.Strategy
		r := tableRow{strategy: s.String(), workers: fmt.Sprint(s.Workers()), cores: fmt.Sprint(s.Cores()), runs: fmt.Sprint(len(row.Wall)),
			wall: "—", verdict: "—", cpu: "—", speedup: "—", ideal: "—", ofIdeal: "—", failed: "—"}
		if len(row.Wall) > 0 {
			sp, ideal := c.Speedup(i), c.ideal(i)
			r.wall = formatDuration(row.Wall.Median()) + " ± " + stats.Summarize(row.Wall).RangePercent()
			if i == c.Baseline {
				r.verdict = "baseline"
			} else {
				r.verdict = stats.Compare(base, row.Wall).String()
			}
			r.cpu = formatDuration(row.CPU.Median())
			r.speedup = formatSpeedup(sp)
			r.ideal = formatSpeedup(ideal)
			r.ofIdeal = fmt.Sprintf("%.0f%%", 100*sp/ideal)
		}
		if row.Last != nil {
			r.failed = fmt.Sprintf("%d/%d", row.Last.Failed(), len(row.Last.Results))
		}
		rows = append(rows, r)
	}
	return rows
}

// caption explains the table's columns.
func (c *Comparison[Out]) caption() string {
	return fmt.Sprintf("%s — %d tasks. wall = elapsed time, median of the runs with its 95%% confidence interval; "+
		"vs baseline = change of the median against %s, with the p-value of a Mann-Whitney U test (~ = not significant at 0.05, ? = too few runs to tell); "+
		"CPU = user+system time of this process and its workers; %s; cores = the cores a strategy's tasks may use at once",
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

// charts are the comparison's figures: time per strategy with spread, speedup against
// each strategy's ideal, and the timeline of one row's tasks.
func (c *Comparison[Out]) charts() []*charts.Chart {
	var timings []charts.Timing
	var labels []string
	var speedup, ofIdeal, ideal []float64
	for i, row := range c.Rows {
		if len(row.Wall) == 0 {
			continue
		}
		timings = append(timings, charts.Timing{Label: row.Strategy.String(), Wall: stats.Seconds(row.Wall), CPU: stats.Seconds(row.CPU)})
		labels = append(labels, row.Strategy.String())
		speedup = append(speedup, c.Speedup(i))
		ideal = append(ideal, c.ideal(i))
		ofIdeal = append(ofIdeal, c.Speedup(i)/c.ideal(i))
	}
	out := []*charts.Chart{
		charts.Times(fmt.Sprintf("%s: time per strategy (%d tasks)", c.Title, c.Inputs), timings),
		charts.Speedup(fmt.Sprintf("%s: speedup over %s", c.Title, c.Rows[c.Baseline].Strategy), labels, speedup, ofIdeal, ideal),
	}
	if row := c.Rows[c.timeline]; row.Last != nil {
		out = append(out, timelineChart(row.Last, fmt.Sprintf("%s: what ran where, %s", c.Title, row.Strategy), c.names))
	}
	return out
}

// formatSpeedup keeps two decimals, or two significant digits for tiny speedups (a pool
// hundreds of times slower than the loop is not "0.00×").
func formatSpeedup(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.2g×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}
