//go:build linux

package usage

import (
	"math"
	"testing"
	"time"

	"github.com/speedup-go/speedup/internal/procfs"
)

// A ps is one process as a synthetic sample reads it: CPU in ms (a multiple of the 10 ms
// tick), memory in pages.
type ps struct {
	pid, ppid int
	cpu       int
	state     byte
	start     uint64
	pages     int64
}

// A step is one synthetic sample: when, this process's CPU, and the other processes.
type step struct {
	at        int // ms since the first sample
	self      int // ms
	procs     []ps
	wantCores float64
	wantProcs int
}

const selfPid = 100

func runSteps(t *testing.T, steps []step) *tree {
	t.Helper()
	tr := &tree{self: selfPid, page: 4096, tick: 10 * time.Millisecond, procs: map[int]*proc{}, outside: map[int]bool{}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range steps {
		pids := []int{1, selfPid}
		seen := map[int]procfs.Stat{selfPid: {State: 'R', PPID: 1, StartTime: 1, RSS: 1000}}
		for _, p := range s.procs {
			pids = append(pids, p.pid)
			state, start := p.state, p.start
			if state == 0 {
				state = 'R'
			}
			if start == 0 {
				start = 10
			}
			seen[p.pid] = procfs.Stat{State: state, PPID: p.ppid, Ticks: int64(p.cpu / 10), StartTime: start, RSS: p.pages}
		}
		x := tr.account(t0.Add(time.Duration(s.at)*time.Millisecond), pids, seen, time.Duration(s.self)*time.Millisecond)
		if math.Abs(x.Cores-s.wantCores) > 1e-9 || x.Procs != s.wantProcs || x.T != time.Duration(s.at)*time.Millisecond {
			t.Errorf("sample %d: T %v, %.3f cores in %d processes; want %.3f cores in %d", i, x.T, x.Cores, x.Procs, s.wantCores, s.wantProcs)
		}
	}
	return tr
}

// The CPU of the tree must add up to what its processes used, whatever the order in which
// a sample reads a parent and a child that the parent waits for meanwhile.
func TestAccounting(t *testing.T) {
	const c, g = 2, 3 // a child and a grandchild
	tests := []struct {
		name    string
		steps   []step
		wantCPU time.Duration
	}{
		{"a child born, working, waited for", []step{
			{at: 0, self: 500, wantProcs: 1},
			{at: 100, self: 510, procs: []ps{{pid: c, ppid: selfPid, cpu: 50}}, wantCores: 0.6, wantProcs: 2},
			// Waited for: this process's count of its children took in its 100 ms.
			{at: 200, self: 620, wantCores: 0.6, wantProcs: 1},
		}, 120 * time.Millisecond},
		{"a grandchild read as a zombie, then waited for before its parent was read", []step{
			{at: 0, self: 0, wantProcs: 1},
			{at: 100, procs: []ps{{pid: c, ppid: selfPid, cpu: 50}, {pid: g, ppid: c, cpu: 20}}, wantCores: 0.7, wantProcs: 3},
			// g ends with 40 ms; c waits for it after g's stat was read: counted twice...
			{at: 200, procs: []ps{{pid: c, ppid: selfPid, cpu: 60 + 40}, {pid: g, ppid: c, cpu: 40, state: 'Z'}}, wantCores: 0.7, wantProcs: 2},
			// ...and taken out again, over two samples, as no sample goes below 0.
			{at: 300, procs: []ps{{pid: c, ppid: selfPid, cpu: 100 + 20}}, wantCores: 0, wantProcs: 2},
			{at: 400, procs: []ps{{pid: c, ppid: selfPid, cpu: 120 + 30}}, wantCores: 0.1, wantProcs: 2},
		}, 150 * time.Millisecond},
		{"a grandchild waited for after its parent was read", []step{
			{at: 0, wantProcs: 1},
			{at: 100, procs: []ps{{pid: c, ppid: selfPid, cpu: 50}, {pid: g, ppid: c, cpu: 20}}, wantCores: 0.7, wantProcs: 3},
			// c read before it waited for g (30 ms), g gone when read: taken out...
			{at: 200, procs: []ps{{pid: c, ppid: selfPid, cpu: 60}}, wantCores: 0, wantProcs: 2},
			// ...and added back with c's count.
			{at: 300, procs: []ps{{pid: c, ppid: selfPid, cpu: 60 + 30}}, wantCores: 0.2, wantProcs: 2},
		}, 90 * time.Millisecond},
		{"a child and its child both gone between samples", []step{
			{at: 0, wantProcs: 1},
			{at: 100, procs: []ps{{pid: c, ppid: selfPid, cpu: 50}, {pid: g, ppid: c, cpu: 20}}, wantCores: 0.7, wantProcs: 3},
			{at: 200, self: 60 + 30, wantCores: 0.2, wantProcs: 1},
		}, 90 * time.Millisecond},
		{"an orphan leaves the tree", []step{
			{at: 0, wantProcs: 1},
			{at: 100, procs: []ps{{pid: c, ppid: selfPid, cpu: 50}, {pid: g, ppid: c, cpu: 20}}, wantCores: 0.7, wantProcs: 3},
			// c ended without waiting for g, which init adopted: g's CPU is no longer ours.
			{at: 200, self: 60, procs: []ps{{pid: g, ppid: 1, cpu: 70}}, wantCores: 0.1, wantProcs: 1},
			{at: 300, self: 60, procs: []ps{{pid: g, ppid: 1, cpu: 170}}, wantCores: 0, wantProcs: 1},
		}, 80 * time.Millisecond},
		{"a reused pid", []step{
			{at: 0, wantProcs: 1},
			{at: 100, procs: []ps{{pid: c, ppid: selfPid, cpu: 50, start: 5}}, wantCores: 0.5, wantProcs: 2},
			{at: 200, self: 60, procs: []ps{{pid: c, ppid: selfPid, cpu: 10, start: 9}}, wantCores: 0.2, wantProcs: 2},
		}, 70 * time.Millisecond},
		{"processes of others", []step{
			{at: 0, procs: []ps{{pid: 7, ppid: 1, cpu: 1000}}, wantProcs: 1},
			{at: 100, self: 10, procs: []ps{{pid: 7, ppid: 1, cpu: 2000}, {pid: 8, ppid: 7, cpu: 50}}, wantCores: 0.1, wantProcs: 1},
		}, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := runSteps(t, tt.steps)
			if tr.cpu != tt.wantCPU {
				t.Errorf("CPU %v, want %v", tr.cpu, tt.wantCPU)
			}
		})
	}
}

func TestAccountingMemory(t *testing.T) {
	tr := runSteps(t, []step{
		{at: 0, wantProcs: 1},
		{at: 50, procs: []ps{{pid: 2, ppid: selfPid, pages: 5000}, {pid: 3, ppid: selfPid, pages: 0, state: 'Z'}, {pid: 7, ppid: 1, pages: 9000}}, wantProcs: 2},
	})
	if want := int64(6000 * 4096); tr.peakOne != 5000*4096 {
		t.Errorf("peakOne %d, want 5000 pages", tr.peakOne)
	} else if x := tr.procs; len(x) != 3 {
		t.Errorf("%d processes in the tree, want 3 (the zombie too)", len(x))
	} else {
		var rss int64
		for _, p := range x {
			rss += p.rss
		}
		if rss != want {
			t.Errorf("RSS %d, want %d", rss, want)
		}
	}
	if !tr.outside[7] {
		t.Error("another's process is not known to be outside the tree")
	}
}
