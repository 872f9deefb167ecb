package kernelext

import (
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"text/tabwriter"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/speedup-go/speedup/charts"
)

// envChartsDir names a folder where, outside a notebook, [Display] writes each chart as
// an offline HTML page.
const envChartsDir = "SPEEDUP_CHARTS_DIR"

// Display shows charts: inline in a notebook; elsewhere, when $SPEEDUP_CHARTS_DIR is set,
// as offline HTML pages in that folder (one per chart, named after its title), else not at
// all, so that notebook code runs unchanged in tests and programs.
func Display(cs ...*charts.Chart) {
	if gonbui.IsNotebook {
		var b strings.Builder
		for i, c := range cs {
			b.WriteString(c.Fragment(i == 0 && sessionNeedsBundle()))
		}
		gonbui.DisplayHTML(b.String())
		gonbui.Sync()
		return
	}
	dir := os.Getenv(envChartsDir)
	if dir == "" {
		return
	}
	for _, c := range cs {
		path := filepath.Join(dir, slug(c.Title())+".html")
		if err := writeChartPage(path, c); err != nil {
			fmt.Fprintf(os.Stderr, "kernelext: writing chart %q: %v\n", c.Title(), err)
		}
	}
}

func writeChartPage(path string, c *charts.Chart) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := charts.WritePage(f, c.Title(), c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sessionNeedsBundle reports whether this chart output must carry the ECharts library:
// once per kernel session, not once per cell, so that a saved notebook holds one copy
// (about 270 KB) however many cells draw charts. GoNB runs every cell as a new process but
// keeps $GONB_TMP_DIR for the kernel's life, so a marker file there remembers it; a kernel
// restart starts a new folder, and the next chart carries the library again.
func sessionNeedsBundle() bool {
	if bundleSent.Swap(true) {
		return false
	}
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return true
	}
	f, err := os.OpenFile(filepath.Join(dir, "speedup-"+charts.BundleVersion), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		// Already sent in this session, or we cannot tell: then better send it again.
		return !errors.Is(err, fs.ErrExist)
	}
	f.Close()
	return true
}

var bundleSent atomic.Bool

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "chart"
	}
	return s
}

// Markdown shows markdown text: rendered in a notebook, printed as is elsewhere.
func Markdown(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if gonbui.IsNotebook {
		gonbui.DisplayMarkdown(text)
		gonbui.Sync()
		return
	}
	fmt.Println(text)
}

// Show displays the comparison: the table, then the times, speedup and timeline charts
// in a notebook; the plain-text table elsewhere (and the charts as files, see [Display]).
func (c *Comparison[Out]) Show() {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(c.HTMLTable())
	} else {
		c.WriteTable(os.Stdout)
	}
	Display(c.Charts()...)
}

// Charts are the comparison's figures: time per strategy with spread, speedup against
// the ideal, and the timeline of one row's tasks.
func (c *Comparison[Out]) Charts() []*charts.Chart {
	var timings []charts.Timing
	var labels []string
	var speedup, eff, ideal []float64
	for i, row := range c.Rows {
		if len(row.Wall) == 0 {
			continue
		}
		timings = append(timings, charts.Timing{Label: row.Strategy.String(), Wall: row.Wall.Seconds(), CPU: row.CPU.Seconds()})
		labels = append(labels, row.Strategy.String())
		speedup = append(speedup, c.Speedup(i))
		eff = append(eff, c.Efficiency(i))
		ideal = append(ideal, c.Ideal(i))
	}
	out := []*charts.Chart{
		charts.Times(fmt.Sprintf("%s: time per strategy (%d tasks)", c.title, c.Tasks), timings),
		charts.Speedup(fmt.Sprintf("%s: speedup over %s", c.title, c.Rows[c.Baseline].Strategy), labels, speedup, eff, ideal),
	}
	if row := c.Rows[c.TimelineRow]; row.Last != nil {
		out = append(out, row.Last.TimelineChart(fmt.Sprintf("%s: what ran where, %s", c.title, row.Strategy), c.names))
	}
	return out
}

// Scaling is the comparison seen as speedup against worker count, the baseline counting
// as one worker: the data for a scaling chart and an Amdahl fit.
func (c *Comparison[Out]) Scaling() *Scaling {
	s := &Scaling{Label: c.title, Workers: []int{1}, Wall: []Durations{c.Rows[c.Baseline].Wall}}
	for i, row := range c.Rows {
		if i != c.Baseline && len(row.Wall) > 0 {
			s.Workers = append(s.Workers, row.Strategy.Size())
			s.Wall = append(s.Wall, row.Wall)
		}
	}
	return s
}

// maxSpans bounds a timeline: beyond it a chart would weigh megabytes in the notebook.
const maxSpans = 5000

// TimelineChart draws which worker ran which task when, one row per worker. Runs of more
// than 5,000 tasks show an even sample of them, and the title says so.
func (r *Run[Out]) TimelineChart(title string, names []string) *charts.Chart {
	spans, ran := chartSpans(r.Results, names)
	if len(spans) < ran {
		title += fmt.Sprintf(" (%d of %d tasks shown)", len(spans), ran)
	}
	return charts.Timeline(title, spans)
}

// chartSpans converts the spans of the tasks that ran, at most maxSpans of them evenly
// sampled, and counts the tasks that ran.
func chartSpans[Out any](results []Result[Out], names []string) ([]charts.Span, int) {
	ran := 0
	for _, r := range results {
		if r.ran {
			ran++
		}
	}
	step := max(1, (ran+maxSpans-1)/maxSpans)
	spans := make([]charts.Span, 0, min(ran, maxSpans))
	k := 0
	for _, r := range results {
		if !r.ran {
			continue
		}
		if k++; (k-1)%step != 0 {
			continue
		}
		spans = append(spans, charts.Span{
			Lane:   laneName(r.Span.Worker),
			Task:   taskName(r.Span.Index, names),
			Start:  r.Span.Start.Seconds(),
			End:    r.Span.End.Seconds(),
			Failed: r.Err != nil,
		})
	}
	return spans, ran
}

// formatSpeedup keeps two decimals, or two significant digits for tiny speedups
// (a pool hundreds of times slower than the loop is not "0.00×").
func formatSpeedup(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.2g×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

func taskName(i int, names []string) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("task %d", i)
}

func laneName(w Worker) string {
	if w.ID == 0 {
		return fmt.Sprintf("main (pid %d)", w.PID)
	}
	if w.PID == os.Getpid() {
		return fmt.Sprintf("goroutine %d", w.ID)
	}
	return fmt.Sprintf("worker %d (pid %d)", w.ID, w.PID)
}

type tableRow struct {
	strategy, workers, wall, spread, cpu, speedup, efficiency, failed string
}

func (c *Comparison[Out]) tableRows() []tableRow {
	rows := make([]tableRow, 0, len(c.Rows))
	for i, row := range c.Rows {
		r := tableRow{strategy: row.Strategy.String(), workers: fmt.Sprint(row.Strategy.Size()), wall: "—", spread: "—", cpu: "—", speedup: "—", efficiency: "—", failed: "—"}
		if len(row.Wall) > 0 {
			r.wall = formatDuration(row.Wall.Median())
			r.spread = fmt.Sprintf("%s–%s (%d runs)", formatDuration(row.Wall.Min()), formatDuration(row.Wall.Max()), len(row.Wall))
			r.cpu = formatDuration(row.CPU.Median())
			r.speedup = formatSpeedup(c.Speedup(i))
			r.efficiency = fmt.Sprintf("%.0f%%", 100*c.Efficiency(i))
		}
		if row.Last != nil {
			r.failed = fmt.Sprintf("%d/%d", row.Last.Failed(), len(row.Last.Results))
		}
		rows = append(rows, r)
	}
	return rows
}

// WriteTable writes the comparison as a plain-text table.
func (c *Comparison[Out]) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%s — %d tasks; wall = elapsed time (median of runs), CPU = user+system time of this process and its workers\n", c.title, c.Tasks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "strategy\tworkers\twall\twall min–max\tCPU\tspeedup\tefficiency\tfailed")
	for _, r := range c.tableRows() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.strategy, r.workers, r.wall, r.spread, r.cpu, r.speedup, r.efficiency, r.failed)
	}
	tw.Flush()
	for _, row := range c.Rows {
		if row.Err != nil {
			fmt.Fprintf(w, "%v: %v\n", row.Strategy, row.Err)
		} else if row.Last != nil && row.Last.Failed() > 0 {
			fmt.Fprintf(w, "%v: %v\n", row.Strategy, row.Last.Err())
		}
	}
}

// HTMLTable is the comparison as an HTML table, for notebooks.
func (c *Comparison[Out]) HTMLTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="speedup-table"><caption style="text-align:left">%s — %d tasks. <i>wall</i> = elapsed time (median of runs); <i>CPU</i> = user+system time of this process and its workers</caption>`, html.EscapeString(c.title), c.Tasks)
	b.WriteString("<thead><tr><th>strategy</th><th>workers</th><th>wall</th><th>wall min–max</th><th>CPU</th><th>speedup</th><th>efficiency</th><th>failed</th></tr></thead><tbody>")
	for i, r := range c.tableRows() {
		style := ""
		if i == c.Baseline {
			style = ` style="font-style:italic"`
		}
		fmt.Fprintf(&b, "<tr%s>", style)
		for _, cell := range []string{r.strategy, r.workers, r.wall, r.spread, r.cpu, r.speedup, r.efficiency, r.failed} {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(cell))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	for _, row := range c.Rows {
		var err error
		if row.Err != nil {
			err = row.Err
		} else if row.Last != nil {
			err = row.Last.Err()
		}
		if err != nil {
			fmt.Fprintf(&b, `<pre class="speedup-errors" style="color:#c0392b;white-space:pre-wrap">%s: %s</pre>`, html.EscapeString(row.Strategy.String()), html.EscapeString(err.Error()))
		}
	}
	return b.String()
}
