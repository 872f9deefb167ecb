package cpuprofile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// The test binary doubles as the worker process: with helperEnv set to a file name it
// profiles itself burning CPU at the rate in helperRate, writes the profile there and
// exits.
const (
	helperEnv  = "CPUPROFILE_TEST_HELPER_OUT"
	helperRate = "CPUPROFILE_TEST_HELPER_RATE"
	burnWork   = 150_000_000 // xorshift rounds: about 350 ms of CPU
	burnName   = "github.com/speedup-go/speedup/internal/cpuprofile.burnCPU"
)

func TestMain(m *testing.M) {
	if out := os.Getenv(helperEnv); out != "" {
		os.Exit(helper(out))
	}
	if os.Getenv(quietEnv) != "" {
		quietHelper()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	quietEnv   = "CPUPROFILE_TEST_QUIET"
	quietLines = 2000 // 100 kB: more than a pipe holds
)

// quietHelper writes the rate warning and many lines from another goroutine to standard
// error while quietly has it pointed at its pipe.
func quietHelper() {
	quietly(func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range quietLines {
				fmt.Fprintf(os.Stderr, "inside %d %s\n", i, strings.Repeat("x", 40))
			}
		}()
		fmt.Fprint(os.Stderr, rateWarning)
		<-done
	})
	fmt.Fprintln(os.Stderr, "after")
}

func helper(out string) int {
	rate, _ := strconv.Atoi(os.Getenv(helperRate))
	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "helper: starting")
	r, err := Start(f, rate)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	burnCPU(burnWork)
	if _, err := r.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "helper: done")
	return 0
}

var sink uint64

// burnCPU spins one goroutine through n rounds of xorshift: a fixed amount of CPU work,
// however busy the machine.
//
//go:noinline
func burnCPU(n int) {
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink += x
}

// runHelper profiles a child process at rate and returns its profile and standard error.
func runHelper(t *testing.T, rate int) (*profile.Profile, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "worker.pb.gz")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+out, helperRate+"="+strconv.Itoa(rate))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helper process: %v\n%s", err, stderr.String())
	}
	p, err := ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return p, stderr.String()
}

func total(t *testing.T, p *profile.Profile) time.Duration {
	t.Helper()
	cpu, err := cpuValue(p)
	if err != nil {
		t.Fatal(err)
	}
	var sum time.Duration
	for _, s := range p.Sample {
		sum += cpu(s)
	}
	return sum
}

// cumOf is the cumulative time of function in p.
func cumOf(t *testing.T, p *profile.Profile, function string) time.Duration {
	t.Helper()
	rows, err := Top(p, 0, ByCum)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Function == function {
			return r.Cum
		}
	}
	return 0
}

// TestRecordAndMergeAcrossProcesses profiles the same function in this process at 500 Hz
// and in a child process at 100 Hz, merges the two and checks that both processes' samples
// of it are there, labelled, and that the times add up.
func TestRecordAndMergeAcrossProcesses(t *testing.T) {
	var file bytes.Buffer
	r, err := Start(&file, 0)
	if err != nil {
		t.Fatal(err)
	}
	burnCPU(burnWork)
	cell, err := r.Stop()
	if err != nil {
		t.Fatal(err)
	}
	// The profile accounts for the CPU this process used meanwhile (burnCPU, mostly).
	if c := r.Coverage(); c < 0.5 || c > 1.1 {
		t.Errorf("Coverage = %.2f, want close to 1", c)
	}
	if again, err2 := r.Stop(); again != cell || err2 != nil {
		t.Error("a second Stop returned something else")
	}
	if fromFile, err := profile.Parse(&file); err != nil || len(fromFile.Sample) != len(cell.Sample) {
		t.Errorf("the writer got a different profile (%v)", err)
	}
	if cell.Period != int64(time.Second/DefaultRate) {
		t.Errorf("cell profile period %v, want %v", time.Duration(cell.Period), time.Second/DefaultRate)
	}

	worker, stderr := runHelper(t, 100)
	if worker.Period != int64(10*time.Millisecond) {
		t.Errorf("worker profile period %v, want 10ms", time.Duration(worker.Period))
	}
	if strings.Contains(stderr, "cannot set cpu profile rate") {
		t.Errorf("worker printed the rate warning:\n%s", stderr)
	}

	m, err := Merge(Source{"cell", cell}, Source{"worker 1", worker})
	if err != nil {
		t.Fatal(err)
	}
	cellTotal, workerTotal := total(t, cell), total(t, worker)
	if got := total(t, m); got != cellTotal+workerTotal {
		t.Errorf("merged total %v, want %v + %v", got, cellTotal, workerTotal)
	}
	for name, p := range map[string]*profile.Profile{"cell": cell, "worker 1": worker} {
		one := m.Copy()
		one.FilterSamplesByTag(func(s *profile.Sample) bool { return s.HasLabel(ProcessLabel, name) }, nil)
		burn, all := cumOf(t, one, burnName), total(t, p)
		t.Logf("%s: %s in burnCPU of %s (%d samples)", name, burn, all, len(p.Sample))
		// The burn is most of each process's CPU, even on a busy machine.
		if burn < 100*time.Millisecond || burn < all*7/10 {
			t.Errorf("%s: burnCPU has %v of %v in the merged profile; want most of it", name, burn, all)
		}
		if total(t, one) != all {
			t.Errorf("%s: merged %v, recorded %v", name, total(t, one), all)
		}
	}

	// go tool pprof reads the merged profile, and puts burnCPU on top.
	path := filepath.Join(t.TempDir(), "merged.pb.gz")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	gotool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gotool); err != nil {
		if gotool, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to run go tool pprof")
		}
	}
	out, err := exec.Command(gotool, "tool", "pprof", "-top", "-nodecount=5", path).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof: %v\n%s", err, out)
	}
	if top := firstRow(string(out)); !strings.HasSuffix(top, "cpuprofile.burnCPU") {
		t.Errorf("go tool pprof -top: first row %q, want burnCPU\n%s", top, out)
	}
}

// firstRow finds the first function row in go tool pprof -top output.
func firstRow(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "flat%") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

// TestQuietlyKeepsTheRest checks that what is written to standard error while the rate
// warning is hidden arrives, in order, and before what is written after.
func TestQuietlyKeepsTheRest(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), quietEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helper: %v\n%s", err, stderr.String())
	}
	var want strings.Builder
	for i := range quietLines {
		fmt.Fprintf(&want, "inside %d %s\n", i, strings.Repeat("x", 40))
	}
	want.WriteString("after\n")
	if got := stderr.String(); got != want.String() {
		t.Errorf("stderr: %d bytes, want %d; has the warning: %v", len(got), want.Len(), strings.Contains(got, rateWarning))
	}
}

func TestStartRefusesASecondProfile(t *testing.T) {
	r, err := Start(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(nil, 0); !errors.Is(err, ErrAlreadyProfiling) {
		t.Errorf("second Start: err = %v, want ErrAlreadyProfiling", err)
	}
	if _, err := r.Stop(); err != nil {
		t.Fatal(err)
	}

	// Someone else's profile, through runtime/pprof.
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		t.Fatal(err)
	}
	_, err = Start(nil, 250)
	pprof.StopCPUProfile()
	if !errors.Is(err, ErrAlreadyProfiling) {
		t.Errorf("Start under pprof.StartCPUProfile: err = %v, want ErrAlreadyProfiling", err)
	}

	// And all is well after them.
	r, err = Start(nil, 100)
	if err != nil {
		t.Fatalf("Start after the others stopped: %v", err)
	}
	p, err := r.Stop()
	if err != nil || p.Period != int64(10*time.Millisecond) {
		t.Errorf("Stop: period %v, err %v", p.Period, err)
	}
}

func TestStartRejectsBadRates(t *testing.T) {
	for _, rate := range []int{-1, MaxRate + 1} {
		if _, err := Start(nil, rate); err == nil || errors.Is(err, ErrAlreadyProfiling) {
			t.Errorf("Start(nil, %d): err = %v", rate, err)
		}
	}
}

// TestNoRateWarning checks that a child recording at 500 Hz prints what it writes to
// standard error, and not the runtime's warning.
func TestNoRateWarning(t *testing.T) {
	p, stderr := runHelper(t, 500)
	if strings.Contains(stderr, "cannot set cpu profile rate") {
		t.Errorf("stderr has the rate warning:\n%s", stderr)
	}
	if stderr != "helper: starting\nhelper: done\n" {
		t.Errorf("stderr = %q, want the helper's two lines", stderr)
	}
	if p.Period != int64(2*time.Millisecond) {
		t.Errorf("period %v, want 2ms", time.Duration(p.Period))
	}
}

// BenchmarkOverhead measures what profiling costs a CPU-bound goroutine: compare the
// cpu-ns/op of "off" with the rates (run with -benchtime=40x -count=5 on a quiet machine).
// coverage is [Recording.Coverage].
func BenchmarkOverhead(b *testing.B) {
	for _, rate := range []int{0, 100, DefaultRate, 1000} {
		name := "off"
		if rate > 0 {
			name = fmt.Sprintf("%dHz", rate)
		}
		b.Run(name, func(b *testing.B) {
			var r *Recording
			if rate > 0 {
				var err error
				if r, err = Start(nil, rate); err != nil {
					b.Fatal(err)
				}
			}
			c0 := processCPU()
			for b.Loop() {
				burnCPU(10_000_000)
			}
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
			if r != nil {
				if _, err := r.Stop(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.Coverage(), "coverage")
			}
		})
	}
}
