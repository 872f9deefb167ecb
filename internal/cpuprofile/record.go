// Package cpuprofile records, merges and summarises CPU profiles of a program and of the
// worker processes it starts, so a notebook can show where a job's time went.
//
// It is a thin layer over [runtime/pprof] (recording) and [github.com/google/pprof/profile]
// (the profile.proto data model that go tool pprof reads): [Start] records this process at
// a finer rate than pprof's fixed 100 Hz, [Merge] joins the profiles of several processes
// of the same binary into one, tagging each sample with its process, [Trim] cuts away the
// harness frames above the task, and [Tree] and [Top] turn a profile into a flame graph
// and a table. Every function reads CPU time from the profile's "cpu" sample type (or from
// its sample counts times the period), so profiles recorded at different rates add up.
package cpuprofile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/google/pprof/profile"
)

// DefaultRate is the sampling rate, in samples per second of CPU time, that [Start] uses
// when given 0. At pprof's own 100 Hz a 1 s single-core run yields about 100 samples, too
// few to tell apart functions that take a few percent; 250 Hz gives 2.5 times as many, for
// no measurable extra cost: a 1 s CPU-bound run took 942 ms of CPU unprofiled, 939 ms at
// 100 Hz and 938 ms at 250 Hz (medians of 7, noise ±3%), and Stop about 0.8 ms more.
//
// It is not higher because on Linux the per-thread CPU timers Go samples with are checked
// once per kernel tick (CONFIG_HZ: 250 on Debian and on these machines, 1000 on some
// distributions, 100 on some cloud kernels), and an expiry missed is a sample lost, each
// remaining sample still weighing 1/rate. Above the tick rate the profile gets no more
// samples and under-reports CPU time by the ratio: here a CPU-bound run profiled at
// 1000 Hz showed 24-28% of its CPU time, at 500 Hz 47-50%. Close to it, threads that are
// often preempted lose samples too: on a 2-core machine shared with other work (load 10
// to 20), 250 Hz kept 68-96% of the CPU time and 100 Hz 89-100%. [Recording.Coverage]
// tells what happened; pass 100 to [Start] where the machine is oversubscribed.
const DefaultRate = 250

// MaxRate is the highest rate [Start] accepts.
const MaxRate = 10000

// ErrAlreadyProfiling is returned by [Start] when this process is already recording a CPU
// profile, through this package, [pprof.StartCPUProfile] or go test -cpuprofile. A process
// can record one CPU profile at a time.
var ErrAlreadyProfiling = errors.New("cpuprofile: CPU profiling is already enabled in this process")

// rateWarning is what runtime.SetCPUProfileRate prints when profiling is already on.
const rateWarning = "runtime: cannot set cpu profile rate until previous profile has finished.\n"

var (
	mu     sync.Mutex
	active *Recording // the recording this package started and has not stopped
)

// A Recording is a CPU profile of this process in progress, started by [Start].
type Recording struct {
	once     sync.Once
	buf      bytes.Buffer // a copy of everything pprof wrote
	cpu0     time.Duration
	coverage float64
	p        *profile.Profile
	err      error
}

// Start begins recording a CPU profile of this process at rate samples per second (0 means
// [DefaultRate]), and writes it, gzipped profile.proto as go tool pprof reads it, to w when
// [Recording.Stop] is called; w may be nil, the profile is kept in memory either way.
//
// runtime/pprof fixes the rate at 100 Hz; to use another, Start sets it with
// [runtime.SetCPUProfileRate] first, and then [pprof.StartCPUProfile] tries to set 100 Hz,
// fails and the runtime prints a one-line warning to standard error. On Unix, Start
// removes that warning: for the few microseconds of the call it points file descriptor 2
// at a pipe, with [syscall.ForkLock] held so that no child process inherits the pipe, then
// restores it and copies whatever else was written meanwhile to the real standard error.
// Elsewhere the warning is printed. With rate 100 none of this happens.
//
// Start returns [ErrAlreadyProfiling] if a CPU profile is already being recorded, and an
// error for a rate outside 0..[MaxRate]. A profile started with runtime.SetCPUProfileRate
// alone, bypassing runtime/pprof, is not detected.
func Start(w io.Writer, rate int) (*Recording, error) {
	if rate == 0 {
		rate = DefaultRate
	}
	if rate < 0 || rate > MaxRate {
		return nil, fmt.Errorf("cpuprofile: rate %d Hz outside 1..%d", rate, MaxRate)
	}
	mu.Lock()
	defer mu.Unlock()
	if active != nil {
		return nil, ErrAlreadyProfiling
	}
	r := &Recording{}
	dst := io.Writer(&r.buf)
	if w != nil {
		dst = io.MultiWriter(&r.buf, w)
	}
	var err error
	if rate == 100 {
		err = pprof.StartCPUProfile(dst)
	} else {
		quietly(func() {
			runtime.SetCPUProfileRate(rate)
			err = pprof.StartCPUProfile(dst)
		})
	}
	if err != nil {
		// runtime/pprof's only error: a profile is already running. Our
		// SetCPUProfileRate above then did nothing but warn.
		return nil, fmt.Errorf("%w (%v)", ErrAlreadyProfiling, err)
	}
	active = r
	r.cpu0 = processCPU()
	return r, nil
}

// Stop ends the recording, writes the profile to the writer given to [Start] and returns
// it parsed. It blocks until the profile is complete (a few milliseconds). Calling Stop
// again returns the same profile and error. The error reports a profile that does not
// parse, which would be a bug in the runtime.
func (r *Recording) Stop() (*profile.Profile, error) {
	r.once.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		if active == r {
			used := processCPU() - r.cpu0
			pprof.StopCPUProfile()
			active = nil
			defer func() {
				if r.err == nil && used > 0 {
					r.coverage = float64(totalCPU(r.p)) / float64(used)
				}
			}()
		}
		r.p, r.err = profile.ParseData(r.buf.Bytes())
		if r.err != nil {
			r.err = fmt.Errorf("cpuprofile: reading the recorded profile: %w", r.err)
		}
	})
	return r.p, r.err
}

// Coverage is the CPU time in the profile as a fraction of the CPU time this process used
// while it was recorded (getrusage), once [Recording.Stop] has returned; 0 before that, or
// where getrusage is not available. Close to 1 means the samples account for the
// process's work: expect 0.9 to 1 on a quiet machine, less when threads are often
// preempted (a delayed timer check loses samples), and about kernel tick rate ÷ sampling
// rate when the rate is above the kernel's (see [DefaultRate]).
func (r *Recording) Coverage() float64 {
	return r.coverage
}

func totalCPU(p *profile.Profile) time.Duration {
	cpu, err := cpuValue(p)
	if err != nil {
		return 0
	}
	var sum time.Duration
	for _, s := range p.Sample {
		sum += cpu(s)
	}
	return sum
}

// ReadFile reads a profile written by [Recording.Stop] or [WriteFile], or any other format
// [profile.Parse] understands (gzipped or plain profile.proto, legacy text formats).
func ReadFile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %s: %w", path, err)
	}
	return p, nil
}

// WriteFile writes p to path as gzipped profile.proto (conventionally named .pb.gz), the
// format go tool pprof opens. Profiles from [Merge] and [Trim] carry their function names,
// so pprof needs no binary to show them.
func WriteFile(path string, p *profile.Profile) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("cpuprofile: writing %s: %w", path, err)
	}
	return f.Close()
}
