// Package schedtrace records what the Go scheduler did while some code ran and turns the
// runtime's execution trace into plain data: per-processor lanes, per-goroutine lanes and a
// GC lane of timed segments, plus a summary.
//
// It is `go tool trace` reduced to what the talk needs, as data a chart can draw: a
// [Recording] captures a runtime/trace of this process in memory, and [Parse] reads it with
// golang.org/x/exp/trace into a [Timeline] whose times are offsets from the start of the
// recording. Eight goroutines limited to one core show up as one processor lane taking
// turns among them, each goroutine spending three quarters of its time runnable (waiting
// for a P), which is how Python threads take turns under the GIL.
//
// # Marking the goroutines of interest
//
// A trace holds every goroutine of the process, the runtime's own included. Code marks its
// workers with [Region] (a runtime/trace region of type [RegionType]) and may name a
// worker's lane with [Label] (a runtime/trace log message under [Category]); [Options]
// selects by region type, task type or log category. Regions and logs were chosen over the
// alternatives because the trace attributes them to the goroutine that emitted them, which
// is exactly the worker, and they cost one atomic load when no trace is being recorded.
// Tasks (trace.NewTask) span goroutines, so a task alone does not say which goroutine is
// ours: a task is matched through the regions and logs emitted inside it. pprof labels
// are not written to execution traces at all.
package schedtrace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"sync"
	"time"
)

// RegionType is the region type [Region] uses and the one [Options] selects by default.
const RegionType = "speedup.task"

// Category is the log category [Label] uses and the one [Options] selects by default.
const Category = "speedup.worker"

// ErrTracing is returned by [Start] when an execution trace is already being recorded in
// this process, by another [Recording], by runtime/trace.Start or by `go test -trace`. Only
// one such trace can run at a time; a runtime/trace.FlightRecorder does not count, as it
// coexists with a trace since Go 1.25.
var ErrTracing = errors.New("schedtrace: an execution trace is already being recorded in this process")

// Recording is an execution trace of the whole process being captured into memory, from
// [Start] until [Recording.Stop]. Its size grows with scheduling activity: about 5 kB per
// second for CPU-bound goroutines (preempted every 10 ms), 5 to 20 MB per second for two
// goroutines handing values back and forth through a channel nonstop (see the package's
// cost test). Nothing bounds it, so record seconds, not hours.
type Recording struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	started time.Time
	stopped bool
	wall    time.Duration
}

// Start begins recording an execution trace of this process into memory. It returns an
// error wrapping [ErrTracing] when a trace is already being recorded.
func Start() (*Recording, error) {
	r := &Recording{started: time.Now()}
	if err := trace.Start(&r.buf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTracing, err)
	}
	return r, nil
}

// Stop ends the recording and returns the trace, in the runtime's binary format, ready for
// [Parse] or `go tool trace`. It returns only after the runtime has written everything.
// Calling Stop again returns the same trace; the returned slice must not be modified. Stop
// calls runtime/trace.Stop, so code that calls that itself ends the recording early.
func (r *Recording) Stop() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		trace.Stop()
		r.stopped = true
		r.wall = time.Since(r.started)
	}
	return r.buf.Bytes()
}

// Wall is the wall-clock time from [Start] to the first [Recording.Stop], or to now while
// the recording runs.
func (r *Recording) Wall() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.wall
	}
	return time.Since(r.started)
}

// Region runs fn on the calling goroutine inside a trace region of type [RegionType], which
// marks the goroutine as one of interest for [Parse] with default [Options]. Without a
// trace being recorded it just calls fn; the overhead is one atomic load.
func Region(ctx context.Context, fn func()) {
	trace.WithRegion(ctx, RegionType, fn)
}

// Label names the calling goroutine's lane (for example "worker 3") and marks it as one of
// interest, by logging label under [Category]. The first label a goroutine logs is the one
// its lane keeps. Without a trace being recorded it does nothing.
func Label(ctx context.Context, label string) {
	trace.Log(ctx, Category, label)
}
