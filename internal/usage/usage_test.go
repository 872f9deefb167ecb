//go:build linux

package usage

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitFor waits, up to 10 s, for a sample taken after since that satisfies cond, and returns it.
func waitFor(t *testing.T, s *Sampler, since time.Duration, what string, cond func(Sample) bool) Sample {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		x := s.Latest()
		if x.T > since && cond(x) {
			return x
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sample %s after %v; the latest: %+v", what, since, x)
		}
		time.Sleep(s.interval / 4)
	}
}

func TestChildMemoryShowsInSamplesAndPeak(t *testing.T) {
	s, err := Start(10 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	child := startHelper(t, "hold", "100")
	if got := child.line(t); got != "ready" {
		t.Fatalf("helper said %q", got)
	}
	ready := time.Since(s.start)
	x := waitFor(t, s, ready, "with the child's 100 MB", func(x Sample) bool { return x.RSS >= 100*mb })
	if x.Procs < 2 {
		t.Errorf("sample %+v counts fewer than 2 processes", x)
	}
	child.finish(t)
	r := s.Stop()
	if r.PeakSampled < 100*mb || r.PeakRSS < r.PeakSampled {
		t.Errorf("PeakSampled %d MB, PeakRSS %d MB; want both at least 100 MB", r.PeakSampled/mb, r.PeakRSS/mb)
	}
	if last := r.Samples[len(r.Samples)-1]; last.RSS >= 100*mb || last.Procs != 1 {
		t.Errorf("after the child ended, the last sample still has %d MB in %d processes", last.RSS/mb, last.Procs)
	}
}

// TestPeakCountsProcessesThatEndedBetweenSamples samples, in a fresh process, while a
// grandchild touches 100 MB and exits: no sample sees it, the peak does.
func TestPeakCountsProcessesThatEndedBetweenSamples(t *testing.T) {
	out, err := helperCmd("flashparent", "100").Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	var r Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(r.Samples) != 2 {
		t.Errorf("%d samples, want 2 (Start and Stop)", len(r.Samples))
	}
	if r.PeakSampled >= 100*mb {
		t.Errorf("PeakSampled %d MB: a sample saw the grandchild", r.PeakSampled/mb)
	}
	if r.PeakOne < 100*mb || r.PeakRSS < 100*mb {
		t.Errorf("PeakOne %d MB, PeakRSS %d MB; want at least 100 MB", r.PeakOne/mb, r.PeakRSS/mb)
	}
}

func TestPeakBeforeStartDoesNotCount(t *testing.T) {
	out, err := helperCmd("hwm", "150").Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	var got struct {
		Before, Peak int64
		Reset        bool
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("VmHWM before Start %d MB, reset %v, PeakRSS %d MB", got.Before/mb, got.Reset, got.Peak/mb)
	if got.Before < 150*mb {
		t.Fatalf("the helper's VmHWM was %d MB, want its 150 MB peak", got.Before/mb)
	}
	if !got.Reset {
		t.Skip("VmHWM cannot be reset here (/proc/self/clear_refs)")
	}
	// The 150 MB were given back before Start (under the race detector its shadow memory
	// stays resident, and counts).
	if got.Peak > got.Before-100*mb {
		t.Errorf("PeakRSS %d MB counts the peak reached before Start", got.Peak/mb)
	}
}

func TestCPUOfASpinningChild(t *testing.T) {
	s, err := Start(50 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	cpu0 := selfCPU()
	child := startHelper(t, "burn", "1000")
	if got := child.line(t); got != "burning" {
		t.Fatalf("helper said %q", got)
	}
	from := time.Since(s.start)
	out := child.line(t)
	to := time.Since(s.start)
	child.finish(t)
	r := s.Stop()
	cpu := selfCPU() - cpu0

	var childCPU, childWall int64
	if _, err := fmt.Sscan(out, &childCPU, &childWall); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	want := float64(childCPU) / float64(childWall) // 1 on an idle machine
	// The samples well inside the child's life, where it spins and this process waits.
	var sum float64
	var n int
	for i, x := range r.Samples {
		if i > 0 && r.Samples[i-1].T > from+50*time.Millisecond && x.T < to-50*time.Millisecond {
			sum += x.Cores
			n++
		}
	}
	if n < 5 {
		t.Fatalf("only %d samples inside the child's run: %+v", n, r.Samples)
	}
	mean := sum / float64(n)
	t.Logf("child used %.2f cores by its own count; the samples say %.2f (%d samples)", want, mean, n)
	if mean < want-0.25 || mean > want+0.25 || mean > 1.3 {
		t.Errorf("mean of %d samples %.2f cores, want %.2f ± 0.25", n, mean, want)
	}
	// The child's CPU moves into this process's count of its children when it is waited
	// for; it must be counted once.
	if diff := r.CPU - cpu; diff < -30*time.Millisecond || diff > 30*time.Millisecond {
		t.Errorf("Report.CPU %v, getrusage says %v", r.CPU, cpu)
	}
}

func TestDescendantsOfDescendantsCount(t *testing.T) {
	s, err := Start(20 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	cpu0 := selfCPU()
	child := startHelper(t, "spawn", "hotmem", "100") // this → child → grandchild
	if got := child.line(t); got != "ready" {
		t.Fatalf("helper said %q", got)
	}
	ready := time.Since(s.start)
	x := waitFor(t, s, ready, "of three processes with the grandchild's 100 MB", func(x Sample) bool {
		return x.Procs >= 3 && x.RSS >= 100*mb
	})
	t.Logf("sample: %+v", x)
	grandchildCPU, err := strconv.ParseInt(child.finish(t), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	r := s.Stop()
	if r.CPU < time.Duration(grandchildCPU) {
		t.Errorf("Report.CPU %v is less than the grandchild's own %v", r.CPU, time.Duration(grandchildCPU))
	}
	if cpu := selfCPU() - cpu0; r.CPU > cpu+30*time.Millisecond {
		t.Errorf("Report.CPU %v is more than getrusage's %v: counted twice?", r.CPU, cpu)
	}
	if r.PeakRSS < 100*mb {
		t.Errorf("PeakRSS %d MB", r.PeakRSS/mb)
	}
}

func TestStopEndsSampling(t *testing.T) {
	s, err := Start(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, 5*time.Millisecond, "", func(Sample) bool { return true })
	if !samplerRunning() {
		t.Fatal("no sampling goroutine while sampling")
	}
	r := s.Stop()
	if samplerRunning() {
		t.Error("the sampling goroutine is still there after Stop")
	}
	if len(r.Samples) < 3 || r.Samples[0].T != 0 || r.Samples[0].Cores != 0 {
		t.Errorf("samples %+v: want several, the first at T=0 with no Cores", r.Samples)
	}
	for i := 1; i < len(r.Samples); i++ {
		if r.Samples[i].T <= r.Samples[i-1].T {
			t.Fatalf("samples out of order at %d: %+v", i, r.Samples)
		}
	}
	if again := s.Stop(); !reflect.DeepEqual(again, r) {
		t.Error("a second Stop returned another report")
	}
	if s.Latest() != r.Samples[len(r.Samples)-1] {
		t.Error("Latest after Stop is not the last sample")
	}
	if r.Interval != time.Millisecond || r.PeakRSS <= 0 || r.PeakRSS < r.PeakSampled {
		t.Errorf("report %+v", r)
	}
}

// samplerRunning tells whether a sampling goroutine exists.
func samplerRunning() bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "usage.(*Sampler).run")
}

func TestStartDefaultInterval(t *testing.T) {
	s, err := Start(0)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Stop(); r.Interval != DefaultInterval {
		t.Errorf("Interval %v", r.Interval)
	}
}

func TestClockTicks(t *testing.T) {
	if got := clockTicks(); got != 100 {
		t.Errorf("clockTicks() = %d; USER_HZ is 100 on Linux", got)
	}
}

var keep []byte

func TestHeapAllocated(t *testing.T) {
	before := HeapAllocated()
	keep = make([]byte, 10*mb)
	got := HeapAllocated() - before
	if got < 10*mb || got > 10*mb+64<<10 {
		t.Errorf("allocating 10 MB counted %d bytes", got)
	}
	before = HeapAllocated()
	for range 1000 {
		sinkPtr = new([64]byte)
	}
	if got := HeapAllocated() - before; got < 64000 || got > 64000+8<<10 {
		t.Errorf("1000 allocations of 64 bytes counted %d bytes", got)
	}
}

var sinkPtr *[64]byte

// BenchmarkTick measures one sample of a tree of 10 processes: this one and 9 children.
func BenchmarkTick(b *testing.B) {
	for range 9 {
		startHelper(b, "hold", "1").line(b)
	}
	tr, err := newTree()
	if err != nil {
		b.Fatal(err)
	}
	tr.begin()
	tr.sample()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	var x Sample
	for b.Loop() {
		x = tr.sample()
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(x.Procs), "procs")
	if x.Procs != 10 {
		b.Errorf("%d processes in the tree, want 10", x.Procs)
	}
}
