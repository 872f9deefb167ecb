package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run speedup-kernel on a fake gonb that starts what GoNB starts: gopls in a
// process group of its own, with a child; a cell program with two workers in groups of
// their own; build steps named go, goimports and compile; and a daemon that leaves an
// orphan that ignores SIGTERM. All of them are this test binary, copied or linked under
// those names (a process's name is its executable's), and each role is picked by the name
// it runs under. Each fake process writes DIR/<name>.<pid> when it starts and appends a
// line to DIR/<name>.<pid>.sigint for each SIGINT it gets.

const envDir = "SPEEDUP_FAKE_DIR" // where the fakes write; the scenario is in envScenario
const envScenario = "SPEEDUP_FAKE_SCENARIO"

func TestMain(m *testing.M) {
	switch filepath.Base(os.Args[0]) {
	case "speedup-kernel":
		main()
	case "server":
		fakeServer()
	case "gonb":
		fakeGonb()
	case "go", "goimports", "compile", "gopls", "gonb_fake", "daemon":
		fakeChild()
	default:
		os.Exit(m.Run())
	}
}

// bin holds the test binary under every name: speedup-kernel is a copy, since the leader
// re-executes os.Executable(), which resolves links.
var bin string

func setup(t *testing.T) (dir string) {
	t.Helper()
	if bin == "" {
		bin = t.TempDir()
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, self, filepath.Join(bin, "speedup-kernel"))
		for _, name := range []string{"server", "gonb", "go", "goimports", "compile", "gopls", "gonb_fake", "daemon"} {
			if err := os.Symlink(self, filepath.Join(bin, name)); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { bin = "" })
	}
	dir = t.TempDir()
	t.Cleanup(func() { // whatever a failed test left
		for _, p := range living(dir) {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
		}
	})
	return dir
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// kernel starts speedup-kernel on the fake gonb, as Jupyter does (a new session), and
// waits until the fakes that scenario starts are up.
func kernel(t *testing.T, dir, scenario string, want map[string]int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "speedup-kernel"), "--gonb", filepath.Join(bin, "gonb"), "--", "--kernel", "x.json")
	cmd.Env = append(os.Environ(), envDir+"="+dir, envScenario+"="+scenario)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		for _, p := range started(dir) {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
		}
	})
	waitFor(t, fmt.Sprintf("the fakes %v", want), 20*time.Second, func() bool {
		n := map[string]int{}
		for _, p := range started(dir) {
			n[p.Comm]++
		}
		for name, k := range want {
			if n[name] < k {
				return false
			}
		}
		return true
	})
	return cmd
}

// started lists the fakes that wrote their start file in dir.
func started(dir string) []proc {
	var out []proc
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name, pid, ok := strings.Cut(e.Name(), ".")
		if n, err := strconv.Atoi(pid); ok && err == nil {
			out = append(out, proc{PID: n, Comm: name})
		}
	}
	return out
}

// living lists the fakes of dir that still run.
func living(dir string) []proc {
	var out []proc
	for _, p := range started(dir) {
		if q, ok := readProc(p.PID); ok && q.State != 'Z' && q.Comm == p.Comm {
			out = append(out, q)
		}
	}
	return out
}

// sigints counts the SIGINTs each fake of dir got, by name: those it recorded, and those
// its parent recorded when it died of SIGINT before it could announce itself.
func sigints(dir string) map[string]int {
	n := map[string]int{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if name, rest, ok := strings.Cut(e.Name(), "."); ok && strings.HasSuffix(rest, ".sigint") {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			n[name] += strings.Count(string(b), "\n")
		}
	}
	return n
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func assertAllGone(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(living(dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := living(dir); len(left) > 0 {
		t.Fatalf("processes outlived the kernel: %s", names(left))
	}
}

// assertNoPipe checks that the guardian removed the named pipe of the fake cell program.
func assertNoPipe(t *testing.T, dir string) {
	t.Helper()
	gone := func() bool { _, err := os.Lstat(filepath.Join(dir, "gonb_pipe_1")); return err != nil }
	for deadline := time.Now().Add(5 * time.Second); !gone() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond) // the guardian removes it once the processes are gone
	}
	if !gone() {
		t.Error("the cell program's named pipe gonb_pipe_1 is left")
	}
}

var everything = map[string]int{"gonb": 1, "gopls": 2, "gonb_fake": 3, "daemon": 2}

func TestNothingOutlivesTheKernel(t *testing.T) {
	for _, ending := range []string{"leader group killed", "server killed", "terminated", "gonb exits"} {
		t.Run(ending, func(t *testing.T) {
			dir := setup(t)
			if ending == "server killed" {
				server := exec.Command(filepath.Join(bin, "server"))
				server.Env = append(os.Environ(), envDir+"="+dir, envScenario+"=tree")
				// The kernel's stderr is a pipe read by a process that dies with the server
				// (jupyter lab | tee log, then Control-C): its logging must not kill it.
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				server.Stderr = w
				if err := server.Start(); err != nil {
					t.Fatal(err)
				}
				w.Close()
				go func() { _, _ = io.Copy(os.Stderr, r) }()
				t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
				waitFor(t, "the fakes", 20*time.Second, func() bool { return len(started(dir)) >= 8 })
				_ = server.Process.Kill()
				_ = server.Wait()
				r.Close()
				assertAllGone(t, dir)
				assertNoPipe(t, dir)
				return
			}
			scenario := "tree"
			if ending == "gonb exits" {
				scenario = "tree-exit"
			}
			cmd := kernel(t, dir, scenario, everything)
			switch ending {
			case "leader group killed":
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // jupyter_client's kill
			case "terminated":
				_ = cmd.Process.Signal(syscall.SIGTERM)
			case "gonb exits":
				_ = os.WriteFile(filepath.Join(dir, "exit"), nil, 0o644)
			}
			err := cmd.Wait()
			assertAllGone(t, dir)
			assertNoPipe(t, dir)
			if ending != "leader group killed" {
				// The fake gonb exits with status 7: the leader passes it on.
				if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 7 {
					t.Errorf("speedup-kernel ended with %v, want exit status 7 (gonb's)", err)
				}
			}
		})
	}
}

func TestInterrupt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		scenario string
		want     map[string]int // SIGINTs each fake gets
	}{
		// A build step (go, with the compiler below it) runs: gonb and the step get SIGINT.
		{"during a build step", "build", map[string]int{"gonb": 1, "go": 1, "compile": 1}},
		// The program runs: only gonb gets it from the guardian, and passes it on, once.
		{"during the program", "program", map[string]int{"gonb": 1, "gonb_fake": 1}},
		// Between two steps: the step that starts next gets it.
		{"between two steps", "gap", map[string]int{"gonb": 1, "goimports": 1}},
		// A cell sent just before the interrupt that GoNB begins 1 s later (a busy machine):
		// its first step gets it.
		{"a cell begun late", "late", map[string]int{"gonb": 1, "goimports": 1}},
		// On an idle kernel: a cell that starts later is left alone.
		{"idle", "idle", map[string]int{"gonb": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := setup(t)
			want := map[string]int{"gonb": 1, "gopls": 2}
			switch tc.scenario {
			case "build":
				want["go"], want["compile"] = 1, 1
			case "program":
				want["gonb_fake"] = 3
			}
			cmd := kernel(t, dir, tc.scenario, want)
			_ = cmd.Process.Signal(syscall.SIGINT)
			time.Sleep(interruptWindow + 900*time.Millisecond) // the "idle" fake starts goimports after interruptWindow + 0.5 s
			if got := sigints(dir); !equal(got, tc.want) {
				t.Errorf("SIGINTs received: %v, want %v", got, tc.want)
			}
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			assertAllGone(t, dir)
		})
	}
}

func equal(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// --- the fakes -----------------------------------------------------------------------------

// fakeServer is the Jupyter server: it starts the kernel and waits to be killed.
func fakeServer() {
	cmd := exec.Command(filepath.Join(filepath.Dir(os.Args[0]), "speedup-kernel"),
		"--gonb", filepath.Join(filepath.Dir(os.Args[0]), "gonb"), "--", "--kernel", "x.json")
	cmd.Env = append(os.Environ(), "JPY_PARENT_PID="+strconv.Itoa(os.Getpid())) // as jupyter_client does
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	for {
		time.Sleep(time.Hour)
	}
}

// fakeGonb starts what the scenario says and, like GoNB, passes SIGINT on to the cell's
// program and exits on SIGTERM (with status 7, to check that it is passed on) without
// stopping what it started.
func fakeGonb() {
	dir := os.Getenv(envDir)
	scenario := os.Getenv(envScenario)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	announce()
	start("gopls", true, "telemetry")
	var program *exec.Cmd
	switch scenario {
	case "tree", "tree-exit":
		// GoNB gives the program two named pipes, and removes them when the program ends.
		pipe := filepath.Join(dir, "gonb_pipe_1")
		if err := syscall.Mkfifo(pipe, 0o600); err != nil {
			panic(err)
		}
		os.Setenv("GONB_PIPE", pipe)
		program = start("gonb_fake", false, "workers")
		start("daemon", false, "fork")
	case "build":
		start("go", false, "compile")
	case "program":
		program = start("gonb_fake", false, "workers")
	}
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGTERM {
				os.Exit(7)
			}
			record(filepath.Base(os.Args[0]), os.Getpid())
			if program != nil {
				_ = program.Process.Signal(syscall.SIGINT)
			}
			switch scenario {
			case "gap":
				time.Sleep(30 * time.Millisecond)
				start("goimports", false)
			case "late":
				time.Sleep(time.Second)
				start("goimports", false)
			case "idle":
				time.Sleep(interruptWindow + 500*time.Millisecond)
				start("goimports", false)
			}
		case <-time.After(20 * time.Millisecond):
			if _, err := os.Stat(filepath.Join(dir, "exit")); err == nil {
				os.Exit(7)
			}
		}
	}
}

// fakeChild is every other process: it starts its own children, then sleeps, recording
// SIGINTs. Build steps die of SIGINT, as go and goimports do; the orphaned daemon ignores
// SIGTERM.
func fakeChild() {
	name := filepath.Base(os.Args[0])
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT) // before announcing: the test signals announced fakes
	announce()
	arg := ""
	if len(os.Args) > 1 {
		arg = os.Args[1]
	}
	switch arg {
	case "telemetry":
		start("gopls", false)
	case "workers":
		start("gonb_fake", true)
		start("gonb_fake", true)
	case "compile":
		start("compile", false)
	case "fork":
		start("daemon", false, "orphan")
		os.Exit(0)
	}
	if arg == "orphan" {
		signal.Ignore(syscall.SIGTERM)
	}
	for range sigs {
		record(name, os.Getpid())
		if slices.Contains([]string{"go", "goimports", "compile"}, name) {
			os.Exit(130)
		}
	}
}

// start runs the fake called name (in a process group of its own if pgid).
func start(name string, pgid bool, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(filepath.Dir(os.Args[0]), name), args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: pgid}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	go func() {
		// A child that died of SIGINT before it could record it (before its handler was
		// installed) is recorded by its parent.
		if cmd.Wait() != nil && cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGINT {
			record(name, cmd.Process.Pid)
		}
	}()
	return cmd
}

func announce() {
	_ = os.WriteFile(filepath.Join(os.Getenv(envDir), fmt.Sprintf("%s.%d", filepath.Base(os.Args[0]), os.Getpid())), nil, 0o644)
}

func record(name string, pid int) {
	f, err := os.OpenFile(filepath.Join(os.Getenv(envDir), fmt.Sprintf("%s.%d.sigint", name, pid)),
		os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(f, "SIGINT")
		f.Close()
	}
}

// interruptStep must tell a step that got the interrupt from one that ended on its own:
// the race behind an interrupt that let a cell run to completion (the step, a go get, was
// exiting as the signal came). Here "gonb" is a shell that starts three steps and never
// reaps them: one that has ended (a zombie), one that runs, and one that ignores SIGINT
// (sh ignores it in background jobs) and ends 0.2 s later, with status 0.
func TestInterruptStep(t *testing.T) {
	gonb := exec.Command("sh", "-c", "true & env --default-signal=INT sleep 30 & sleep 0.2 & exec sleep 60")
	if err := gonb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = gonb.Process.Kill(); _ = gonb.Wait() }()
	g := &guardian{gonb: gonb.Process.Pid, pipes: map[string]bool{}}
	var ended, running, ending proc
	waitFor(t, "the three steps, one ended", 10*time.Second, func() bool {
		for _, p := range readProcs() {
			switch {
			case p.PPID != g.gonb:
			case p.State == 'Z':
				ended = p
			case command(p) == "sleep 30":
				running = p
			case command(p) == "sleep 0.2":
				ending = p
			}
		}
		return ended.PID != 0 && running.PID != 0 && ending.PID != 0
	})
	tbl := readProcs()

	if g.interruptStep(tbl, ended, "a step that had ended") {
		t.Error("a step that had ended (a zombie, exit status 0): interruptStep says it got the signal")
	}
	if g.interruptStep(tbl, ending, "a step that ends with status 0 all the same") {
		t.Error("a step that did not die of SIGINT but ended with status 0: interruptStep says it got the signal")
	}
	if !g.interruptStep(tbl, running, "a running step") {
		t.Error("a running step: interruptStep says it did not get the signal")
	}
	if p, ok := readProc(running.PID); !ok || p.State != 'Z' || !p.Exit.Signaled() || p.Exit.Signal() != syscall.SIGINT {
		t.Errorf("the running step: %+v, want a zombie killed by SIGINT", p)
	}
	if p, ok := readProc(g.gonb); !ok || p.State == 'T' {
		t.Errorf("gonb is left stopped: %+v", p)
	}
	gone := proc{PID: 1 << 22, PPID: g.gonb, Comm: "go", State: 'S'} // past pid_max: no such process
	if g.interruptStep(tbl, gone, "a step that is gone") {
		t.Error("a step that is gone: interruptStep says it got the signal")
	}
}
