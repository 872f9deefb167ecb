package cpuprofile

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// A TrimReport says how a profile's CPU time splits between the task and everything
// outside it, as found by [Trim]. Total = Task + GC + Runtime + IO + Other.
type TrimReport struct {
	Total time.Duration // every sample
	Task  time.Duration // samples below a boundary frame: the task, kept by Trim

	// The rest, by the first kind that matches a frame of the sample's stack:
	GC      time.Duration // garbage collection: mark workers, assists, sweeping, scavenging
	IO      time.Duration // system calls, pipes and files, encoding/gob and bufio: the harness moving data
	Runtime time.Duration // scheduler and other runtime work with only runtime frames
	Other   time.Duration // the rest: the harness's and main's own code
}

// Outside is the CPU time spent outside the task.
func (r TrimReport) Outside() time.Duration { return r.Total - r.Task }

// OutsideFraction is [TrimReport.Outside] as a fraction of Total, 0 for an empty profile.
func (r TrimReport) OutsideFraction() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Outside()) / float64(r.Total)
}

// Trim returns a copy of p that keeps, of each sample's stack, only the frames below (called
// by) the deepest frame whose function name satisfies boundary, so that a flame graph of
// it starts at the task; samples with no such frame, or where that frame is the leaf, are
// dropped and accounted in the report by kind. Inlined frames count as frames: a
// boundary inlined into its caller, or a task inlined into the boundary, is cut all the
// same. p is not modified; labels (such as [ProcessLabel]) are kept.
//
// boundary should match the harness function that calls the task, and only that; for
// instance regexp.MustCompile(`^github\.com/speedup-go/speedup/kernelext\.safeCall\b`).MatchString
// (generic functions are named with a [...] suffix). A looser match, such as every function
// of the harness's package, also counts as task whatever the harness itself calls, for
// example the encoding of results on their way to the parent, and cuts the task where it
// calls back into that package. The error reports a profile with no CPU time in it.
func Trim(p *profile.Profile, boundary func(function string) bool) (*profile.Profile, TrimReport, error) {
	var rep TrimReport
	cpu, err := cpuValue(p)
	if err != nil {
		return nil, rep, fmt.Errorf("cpuprofile: %w", err)
	}
	q := p.Copy()
	var nextID uint64
	for _, l := range q.Location {
		nextID = max(nextID, l.ID)
	}
	type cut struct {
		id uint64
		n  int
	}
	partial := map[cut]*profile.Location{}
	var kept []*profile.Sample
	for _, s := range q.Sample {
		d := cpu(s)
		rep.Total += d
		li, k, found := deepest(s, boundary)
		if !found || (li == 0 && k == 0) {
			switch classify(s) {
			case kindGC:
				rep.GC += d
			case kindIO:
				rep.IO += d
			case kindRuntime:
				rep.Runtime += d
			default:
				rep.Other += d
			}
			continue
		}
		rep.Task += d
		stack := s.Location[:li:li]
		if k > 0 { // the boundary is inlined into location li: keep its callees' lines
			loc := s.Location[li]
			c := cut{loc.ID, k}
			if partial[c] == nil {
				nextID++
				l := *loc
				l.ID = nextID
				l.Line = loc.Line[:k:k]
				partial[c] = &l
				q.Location = append(q.Location, &l)
			}
			stack = append(stack, partial[c])
		}
		s.Location = stack
		kept = append(kept, s)
	}
	q.Sample = kept
	return q.Compact(), rep, nil
}

// deepest finds the leaf-most frame of s satisfying boundary: location li, line k (a
// location's lines run from the innermost inlined function to its outermost caller).
func deepest(s *profile.Sample, boundary func(string) bool) (li, k int, found bool) {
	for li, loc := range s.Location {
		for k, line := range loc.Line {
			if line.Function != nil && boundary(line.Function.Name) {
				return li, k, true
			}
		}
	}
	return 0, 0, false
}

type kind int

const (
	kindOther kind = iota
	kindGC
	kindIO
	kindRuntime
)

var (
	gcFrames = []string{"runtime.gc", "runtime.bgsweep", "runtime.bgscavenge", "runtime.markroot",
		"runtime.scanobject", "runtime.scanstack", "runtime.sweepone", "runtime.GC", "runtime._GC",
		"runtime.runfinq", "runtime.forcegchelper", "runtime.(*gcWork)", "runtime.(*sweepLocked)"}
	ioFrames = []string{"syscall.", "internal/poll.", "internal/syscall/", "os.(*File).", "os.Pipe",
		"os/exec.", "encoding/gob.", "encoding/binary.", "bufio.", "io.", "runtime.netpoll"}
	runtimeFrames = []string{"runtime.", "internal/runtime/", "runtime/internal/"}
)

func hasPrefix(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// classify tells what a sample outside the task was doing.
func classify(s *profile.Sample) kind {
	allRuntime := true
	io := false
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			name := line.Function.Name
			if hasPrefix(name, gcFrames) {
				return kindGC
			}
			io = io || hasPrefix(name, ioFrames)
			allRuntime = allRuntime && hasPrefix(name, runtimeFrames)
		}
	}
	switch {
	case io:
		return kindIO
	case allRuntime:
		return kindRuntime
	}
	return kindOther
}
