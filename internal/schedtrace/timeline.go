package schedtrace

import "time"

// State is what a goroutine, or the garbage collector, was doing during a [Segment].
type State string

// The states of a goroutine lane, and of the GC lane.
const (
	// Running: executing Go code on a processor (a P).
	Running State = "running"
	// Runnable: ready to run but waiting for a P. This is the scheduling wait.
	Runnable State = "runnable"
	// Blocked: waiting for something else (a channel, a lock, a timer, the network...);
	// the segment's Reason says what.
	Blocked State = "blocked"
	// Syscall: in a system call (file I/O, process management...).
	Syscall State = "syscall"
	// StopTheWorld: every goroutine was paused; the segment's Reason says why, for example
	// "GC sweep termination", "GC mark termination" or "start trace".
	StopTheWorld State = "stop-the-world"
	// GCMark: the garbage collector's concurrent mark phase, during which GC workers share
	// the Ps with the program's goroutines.
	GCMark State = "gc-mark"
)

// Segment is a stretch of time on one lane. Start and End are offsets from the start of the
// recording, End > Start.
type Segment struct {
	Start, End time.Duration
	// State is what happened: on processor lanes always Running (gaps are idle time).
	State State
	// Reason is the runtime's reason for entering the state, when it gives one: for Blocked
	// "chan receive", "chan send", "select", "sync", "sync.(*Cond).Wait", "sleep",
	// "network", "system goroutine wait", ... ("unknown" when the goroutine was already
	// blocked when the trace began); for Runnable "preempted" or "runtime.Gosched" (empty
	// when woken up or created); for StopTheWorld the pause's cause. Empty on processor
	// lanes.
	Reason string
	// G is the goroutine: on a processor lane the one that ran, on a goroutine lane the
	// lane's own; 0 on the GC lane.
	G int64
	// Label names G (see [GoroutineLane.Label]); set on processor lanes only.
	Label string
	// Marked tells whether G is one of the goroutines of interest; processor lanes only.
	Marked bool
	// Merged counts the original segments folded into this one to respect
	// [Options.MaxSegments]; 0 means the segment is exact. A merged segment takes the
	// state (and goroutine) that covered most of its time and may span short stretches of
	// other states or idle time.
	Merged int
}

// Len is End - Start.
func (s Segment) Len() time.Duration { return s.End - s.Start }

// ProcLane is one processor (P), the runtime's right to run Go code: at most GOMAXPROCS of
// them run goroutines at any moment.
type ProcLane struct {
	// ID is the P's number: lane "P0" has ID 0.
	ID int64
	// Segments are the goroutines that ran on this P, in time order; gaps are idle time, or
	// a goroutine in a system call that still holds the P.
	Segments []Segment
	// Busy is the time this P ran any goroutine; Marked the time it ran goroutines of
	// interest. Both are exact, computed before any merging.
	Busy, Marked time.Duration
}

// GoroutineLane is one goroutine's life during the recording, by state.
type GoroutineLane struct {
	// ID is the runtime's goroutine id.
	ID int64
	// Label names the goroutine: the first message it logged under the selected log
	// category, else the runtime's label (GC workers: "GC (dedicated)", ...), else the
	// function it started in, else "G<id>".
	Label string
	// Marked tells whether the goroutine is one of interest (see [Options]).
	Marked bool
	// Segments are the goroutine's states in time order, back to back, from when it
	// appeared in the trace (created, or first seen) until it exited or the trace ended.
	Segments []Segment
	// Running, Runnable, Blocked and Syscall are the exact times spent in each state.
	Running, Runnable, Blocked, Syscall time.Duration
	// BlockedBy splits Blocked by reason ("chan receive", "sleep", ...); nil if never
	// blocked.
	BlockedBy map[string]time.Duration
	// Procs lists the Ps the goroutine ran on, in increasing order.
	Procs []int64
}

// GCLane holds the garbage collector's stop-the-world pauses and concurrent mark phases, in
// order of their start. A pause may lie inside or straddle the end of a mark phase (the mark
// termination pause does): draw pauses on top.
type GCLane struct {
	// Segments are StopTheWorld pauses (Reason says why) and GCMark phases.
	Segments []Segment
	// Cycles is the number of mark phases seen.
	Cycles int
	// Total is the time during which a GC mark phase or a GC pause was under way (their
	// union); StopTheWorld sums every stop-the-world pause, GC or not. Exact, computed before
	// merging.
	Total, StopTheWorld time.Duration
}

// Summary adds up the goroutines of interest.
type Summary struct {
	// Goroutines counts the goroutines of interest; Seen counts every goroutine in the trace.
	Goroutines, Seen int
	// Procs counts the Ps that ever ran a goroutine of interest; ProcsSeen every P in the
	// trace.
	Procs, ProcsSeen int
	// Running, Runnable, Blocked and Syscall add up the goroutines of interest. Runnable is
	// the total scheduling wait.
	Running, Runnable, Blocked, Syscall time.Duration
}

// Merge reports how [Options.MaxSegments] was enforced.
type Merge struct {
	// Limit is the cap applied; 0 when uncapped.
	Limit int
	// Before and After count the segments on all returned lanes before and after merging.
	// After can exceed Limit only when there are more lanes than Limit: merging stops at
	// one segment per lane.
	Before, After int
	// Threshold is the duration below which segments were folded into their neighbours;
	// 0 when nothing was merged.
	Threshold time.Duration
}

// Timeline is a parsed trace: lanes of segments whose times are offsets from the first
// event of the trace.
type Timeline struct {
	// Start is the wall-clock time of offset zero, from the trace's clock snapshot (Go 1.25
	// and later); the zero time if the trace has none. It carries no monotonic reading.
	Start time.Time
	// Duration is the time from the first to the last event of the trace.
	Duration time.Duration
	// Procs has one lane per P that appears in the trace, by increasing ID.
	Procs []ProcLane
	// Goroutines has one lane per goroutine of interest, or per goroutine with
	// [Options.All], by increasing ID.
	Goroutines []GoroutineLane
	// GC is the garbage collector's lane.
	GC GCLane
	// Summary adds up the goroutines of interest; its times are exact whatever the cap.
	Summary Summary
	// Merge says whether, and how, segments were merged to respect the cap.
	Merge Merge
}

// DefaultMaxSegments is the cap on segments used when [Options.MaxSegments] is 0.
const DefaultMaxSegments = 20000

// Options chooses the goroutines of interest and bounds the output.
//
// A goroutine is of interest when it entered a region of type Region, or logged under
// Category, or did either inside a task of type Task or a task descending from one. Empty
// fields select nothing; when all three are empty, Region and Category default to
// [RegionType] and [Category], the marks that [Region] and [Label] leave. The zero Options
// is therefore ready for code that uses this package's helpers.
type Options struct {
	Region, Task, Category string
	// All gives every goroutine a lane, the runtime's included; the summary still adds up
	// only the goroutines of interest.
	All bool
	// MaxSegments caps the total number of segments on all lanes by merging short
	// segments (see [Merge]); 0 means [DefaultMaxSegments], a negative value no cap.
	MaxSegments int
}
