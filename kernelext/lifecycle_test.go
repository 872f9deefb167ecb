package kernelext_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
)

// announce tells the world which process runs it, then sleeps for its input in ms.
var announce = kernelext.NewTask("announce", func(ctx context.Context, ms int) (int, error) {
	fmt.Printf("worker-started %d %d\n", os.Getpid(), ms)
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return ms, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
})

// TestHelperParent is not a test: it is the program the lifecycle tests start, kill and
// interrupt. It runs long tasks on two worker processes.
func TestHelperParent(t *testing.T) {
	if os.Getenv("KERNELEXT_HELPER_PARENT") == "" {
		t.Skip("helper process for the lifecycle tests")
	}
	inputs := []int{20, 20, 60_000, 60_000, 60_000, 60_000}
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), announce, inputs)
	fmt.Printf("run-error %v\n", err)
	fmt.Printf("finished %d of %d\n", len(inputs)-run.Failed(), len(inputs))
	// A later run after an interrupt stops at once.
	_, err = kernelext.Map(context.Background(), kernelext.Processes(2), announce, inputs)
	fmt.Printf("second-run-error %v\n", err)
}

// startParent starts the helper parent and returns it with the pids of its two workers
// once both run a long task (which worker gets which task is the pool's business).
func startParent(t *testing.T) (*exec.Cmd, *bufio.Scanner, []int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperParent$", "-test.v")
	cmd.Env = append(os.Environ(), "KERNELEXT_HELPER_PARENT=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	long := map[int]bool{}
	var pids []int
	for len(pids) < 2 && lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) == 3 && f[0] == "worker-started" && f[2] == "60000" {
			pid, _ := strconv.Atoi(f[1])
			if !long[pid] {
				long[pid] = true
				pids = append(pids, pid)
			}
		}
	}
	if len(pids) < 2 {
		t.Fatalf("the helper parent did not start two workers: %v", lines.Err())
	}
	return cmd, lines, pids
}

// alive reports whether pid runs (a zombie waiting for its reaper counts as gone).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

func waitGone(t *testing.T, pids []int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("worker %d still runs %v after its parent stopped", pid, within)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestWorkersDieWithKilledParent(t *testing.T) {
	cmd, _, pids := startParent(t)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitGone(t, pids, 2*time.Second)
}

func TestInterruptStopsTheRunAndKeepsResults(t *testing.T) {
	cmd, lines, pids := startParent(t)
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var report []string
	for lines.Scan() {
		report = append(report, lines.Text())
	}
	err := cmd.Wait()
	took := time.Since(start)
	text := strings.Join(report, "\n")
	if err != nil {
		t.Errorf("the interrupted program failed: %v\n%s", err, text)
	}
	// GoNB kills a cell 5 s after its interrupt: everything must be over well before.
	if took > 4*time.Second {
		t.Errorf("the interrupted program took %v to finish", took)
	}
	for _, want := range []string{"run-error announce · processes×2: stopped after 2 of 6 tasks: interrupted", "finished 2 of 6", "second-run-error", "stopped after 0 of 6 tasks: interrupted"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	waitGone(t, pids, time.Second)
}
