package kernelext

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/pprof/profile"
	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/internal/cpuprofile"
)

// envProfile tells a worker process to record a CPU profile while it serves, and to write
// it to this path prefix, followed by "-<pid>.pb.gz", when its pipe closes.
const envProfile = "SPEEDUP_KERNELEXT_PROFILE"

// taskFrame is the function of this package that calls a task's function: the flame graph
// starts below it, and what lies elsewhere (the pool, pipes, the GC) is "outside the task".
const taskFrame = "github.com/speedup-go/speedup/kernelext.call["

// While a profile is recorded, call labels each task's goroutine with taskLabels; the
// goroutines a task starts inherit the label, and adoptSpawned counts them as the task's.
var (
	profilingTasks atomic.Bool
	taskLabels     = pprof.Labels(taskLabel, "task")
)

const (
	taskLabel    = "kernelext"
	spawnedFrame = "(goroutines the task started)"
)

// Profile records where the CPU time goes, as pprof does: a CPU profile of each run (of
// every timed run of each strategy in [Compare]), of this process and of its worker
// processes, merged into one per strategy. [Comparison.Show] and [Run.Show] then draw it as
// a flame graph from the task's function down, with a table of the top functions, say how
// much time went outside the task (the pool, pipes, the garbage collector), and save it as
// profiles/TITLE-STRATEGY.pb.gz beside the notebook (in the working folder outside one),
// which go tool pprof opens. Profiling costs about 1 % of CPU time.
func Profile() Option { return func(c *config) { c.profile = true } }

// profiling is the CPU profile of one run in progress: this process's recording, and the
// prefix of the files its worker processes write theirs to.
type profiling struct {
	rec    *cpuprofile.Recording
	prefix string
	dir    string
}

// startProfiling starts recording this process and tells worker processes to record
// themselves (through the environment they inherit).
func startProfiling() (*profiling, error) {
	dir, err := os.MkdirTemp("", "speedup-profile-")
	if err != nil {
		return nil, fmt.Errorf("profiling: %w", err)
	}
	rec, err := cpuprofile.Start(nil, 0)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("profiling: %w", err)
	}
	p := &profiling{rec: rec, dir: dir, prefix: filepath.Join(dir, "worker")}
	os.Setenv(envProfile, p.prefix)
	profilingTasks.Store(true)
	return p, nil
}

// stop ends the recording and merges this process's profile with its workers'.
func (p *profiling) stop() (*profile.Profile, error) {
	os.Unsetenv(envProfile)
	profilingTasks.Store(false)
	defer os.RemoveAll(p.dir)
	cell, err := p.rec.Stop()
	if err != nil {
		return nil, fmt.Errorf("profiling: %w", err)
	}
	srcs := []cpuprofile.Source{{Process: "cell", Profile: cell}}
	files, _ := filepath.Glob(p.prefix + "-*.pb.gz")
	for _, f := range files {
		wp, err := cpuprofile.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("profiling: a worker's profile: %w", err)
		}
		srcs = append(srcs, cpuprofile.Source{Process: "worker " + strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "worker-"), ".pb.gz"), Profile: wp})
	}
	return cpuprofile.Merge(srcs...)
}

// profileWorker starts recording a worker process when its parent asked for it, and returns
// what writes the profile out when the worker is done.
func profileWorker() (finish func()) {
	prefix := os.Getenv(envProfile)
	if prefix == "" {
		return func() {}
	}
	rec, err := cpuprofile.Start(nil, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kernelext worker: profiling: %v\n", err)
		return func() {}
	}
	profilingTasks.Store(true)
	return func() {
		p, err := rec.Stop()
		if err == nil {
			err = cpuprofile.WriteFile(prefix+"-"+strconv.Itoa(os.Getpid())+".pb.gz", p)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "kernelext worker: profiling: %v\n", err)
		}
	}
}

// mergeProfiles adds run's profile to what a row has so far.
func mergeProfiles(sofar, run *profile.Profile) (*profile.Profile, error) {
	if sofar == nil {
		return run, nil
	}
	return profile.Merge([]*profile.Profile{sofar, run})
}

// saveProfile writes p as profiles/NAME.pb.gz beside the notebook ($GONB_DIR), or in the
// working folder outside one, and returns the path.
func saveProfile(name string, p *profile.Profile) (string, error) {
	dir := "profiles"
	if nb := os.Getenv("GONB_DIR"); nb != "" {
		dir = filepath.Join(nb, "profiles")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, slug(name)+".pb.gz")
	return path, cpuprofile.WriteFile(path, p)
}

// showProfile displays a profile of tasks runs of the task: a line saying how much CPU time
// went into the task and how much outside it, what the task spent its time on, the flame
// graph of the task, and where the profile was saved.
func showProfile(title string, p *profile.Profile, profErr error, tasks int) {
	if profErr != nil {
		showNote(fmt.Sprintf("%s: no profile: %v", title, profErr))
		return
	}
	if p == nil {
		return
	}
	task, rep, err := cpuprofile.Trim(adoptSpawned(p), func(fn string) bool { return strings.HasPrefix(fn, taskFrame) })
	if err != nil {
		showNote(fmt.Sprintf("%s: reading the profile: %v", title, err))
		return
	}
	tree, err := cpuprofile.Tree(task, 0.001)
	if err != nil {
		showNote(fmt.Sprintf("%s: reading the profile: %v", title, err))
		return
	}
	path, err := saveProfile(title, p)
	saved := fmt.Sprintf("saved as %s (go tool pprof -http=: %s)", path, path)
	if err != nil {
		saved = fmt.Sprintf("not saved: %v", err)
	}
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / max(rep.Total.Seconds(), 1e-9) }
	showNote(fmt.Sprintf("%s, CPU profile: %s of CPU, %.0f%% in the task; outside it: GC %.0f%%, moving data (pipes, encoding) %.0f%%, scheduler and runtime %.0f%%, the rest %.0f%%; %s",
		title, formatDuration(rep.Total), pct(rep.Task), pct(rep.GC), pct(rep.IO), pct(rep.Runtime), pct(rep.Other), saved))
	if top := callees(tree); len(top) > 0 {
		var parts []string
		for _, n := range top[:min(len(top), 4)] {
			parts = append(parts, fmt.Sprintf("%s %.0f%% (%s a task)", shortName(n.Name), 100*n.Value.Seconds()/max(rep.Task.Seconds(), 1e-9),
				formatDuration(n.Value/time.Duration(max(tasks, 1)))))
		}
		showNote(fmt.Sprintf("%s, inside the task: %s", title, strings.Join(parts, ", ")))
	}
	Display(charts.Flame(title+": where the CPU time went (task only)", "CPU seconds", flameNode(tree)))
}

// adoptSpawned returns a copy of p in which the samples of goroutines a task started (they
// carry the task's label, not its caller's frame) hang below a frame named spawnedFrame
// under a frame of call, so that they count as the task's.
func adoptSpawned(p *profile.Profile) *profile.Profile {
	p = p.Copy()
	var nextFn, nextLoc uint64
	for _, f := range p.Function {
		nextFn = max(nextFn, f.ID)
	}
	for _, l := range p.Location {
		nextLoc = max(nextLoc, l.ID)
	}
	frame := func(name string) *profile.Location {
		nextFn++
		nextLoc++
		f := &profile.Function{ID: nextFn, Name: name, SystemName: name}
		p.Function = append(p.Function, f)
		l := &profile.Location{ID: nextLoc, Line: []profile.Line{{Function: f}}}
		p.Location = append(p.Location, l)
		return l
	}
	var spawned, caller *profile.Location
	for _, s := range p.Sample {
		if len(s.Label[taskLabel]) == 0 || underTask(s) {
			continue
		}
		if spawned == nil {
			spawned, caller = frame(spawnedFrame), frame(taskFrame+"spawned]")
		}
		s.Location = append(slices.Clip(s.Location), spawned, caller) // Clip: samples may share an array
	}
	return p
}

// underTask reports whether the sample's stack passes through call.
func underTask(s *profile.Sample) bool {
	for _, l := range s.Location {
		for _, ln := range l.Line {
			if ln.Function != nil && strings.HasPrefix(ln.Function.Name, taskFrame) {
				return true
			}
		}
	}
	return false
}

// callees are what the task's function spends its time on: the children of the first frame
// below the root that calls more than one function, largest first.
func callees(n cpuprofile.Node) []cpuprofile.Node {
	for len(n.Children) == 1 {
		n = n.Children[0]
	}
	return n.Children
}

// shortName drops a function's import path but for its last element:
// "github.com/disintegration/imaging.Resize" is "imaging.Resize".
func shortName(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// flameNode converts a profile's tree for a chart.
func flameNode(n cpuprofile.Node) charts.FlameNode {
	out := charts.FlameNode{Name: n.Name, Value: n.Value.Seconds()}
	for _, ch := range n.Children {
		out.Children = append(out.Children, flameNode(ch))
	}
	return out
}
