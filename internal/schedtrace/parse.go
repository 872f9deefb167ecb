package schedtrace

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	xtrace "golang.org/x/exp/trace"
)

// Parse reads an execution trace, as returned by [Recording.Stop] or written by
// runtime/trace.Start or `go test -trace` (Go 1.22 or later), into a [Timeline].
//
// Goroutines that existed before the trace began appear from the moment the trace first
// mentions them; goroutines that never changed state during the trace get no lane, but are
// counted in [Summary.Seen]. Segments still open when the trace ends are closed at its last
// event. It returns an error for data that is not a trace or is cut short; a trace with no
// events gives an empty Timeline.
func Parse(data []byte, opt Options) (*Timeline, error) {
	r, err := xtrace.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("schedtrace: not a readable execution trace: %w", err)
	}
	if opt.Region == "" && opt.Task == "" && opt.Category == "" {
		opt.Region, opt.Category = RegionType, Category
	}
	p := &parser{
		opt:    opt,
		gs:     make(map[xtrace.GoID]*goroutine),
		procs:  make(map[xtrace.ProcID]*ProcLane),
		tasks:  make(map[xtrace.TaskID]task),
		ranges: make(map[string]time.Duration),
	}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("schedtrace: reading trace: %w", err)
		}
		p.event(ev)
	}
	return p.finish(), nil
}

// goroutine is the parser's running record of one goroutine.
type goroutine struct {
	id       int64
	state    State // "" while not existing or not yet seen
	reason   string
	since    time.Duration
	proc     xtrace.ProcID // while Running
	runLabel string        // runtime label while Running
	marked   bool
	logLabel string // first message under the selected category
	rtLabel  string // latest runtime label (GC workers)
	entry    string // function the goroutine started in
	segs     []Segment
	procs    map[int64]bool
	lane     GoroutineLane // totals
}

type task struct {
	typ    string
	parent xtrace.TaskID
}

type parser struct {
	opt     Options
	started bool
	t0      xtrace.Time
	last    time.Duration
	start   time.Time
	gs      map[xtrace.GoID]*goroutine
	procs   map[xtrace.ProcID]*ProcLane
	tasks   map[xtrace.TaskID]task
	ranges  map[string]time.Duration // open GC ranges by name, from their start
	gc      []Segment
}

func (p *parser) off(t xtrace.Time) time.Duration {
	d := max(t.Sub(p.t0), 0)
	p.last = max(p.last, d)
	return d
}

func (p *parser) g(id xtrace.GoID) *goroutine {
	g := p.gs[id]
	if g == nil {
		g = &goroutine{id: int64(id), proc: xtrace.NoProc}
		p.gs[id] = g
	}
	return g
}

func (p *parser) proc(id xtrace.ProcID) *ProcLane {
	pl := p.procs[id]
	if pl == nil {
		pl = &ProcLane{ID: int64(id)}
		p.procs[id] = pl
	}
	return pl
}

func (p *parser) event(ev xtrace.Event) {
	if !p.started {
		p.started, p.t0 = true, ev.Time()
	}
	t := p.off(ev.Time())
	if id := ev.Goroutine(); id != xtrace.NoGoroutine {
		if g := p.gs[id]; g != nil && g.entry == "" {
			g.entry = outermost(ev.Stack())
		}
	}
	switch ev.Kind() {
	case xtrace.EventSync:
		if s := ev.Sync().ClockSnapshot; s != nil && p.start.IsZero() {
			p.start = s.Wall.Add(-s.Trace.Sub(p.t0))
		}
	case xtrace.EventStateTransition:
		st := ev.StateTransition()
		switch st.Resource.Kind {
		case xtrace.ResourceGoroutine:
			p.transition(ev, st, t)
		case xtrace.ResourceProc:
			if _, to := st.Proc(); to != xtrace.ProcNotExist {
				p.proc(st.Resource.Proc())
			}
		}
	case xtrace.EventRangeBegin, xtrace.EventRangeActive:
		if name := ev.Range().Name; gcRange(name) {
			if _, open := p.ranges[name]; !open {
				p.ranges[name] = t
			}
		}
	case xtrace.EventRangeEnd:
		if name := ev.Range().Name; gcRange(name) {
			begin, open := p.ranges[name]
			if !open {
				begin = 0 // began before the trace
			}
			delete(p.ranges, name)
			p.gcSegment(name, begin, t)
		}
	case xtrace.EventTaskBegin, xtrace.EventTaskEnd:
		tk := ev.Task()
		if old, ok := p.tasks[tk.ID]; !ok || old.typ == "" {
			p.tasks[tk.ID] = task{typ: tk.Type, parent: tk.Parent}
		}
	case xtrace.EventRegionBegin, xtrace.EventRegionEnd:
		r := ev.Region()
		if (p.opt.Region != "" && r.Type == p.opt.Region) || p.inTask(r.Task) {
			p.g(ev.Goroutine()).marked = true
		}
	case xtrace.EventLog:
		l := ev.Log()
		byCategory := p.opt.Category != "" && l.Category == p.opt.Category
		if byCategory || p.inTask(l.Task) {
			g := p.g(ev.Goroutine())
			g.marked = true
			if byCategory && g.logLabel == "" {
				g.logLabel = l.Message
			}
		}
	case xtrace.EventLabel:
		if l := ev.Label(); l.Resource.Kind == xtrace.ResourceGoroutine {
			g := p.g(l.Resource.Goroutine())
			g.rtLabel = l.Label
			if g.state == Running {
				g.runLabel = l.Label
			}
		}
	}
}

// transition moves a goroutine from one state to the next, closing the segment it was in.
func (p *parser) transition(ev xtrace.Event, st xtrace.StateTransition, t time.Duration) {
	g := p.g(st.Resource.Goroutine())
	from, to := st.Goroutine()
	if from == to {
		return // a status restated at a generation boundary
	}
	if g.entry == "" {
		if from == xtrace.GoNotExist {
			g.entry = innermost(st.Stack) // the new goroutine's start function
		} else {
			g.entry = outermost(st.Stack)
		}
	}
	p.closeG(g, t)
	g.state, g.since, g.reason = goState(to), t, st.Reason
	switch g.state {
	case Blocked:
		if g.reason == "" {
			g.reason = "unknown"
		}
	case Running:
		g.proc, g.runLabel = ev.Proc(), g.rtLabel
		if g.proc != xtrace.NoProc {
			p.proc(g.proc)
		}
	}
}

// closeG ends the goroutine's current segment at t.
func (p *parser) closeG(g *goroutine, t time.Duration) {
	if g.state == "" || t <= g.since {
		g.state = ""
		return
	}
	d := t - g.since
	g.segs = append(g.segs, Segment{Start: g.since, End: t, State: g.state, Reason: g.reason, G: g.id})
	switch g.state {
	case Running:
		g.lane.Running += d
		if g.proc != xtrace.NoProc {
			pl := p.proc(g.proc)
			pl.Segments = append(pl.Segments, Segment{Start: g.since, End: t, State: Running, G: g.id, Label: g.runLabel})
			pl.Busy += d
			if g.procs == nil {
				g.procs = make(map[int64]bool)
			}
			g.procs[int64(g.proc)] = true
		}
	case Runnable:
		g.lane.Runnable += d
	case Blocked:
		g.lane.Blocked += d
		if g.lane.BlockedBy == nil {
			g.lane.BlockedBy = make(map[string]time.Duration)
		}
		g.lane.BlockedBy[g.reason] += d
	case Syscall:
		g.lane.Syscall += d
	}
	g.state = ""
}

func (p *parser) inTask(id xtrace.TaskID) bool {
	if p.opt.Task == "" {
		return false
	}
	for range 1000 { // bounded in case of a corrupt parent chain
		tk, ok := p.tasks[id]
		if !ok || id == xtrace.NoTask || id == xtrace.BackgroundTask {
			return false
		}
		if tk.typ == p.opt.Task {
			return true
		}
		id = tk.parent
	}
	return false
}

const stwPrefix = "stop-the-world ("

func gcRange(name string) bool {
	return name == "GC concurrent mark phase" || strings.HasPrefix(name, stwPrefix)
}

func (p *parser) gcSegment(name string, begin, end time.Duration) {
	if end <= begin {
		return
	}
	s := Segment{Start: begin, End: end, State: GCMark}
	if strings.HasPrefix(name, stwPrefix) {
		s.State, s.Reason = StopTheWorld, strings.TrimSuffix(strings.TrimPrefix(name, stwPrefix), ")")
	}
	p.gc = append(p.gc, s)
}

func goState(s xtrace.GoState) State {
	switch s {
	case xtrace.GoRunning:
		return Running
	case xtrace.GoRunnable:
		return Runnable
	case xtrace.GoWaiting:
		return Blocked
	case xtrace.GoSyscall:
		return Syscall
	}
	return ""
}

// innermost is the function of the stack's first frame, "" for no stack.
func innermost(s xtrace.Stack) string {
	for f := range s.Frames() {
		return f.Func
	}
	return ""
}

// outermost is the function a goroutine started in: the stack's last frame, "" for no
// stack.
func outermost(s xtrace.Stack) string {
	if s == xtrace.NoStack {
		return ""
	}
	fn := ""
	for f := range s.Frames() {
		if f.Func != "runtime.goexit" {
			fn = f.Func
		}
	}
	return fn
}

func (g *goroutine) label(rt string) string {
	switch {
	case g.logLabel != "":
		return g.logLabel
	case rt != "":
		return rt
	case g.entry != "":
		return g.entry
	}
	return "G" + strconv.FormatInt(g.id, 10)
}

func (p *parser) finish() *Timeline {
	end := p.last
	for _, g := range p.gs {
		p.closeG(g, end)
	}
	for name, begin := range p.ranges {
		p.gcSegment(name, begin, end)
	}
	tl := &Timeline{Start: p.start, Duration: end}

	for _, id := range slices.Sorted(maps.Keys(p.procs)) {
		pl := p.procs[id]
		for i := range pl.Segments {
			s := &pl.Segments[i]
			g := p.gs[xtrace.GoID(s.G)]
			s.Label, s.Marked = g.label(s.Label), g.marked
			if s.Marked {
				pl.Marked += s.Len()
			}
		}
		if pl.Marked > 0 {
			tl.Summary.Procs++
		}
		tl.Procs = append(tl.Procs, *pl)
	}
	tl.Summary.ProcsSeen = len(tl.Procs)
	tl.Summary.Seen = len(p.gs)

	for _, id := range slices.Sorted(maps.Keys(p.gs)) {
		g := p.gs[id]
		if g.marked {
			s := &tl.Summary
			s.Goroutines++
			s.Running += g.lane.Running
			s.Runnable += g.lane.Runnable
			s.Blocked += g.lane.Blocked
			s.Syscall += g.lane.Syscall
		}
		if !g.marked && !p.opt.All || len(g.segs) == 0 {
			continue
		}
		lane := g.lane
		lane.ID, lane.Label, lane.Marked, lane.Segments = g.id, g.label(g.rtLabel), g.marked, g.segs
		lane.Procs = slices.Sorted(maps.Keys(g.procs))
		tl.Goroutines = append(tl.Goroutines, lane)
	}

	slices.SortStableFunc(p.gc, func(a, b Segment) int { return cmp.Compare(a.Start, b.Start) })
	tl.GC.Segments = p.gc
	var gcSpans []Segment
	for _, s := range p.gc {
		if s.State == GCMark {
			tl.GC.Cycles++
		} else {
			tl.GC.StopTheWorld += s.Len()
		}
		if s.State == GCMark || strings.HasPrefix(s.Reason, "GC") {
			gcSpans = append(gcSpans, s)
		}
	}
	tl.GC.Total = union(gcSpans)

	capSegments(tl, p.opt.MaxSegments)
	return tl
}

// union is the total time covered by segments sorted by Start.
func union(segs []Segment) time.Duration {
	var total, reach time.Duration
	for _, s := range segs {
		start := max(s.Start, reach)
		if s.End > start {
			total += s.End - start
			reach = s.End
		}
	}
	return total
}
