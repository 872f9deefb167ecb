package schedtrace

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests record real traces of this process; none runs in parallel, as only one trace
// can be recorded at a time.

// startOrSkip starts a recording, skipping the test when the process is already traced
// (go test -trace).
func startOrSkip(t *testing.T) *Recording {
	t.Helper()
	r, err := Start()
	if errors.Is(err, ErrTracing) {
		t.Skipf("cannot record: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// record runs fn with GOMAXPROCS set to procs while recording, and parses the trace.
func record(t *testing.T, procs int, opt Options, fn func()) (*Timeline, []byte) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	r := startOrSkip(t)
	fn()
	data := r.Stop()
	tl, err := Parse(data, opt)
	if err != nil {
		t.Fatal(err)
	}
	return tl, data
}

var sink atomic.Uint64

// spin does n units of pure CPU work (about a microsecond each) and never blocks.
func spin(n int) {
	x := uint64(n) | 1
	for range n * 200 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink.Add(x)
}

// unitsFor calibrates spin: how many units take d of CPU on this machine, judged by the
// fastest of a few probes, since a shared machine only ever makes a probe slower.
func unitsFor(d time.Duration) int {
	const probe = 2000
	per := time.Hour
	for range 5 {
		start := time.Now()
		spin(probe)
		per = min(per, time.Since(start)/probe)
	}
	return max(int(d/max(per, 1)), 1)
}

// workers runs n marked goroutines, each labelled "worker i", each calling job, and waits.
func workers(n int, job func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx := context.Background()
			Label(ctx, fmt.Sprintf("worker %d", i))
			Region(ctx, func() { job(i) })
		})
	}
	wg.Wait()
}

// TestCPUBoundTakesTurns is the GIL picture: four CPU-bound goroutines on GOMAXPROCS=1
// take turns on one P, each runnable about 3/4 of its life; with two Ps, two run at once
// and the scheduling wait falls to about 1/2.
func TestCPUBoundTakesTurns(t *testing.T) {
	units := unitsFor(120 * time.Millisecond)
	for _, tc := range []struct {
		procs            int
		minWait, maxWait float64 // runnable share of (running + runnable), averaged
	}{
		{procs: 1, minWait: 0.55, maxWait: 0.90},
		{procs: 2, minWait: 0.20, maxWait: 0.68},
	} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", tc.procs), func(t *testing.T) {
			tl, _ := record(t, tc.procs, Options{}, func() { workers(4, func(int) { spin(units) }) })
			if tl.Summary.Goroutines != 4 || len(tl.Goroutines) != 4 {
				t.Fatalf("goroutines of interest: %d (lanes %d), want 4", tl.Summary.Goroutines, len(tl.Goroutines))
			}
			if tl.Summary.Procs != tc.procs {
				t.Errorf("Ps that ran the workers: %d, want %d", tl.Summary.Procs, tc.procs)
			}
			var waitShare float64
			for _, g := range tl.Goroutines {
				if !strings.HasPrefix(g.Label, "worker ") || !g.Marked {
					t.Errorf("lane G%d: label %q marked %v", g.ID, g.Label, g.Marked)
				}
				if tc.procs == 1 && !slices.Equal(g.Procs, []int64{tl.Procs[0].ID}) {
					t.Errorf("%s ran on Ps %v, want only P%d", g.Label, g.Procs, tl.Procs[0].ID)
				}
				runs := 0
				for _, s := range g.Segments {
					if s.State == Running {
						runs++
					}
				}
				if runs < 3 {
					t.Errorf("%s ran in %d stretches; taking turns needs several", g.Label, runs)
				}
				active := g.Running + g.Runnable
				t.Logf("%s: running %v runnable %v blocked %v over %d segments", g.Label, g.Running, g.Runnable, g.Blocked, len(g.Segments))
				waitShare += float64(g.Runnable) / float64(active) / 4
			}
			if waitShare < tc.minWait || waitShare > tc.maxWait {
				t.Errorf("runnable share %.2f, want in [%.2f, %.2f]", waitShare, tc.minWait, tc.maxWait)
			}
			if tl.Summary.Runnable <= 0 || tl.Summary.Running <= 0 {
				t.Errorf("summary: %+v", tl.Summary)
			}
			checkLanes(t, tl)
		})
	}
}

// TestCoresLoweredDuringRecording mirrors kernelext's OnCores(1): the recording starts with
// every P, GOMAXPROCS drops to 1 for the run and comes back after it.
func TestCoresLoweredDuringRecording(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2")
	}
	units := unitsFor(30 * time.Millisecond)
	tl, _ := record(t, runtime.GOMAXPROCS(0), Options{}, func() {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		workers(4, func(int) { spin(units) })
	})
	if tl.Summary.Goroutines != 4 || tl.Summary.Procs != 1 || tl.Summary.ProcsSeen < 2 {
		t.Errorf("summary %+v: want 4 goroutines on 1 P out of at least 2 seen", tl.Summary)
	}
	if tl.Summary.Runnable < tl.Summary.Running {
		t.Errorf("on one P the workers waited %v and ran %v", tl.Summary.Runnable, tl.Summary.Running)
	}
	checkLanes(t, tl)
}

// checkLanes asserts the structure every timeline must have.
func checkLanes(t *testing.T, tl *Timeline) {
	t.Helper()
	ordered := func(name string, segs []Segment, backToBack bool) {
		for i, s := range segs {
			if s.End <= s.Start || s.Start < 0 || s.End > tl.Duration {
				t.Fatalf("%s segment %d: %v..%v outside (0, %v]", name, i, s.Start, s.End, tl.Duration)
			}
			if i > 0 && s.Start < segs[i-1].End {
				t.Fatalf("%s segment %d overlaps the previous one", name, i)
			}
			if i > 0 && backToBack && s.Start != segs[i-1].End {
				t.Fatalf("%s segment %d leaves a gap", name, i)
			}
		}
	}
	for _, p := range tl.Procs {
		ordered(fmt.Sprintf("P%d", p.ID), p.Segments, false)
		for _, s := range p.Segments {
			if s.Label == "" || s.State != Running {
				t.Fatalf("P%d segment without label or not running: %+v", p.ID, s)
			}
		}
	}
	for _, g := range tl.Goroutines {
		ordered(fmt.Sprintf("G%d", g.ID), g.Segments, true)
		var sum time.Duration
		for _, s := range g.Segments {
			sum += s.Len()
		}
		if total := g.Running + g.Runnable + g.Blocked + g.Syscall; sum != total {
			t.Fatalf("G%d: segments cover %v, state totals add up to %v", g.ID, sum, total)
		}
	}
}

// TestWaitingIsNotRunnable: a goroutine that sleeps, waits on a channel, a lock or a pipe
// is blocked with that reason, or in a system call, and not runnable: it does not want a P.
func TestWaitingIsNotRunnable(t *testing.T) {
	const wait = 40 * time.Millisecond
	for _, tc := range []struct {
		name   string
		state  State
		reason string
		job    func()
	}{
		{"sleep", Blocked, "sleep", func() { time.Sleep(wait) }},
		{"channel", Blocked, "chan receive", func() {
			ch := make(chan int)
			time.AfterFunc(wait, func() { ch <- 1 })
			<-ch
		}},
		{"lock", Blocked, "sync", func() {
			var mu sync.Mutex
			mu.Lock()
			time.AfterFunc(wait, mu.Unlock)
			mu.Lock()
		}},
		{"pipe", Blocked, "network", func() { // the netpoller serves pipes as it serves sockets
			r, w, err := os.Pipe()
			if err != nil {
				panic(err)
			}
			defer r.Close()
			time.AfterFunc(wait, func() { w.Write([]byte{1}); w.Close() })
			r.Read(make([]byte, 1))
		}},
		{"syscall", Syscall, "", func() { blockingSyscall(wait) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.state == Syscall && blockingSyscall == nil {
				t.Skip("no blocking system call to test with on " + runtime.GOOS)
			}
			tl, _ := record(t, 2, Options{}, func() { workers(2, func(int) { tc.job() }) })
			if len(tl.Goroutines) != 2 {
				t.Fatalf("%d lanes, want 2", len(tl.Goroutines))
			}
			for _, g := range tl.Goroutines {
				longest := slices.MaxFunc(g.Segments, func(a, b Segment) int { return cmp.Compare(a.Len(), b.Len()) })
				if longest.State != tc.state || longest.Reason != tc.reason || longest.Len() < wait*3/4 {
					t.Errorf("%s: longest segment %+v, want %v %q for about %v", g.Label, longest, tc.state, tc.reason, wait)
				}
				if g.Runnable > wait/2 {
					t.Errorf("%s: runnable %v while waiting %v", g.Label, g.Runnable, wait)
				}
				if tc.state == Blocked && g.BlockedBy[tc.reason] < wait*3/4 {
					t.Errorf("%s: blocked by %v", g.Label, g.BlockedBy)
				}
				if tc.state == Syscall && g.Syscall < wait*3/4 {
					t.Errorf("%s: syscall %v", g.Label, g.Syscall)
				}
			}
			checkLanes(t, tl)
		})
	}
}

func TestForcedGCIsOnTheGCLane(t *testing.T) {
	tl, _ := record(t, 2, Options{}, func() { workers(1, func(int) { runtime.GC() }) })
	if tl.GC.Cycles < 1 {
		t.Fatalf("no GC mark phase in %+v", tl.GC)
	}
	var pauses []string
	for _, s := range tl.GC.Segments {
		if s.State == StopTheWorld {
			pauses = append(pauses, s.Reason)
		}
	}
	for _, want := range []string{"GC sweep termination", "GC mark termination"} {
		if !slices.Contains(pauses, want) {
			t.Errorf("pauses %q lack %q", pauses, want)
		}
	}
	if tl.GC.Total <= 0 || tl.GC.StopTheWorld <= 0 || tl.GC.Total > tl.Duration {
		t.Errorf("GC total %v, stop-the-world %v, trace %v", tl.GC.Total, tl.GC.StopTheWorld, tl.Duration)
	}
	// The GC's own workers are goroutines the processors ran.
	gcWorker := false
	for _, p := range tl.Procs {
		for _, s := range p.Segments {
			gcWorker = gcWorker || strings.HasPrefix(s.Label, "GC (")
		}
	}
	if !gcWorker {
		t.Error("no processor ran a GC worker")
	}
}

// pingPong makes many tiny segments: two goroutines hand a token back and forth.
func pingPong(rounds int) {
	ping, pong := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Go(func() {
		Region(context.Background(), func() {
			for i := range rounds {
				ping <- i
				<-pong
			}
			close(ping)
		})
	})
	wg.Go(func() {
		Region(context.Background(), func() {
			for i := range ping {
				pong <- i
			}
		})
	})
	wg.Wait()
}

func TestSizeCapMergesAndReports(t *testing.T) {
	tl, data := record(t, 2, Options{MaxSegments: -1}, func() { pingPong(5000) })
	if tl.Merge.Limit != 0 || tl.Merge.After != tl.Merge.Before || tl.Merge.Threshold != 0 {
		t.Fatalf("uncapped parse merged: %+v", tl.Merge)
	}
	if tl.Merge.Before < 4*5000 {
		t.Fatalf("ping-pong made only %d segments", tl.Merge.Before)
	}
	const limit = 300
	capped, err := Parse(data, Options{MaxSegments: limit})
	if err != nil {
		t.Fatal(err)
	}
	m := capped.Merge
	t.Logf("merge: %+v", m)
	if m.Limit != limit || m.Before != tl.Merge.Before || m.After > limit || m.After < limit/4 || m.Threshold <= 0 {
		t.Errorf("merge report %+v, want %d segments cut to at most %d", m, tl.Merge.Before, limit)
	}
	merged := 0
	for _, g := range capped.Goroutines {
		for _, s := range g.Segments {
			merged += s.Merged
		}
	}
	for _, p := range capped.Procs {
		for _, s := range p.Segments {
			merged += s.Merged
		}
	}
	if merged == 0 {
		t.Error("no segment says it was merged")
	}
	// Totals are exact whatever the cap; only the drawing is coarser.
	if capped.Summary != tl.Summary {
		t.Errorf("summary changed by the cap:\n%+v\n%+v", capped.Summary, tl.Summary)
	}
	for i, g := range capped.Goroutines {
		ordered := tl.Goroutines[i]
		if g.Running != ordered.Running || g.Blocked != ordered.Blocked {
			t.Errorf("G%d totals changed by the cap", g.ID)
		}
		first, last := g.Segments[0], g.Segments[len(g.Segments)-1]
		if first.Start != ordered.Segments[0].Start || last.End != ordered.Segments[len(ordered.Segments)-1].End {
			t.Errorf("G%d lane no longer spans its life", g.ID)
		}
	}
	if _, err := Parse(data, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestCoarsen(t *testing.T) {
	ms := time.Millisecond
	seg := func(a, b int, st State, g int64) Segment {
		return Segment{Start: time.Duration(a) * ms, End: time.Duration(b) * ms, State: st, G: g}
	}
	in := []Segment{
		seg(0, 10, Running, 1),
		seg(10, 11, Runnable, 1), // tiny: folded into the running stretch
		seg(11, 30, Running, 1),  // same kind: joined
		seg(30, 60, Blocked, 1),  // long, different: new segment
		seg(60, 61, Running, 1),  // tiny
		seg(61, 62, Runnable, 1), // tiny
	}
	got := coarsen(in, 2*ms)
	want := []Segment{
		{Start: 0, End: 30 * ms, State: Running, G: 1, Merged: 2},
		{Start: 30 * ms, End: 62 * ms, State: Blocked, G: 1, Merged: 2},
	}
	if !slices.Equal(got, want) {
		t.Errorf("coarsen:\n got %+v\nwant %+v", got, want)
	}
	if n := coarsenCount(in, 2*ms); n != len(got) {
		t.Errorf("coarsenCount %d, coarsen made %d", n, len(got))
	}
	if got := coarsen(in, 0); !slices.Equal(got, in) {
		t.Errorf("threshold 0 changed the lane: %+v", got)
	}
	// A merged run of tiny segments takes the kind that covered most of its time.
	tiny := []Segment{seg(0, 1, Running, 7), seg(1, 3, Runnable, 7), seg(3, 4, Running, 7), seg(4, 7, Runnable, 7)}
	if got := coarsen(tiny, 10*ms); len(got) != 1 || got[0].State != Runnable || got[0].Merged != 3 {
		t.Errorf("dominant kind: %+v", got)
	}
}

func TestAlreadyTracing(t *testing.T) {
	r := startOrSkip(t)
	defer r.Stop()
	r2, err := Start()
	if !errors.Is(err, ErrTracing) || r2 != nil {
		t.Fatalf("second Start: %v, %v; want ErrTracing", r2, err)
	}
	var buf strings.Builder
	if err := trace.Start(&buf); err == nil {
		trace.Stop()
		t.Fatal("runtime/trace.Start succeeded during a recording")
	}
	data := r.Stop()
	if again := r.Stop(); len(again) != len(data) {
		t.Errorf("second Stop returned %d bytes, first %d", len(again), len(data))
	}
	// Once stopped, a new recording can start.
	r3 := startOrSkip(t)
	r3.Stop()
}

func TestSelection(t *testing.T) {
	job := func() {
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				ctx, task := trace.NewTask(context.Background(), "job")
				defer task.End()
				trace.Log(ctx, "who", fmt.Sprintf("w%d", i))
				trace.WithRegion(ctx, "step", func() { time.Sleep(time.Millisecond) })
			})
		}
		wg.Go(func() { time.Sleep(time.Millisecond) }) // unmarked
		wg.Wait()
	}
	tl, data := record(t, 2, Options{Task: "job"}, job)
	if tl.Summary.Goroutines != 3 || len(tl.Goroutines) != 3 {
		t.Fatalf("by task: %d goroutines of interest, want 3", tl.Summary.Goroutines)
	}
	for _, tc := range []struct {
		name  string
		opt   Options
		lanes int
		label string
	}{
		{"region", Options{Region: "step"}, 3, ""},
		{"category names lanes", Options{Category: "who"}, 3, "w"},
		{"defaults find no helper marks", Options{}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl, err := Parse(data, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(tl.Goroutines) != tc.lanes || tl.Summary.Goroutines != tc.lanes {
				t.Fatalf("%d lanes, %d of interest; want %d", len(tl.Goroutines), tl.Summary.Goroutines, tc.lanes)
			}
			for _, g := range tl.Goroutines {
				if !strings.HasPrefix(g.Label, tc.label) {
					t.Errorf("label %q, want prefix %q", g.Label, tc.label)
				}
			}
		})
	}
	all, err := Parse(data, Options{Task: "job", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Goroutines) <= 4 || all.Summary != tl.Summary {
		t.Errorf("All: %d lanes, summary %+v; want more than 4 lanes and the same summary", len(all.Goroutines), all.Summary)
	}
	marked := 0
	for _, g := range all.Goroutines {
		if g.Marked {
			marked++
		}
	}
	if marked != 3 {
		t.Errorf("All: %d lanes marked, want 3", marked)
	}
	checkLanes(t, all)
}

func TestParseEdges(t *testing.T) {
	if _, err := Parse(nil, Options{}); err == nil {
		t.Error("Parse(nil) succeeded")
	}
	if _, err := Parse([]byte("not a trace at all"), Options{}); err == nil {
		t.Error("Parse(garbage) succeeded")
	}
	before := time.Now()
	tl, data := record(t, 2, Options{}, func() {})
	if tl.Duration <= 0 || tl.Summary.Seen == 0 || tl.Summary.ProcsSeen == 0 {
		t.Errorf("empty recording: %+v", tl.Summary)
	}
	if d := tl.Start.Sub(before); d < -time.Second || d > time.Second {
		t.Errorf("Start %v, recording began at %v", tl.Start, before)
	}
	if _, err := Parse(data[:len(data)/2], Options{}); err == nil {
		t.Log("a trace cut in half still parsed") // the reader may stop at a generation boundary
	}
}
