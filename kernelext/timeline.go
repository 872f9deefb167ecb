package kernelext

import (
	"fmt"
	"html"
	"os"

	"github.com/speedup-go/speedup/charts"
)

// maxSpans bounds a timeline: beyond it a chart would weigh megabytes in the notebook.
const maxSpans = 5000

// Show displays the run: a line saying how long it took and how many tasks failed, then
// in a notebook the timeline of which worker ran which task when (elsewhere the chart is a
// file, see [Display]), and the CPU profile when [Profile] recorded one.
func (r *Run[Out]) Show() {
	line := fmt.Sprintf("%s: %d tasks in %s (CPU %s), %d failed\n", r.Label, len(r.Results), formatDuration(r.Wall), formatDuration(r.CPU), r.Failed())
	showHTML(`<div class="speedup-run">`+html.EscapeString(line)+`</div>`, line)
	Display(timelineChart(r, r.Label+": what ran where", r.names))
	showProfile(r.Label, r.prof, r.profErr, len(r.Results))
}

// timelineChart draws which worker ran which task when, one lane per worker. Runs of
// more than maxSpans tasks show an even sample of them, and the title says so.
func timelineChart[Out any](r *Run[Out], title string, names []string) *charts.Chart {
	ran := 0
	for _, res := range r.Results {
		if res.ran {
			ran++
		}
	}
	step := max(1, (ran+maxSpans-1)/maxSpans)
	spans := make([]charts.Span, 0, min(ran, maxSpans))
	k := 0
	for i, res := range r.Results {
		if !res.ran {
			continue
		}
		if k++; (k-1)%step != 0 {
			continue
		}
		spans = append(spans, charts.Span{
			Lane:   laneName(res.Worker),
			Task:   taskName(i, names),
			Start:  res.Start.Seconds(),
			End:    res.End.Seconds(),
			Failed: res.Err != nil,
		})
	}
	if len(spans) < ran {
		title += fmt.Sprintf(" (%d of %d tasks shown)", len(spans), ran)
	}
	return charts.Timeline(title, spans)
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
