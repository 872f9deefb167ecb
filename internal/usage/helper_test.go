//go:build linux

package usage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the processes the tests sample: with helperEnv set it runs
// one of the helpers below and exits.
const helperEnv = "USAGE_TEST_HELPER"

func TestMain(m *testing.M) {
	if h := os.Getenv(helperEnv); h != "" {
		os.Exit(helper(strings.Fields(h)))
	}
	os.Exit(m.Run())
}

const mb = 1 << 20

var held []byte

// touch allocates n MB and writes to every page, so that all of it is resident.
func touch(n int) {
	held = make([]byte, n*mb)
	for i := 0; i < len(held); i += 4096 {
		held[i] = 1
	}
}

func ownCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var sink uint64

// burnUntil spins until stop returns true, checking it every few milliseconds.
func burnUntil(stop func() bool) {
	x := uint64(88172645463325252)
	for !stop() {
		for range 1_000_000 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	sink += x
}

func helper(args []string) int {
	arg := func(i int) int { n, _ := strconv.Atoi(args[i]); return n }
	switch args[0] {
	case "hold": // hold N MB until standard input closes
		touch(arg(1))
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
	case "flash": // touch N MB and exit at once
		touch(arg(1))
	case "burn": // spin for N ms of wall time and report the CPU and wall time it took
		fmt.Println("burning")
		start, cpu0 := time.Now(), ownCPU()
		burnUntil(func() bool { return time.Since(start) > time.Duration(arg(1))*time.Millisecond })
		fmt.Println(int64(ownCPU()-cpu0), int64(time.Since(start)))
	case "hotmem": // hold N MB and spin until standard input closes, then report the CPU used
		touch(arg(1))
		fmt.Println("ready")
		closed := make(chan struct{})
		go func() { io.Copy(io.Discard, os.Stdin); close(closed) }()
		burnUntil(func() bool {
			select {
			case <-closed:
				return true
			default:
				return false
			}
		})
		fmt.Println(int64(ownCPU()))
	case "spawn": // run the rest as a child, sharing standard input and output, and wait
		cmd := helperCmd(args[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	case "flashparent": // sample this process while a child touches N MB and exits
		return flashParent(arg(1))
	case "hwm": // reach a peak of N MB, let it go, then sample: the old peak must not count
		touch(arg(1))
		held = nil
		runtime.GC()
		debug.FreeOSMemory()
		before := vmHWM(os.Getpid())
		s, err := Start(time.Hour)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		r := s.Stop()
		json.NewEncoder(os.Stdout).Encode(map[string]any{"before": before, "reset": r.HWMReset, "peak": r.PeakRSS})
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", args)
		return 2
	}
	return 0
}

// flashParent is a fresh process for the test of processes that end between samples, as
// RUSAGE_CHILDREN's ru_maxrss cannot be reset: no child before this one may have peaked
// higher.
func flashParent(n int) int {
	s, err := Start(time.Hour) // no sample between Start and Stop
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cmd := helperCmd("spawn", "flash", strconv.Itoa(n)) // a grandchild, even
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r := s.Stop()
	json.NewEncoder(os.Stdout).Encode(r)
	return 0
}

// helperCmd runs the test binary as a helper.
func helperCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(args, " "))
	return cmd
}

// A running helper whose standard input the test holds and whose output it reads.
type running struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

func startHelper(t testing.TB, args ...string) *running {
	t.Helper()
	cmd := helperCmd(args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return &running{cmd, stdin, bufio.NewScanner(stdout)}
}

// line reads the helper's next line of output.
func (r *running) line(t testing.TB) string {
	t.Helper()
	if !r.out.Scan() {
		t.Fatalf("helper ended its output early: %v", r.out.Err())
	}
	return r.out.Text()
}

// finish closes the helper's standard input and waits for it, returning its last output.
func (r *running) finish(t testing.TB) string {
	t.Helper()
	r.stdin.Close()
	var last string
	for r.out.Scan() {
		last = r.out.Text()
	}
	if err := r.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	return last
}
