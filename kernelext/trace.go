package kernelext

import (
	"context"
	"fmt"
	"time"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/internal/schedtrace"
)

// Trace records what the Go scheduler did, as the execution tracer does (go tool trace):
// after its timed runs, [Compare] runs each strategy that runs in this process (sequential,
// goroutines) once more under the runtime's tracer, and [Comparison.Show] draws that run as
// lanes: each processor (P), the right to run Go code, with the worker goroutine it ran;
// each worker goroutine running, runnable (ready, waiting for a P: the scheduling wait),
// blocked or in a system call; and the garbage collector. Goroutines(8).OnCores(1) shows
// eight workers taking turns on one P, as Python's threads take turns under the GIL. The
// traced run is not timed (tracing slows a run down); worker processes are not traced.
func Trace() Option { return func(c *config) { c.trace = true } }

// tracedRun runs s once under the runtime's tracer and parses what the scheduler did.
func tracedRun[In, Out any](ctx context.Context, s Strategy, task *Task[In, Out], inputs []In, cfg config) (*schedtrace.Timeline, error) {
	rec, err := schedtrace.Start()
	if err != nil {
		return nil, fmt.Errorf("tracing %v: %w", s, err)
	}
	cfg.traced = true
	_, runErr := mapWith(ctx, s, task, inputs, cfg)
	data := rec.Stop()
	if runErr != nil {
		return nil, runErr
	}
	tl, err := schedtrace.Parse(data, schedtrace.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading the trace of %v: %w", s, err)
	}
	return tl, nil
}

// traceSummary says in one line what the scheduler did for the workers.
func traceSummary(s Strategy, tl *schedtrace.Timeline) string {
	sum := tl.Summary
	total := sum.Running + sum.Runnable + sum.Blocked + sum.Syscall
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / max(total.Seconds(), 1e-9) }
	workers := fmt.Sprintf("%d workers", sum.Goroutines)
	if sum.Goroutines == 1 {
		workers = "the worker"
	}
	return fmt.Sprintf("%v, traced: %d of %d Ps ran %s, which ran %.0f%% of the time, were runnable (waiting for a P) %.0f%%, blocked %.0f%%, in system calls %.0f%%; GC %s in %d cycles",
		s, sum.Procs, sum.ProcsSeen, workers, pct(sum.Running), pct(sum.Runnable), pct(sum.Blocked), pct(sum.Syscall), formatDuration(tl.GC.Total), tl.GC.Cycles)
}

// traceStates are the states of a scheduler chart, in legend order, with their colors.
var traceStates = []charts.StateStyle{
	{Name: string(schedtrace.Running), Color: "#2e7d32"},
	{Name: string(schedtrace.Runnable), Color: "#f9a825"},
	{Name: string(schedtrace.Blocked), Color: "#90a4ae"},
	{Name: string(schedtrace.Syscall), Color: "#6a1b9a"},
	{Name: string(schedtrace.GCMark), Color: "#ef6c00"},
	{Name: string(schedtrace.StopTheWorld), Color: "#c62828", Overlay: true},
}

// traceChart draws the trace: a lane per P (which worker ran), a lane per worker goroutine
// (its states), and the collector's lane.
func traceChart(title string, tl *schedtrace.Timeline) *charts.Chart {
	var lanes []string
	var spans []charts.StateSpan
	add := func(lane string, segs []schedtrace.Segment, label func(schedtrace.Segment) string) {
		lanes = append(lanes, lane)
		for _, sg := range segs {
			spans = append(spans, charts.StateSpan{Lane: lane, State: string(sg.State), Label: label(sg), Start: sg.Start.Seconds(), End: sg.End.Seconds()})
		}
	}
	for _, p := range tl.Procs {
		add(fmt.Sprintf("P%d", p.ID), p.Segments, func(sg schedtrace.Segment) string {
			if sg.Label != "" {
				return sg.Label
			}
			return fmt.Sprintf("G%d", sg.G)
		})
	}
	for _, g := range tl.Goroutines {
		add(g.Label, g.Segments, func(sg schedtrace.Segment) string { return sg.Reason })
	}
	add("GC", tl.GC.Segments, func(sg schedtrace.Segment) string { return sg.Reason })
	return charts.States(title, "seconds", lanes, spans, traceStates)
}
