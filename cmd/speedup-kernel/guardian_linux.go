package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/speedup-go/speedup/internal/procfs"
	"golang.org/x/sys/unix"
)

const (
	// stopGrace is how long gonb may take to shut down after SIGTERM (it stops gopls and
	// removes its temporary folder) before it gets SIGKILL.
	stopGrace = 3 * time.Second
	// leftoverGrace is how long the processes left below the guardian once gonb is gone may
	// take to exit after SIGTERM before they get SIGKILL.
	leftoverGrace = time.Second
	// cleanupLimit bounds the whole clean-up, in case a process cannot be killed (stuck in
	// the kernel, state D): the guardian then exits anyway, saying which.
	cleanupLimit = 30 * time.Second
	// interruptPoll is how often the guardian looks for the first build step or program of
	// a cell interrupted between two steps (or before GoNB began it), and interruptWindow
	// how long it looks. GoNB starts the first step of a cell it has just received within
	// 20 ms on a quiet machine; on a busy 2-core one it once took over 0.3 s.
	interruptPoll   = 10 * time.Millisecond
	interruptWindow = 2 * time.Second
	// stepGrace is how long a build step that got SIGINT may take to die while gonb is
	// held stopped (see interruptStep); go, goimports and the compiler die at once.
	stepGrace = 500 * time.Millisecond
)

// The guardian starts gonb from the main goroutine with a parent-death signal, which Linux
// sends when the *thread* that forked exits: keep that thread for the life of the process.
func init() { runtime.LockOSThread() }

// guardian is the state of the guardian process: gonb, and what an interrupt left to do.
type guardian struct {
	gonb   int
	exited bool
	status syscall.WaitStatus

	pending bool      // an interrupt that fell between two steps of a cell (or on an idle kernel)
	since   time.Time // when it arrived

	pipes map[string]bool // named pipes of cell programs, to remove once they are gone
}

// guard runs gonb as a child subreaper, and returns once gonb and every process below the
// guardian are gone, with gonb's exit status.
func guard(gonb string, args []string) int {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		logf("cannot become a child subreaper (%v): orphans of the kernel may escape", err)
	}
	leaderGone := make(chan struct{})
	syscall.CloseOnExec(3)
	go func() {
		_, _ = io.Copy(io.Discard, os.NewFile(3, "leader")) // returns when the leader is gone
		close(leaderGone)
	}()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)

	path, err := exec.LookPath(gonb)
	if err != nil {
		logf("cannot run gonb: %v", err)
		return 1
	}
	p, err := os.StartProcess(path, append([]string{path}, args...), &os.ProcAttr{
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
		// Should the guardian itself be killed, gonb still shuts down (and stops gopls).
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM},
	})
	if err != nil {
		logf("cannot run gonb: %v", err)
		return 1
	}
	g := &guardian{gonb: p.Pid, pipes: map[string]bool{}}

	var kill <-chan time.Time // SIGKILL for gonb, once asked to stop
	stop := func(sig syscall.Signal) {
		// The program's pipes, while it still runs: it may die with gonb, before cleanup.
		for _, c := range g.cellProcs(readProcs()) {
			g.notePipes(c.PID)
		}
		_ = syscall.Kill(g.gonb, sig)
		if kill == nil {
			kill = time.After(stopGrace)
		}
	}
	var poll *time.Ticker
	pollC := func() <-chan time.Time {
		if poll == nil {
			return nil
		}
		return poll.C
	}
	for !g.exited {
		select {
		case <-chld:
			g.reap()
		case sig := <-sigs:
			if sig == syscall.SIGINT {
				g.interrupt()
				if g.pending && poll == nil {
					poll = time.NewTicker(interruptPoll)
				}
			} else {
				stop(sig.(syscall.Signal))
			}
		case <-pollC():
			if g.pollInterrupt(); !g.pending {
				poll.Stop()
				poll = nil
			}
		case <-leaderGone:
			leaderGone = nil
			logf("the kernel's leader process is gone (killed?): stopping gonb and everything it started")
			stop(syscall.SIGTERM)
		case <-kill:
			logf("gonb did not stop within %v of being asked: killing it", stopGrace)
			_ = syscall.Kill(g.gonb, syscall.SIGKILL)
		}
	}
	g.cleanup()
	return exitCode(g.status)
}

// reap collects every child that exited: gonb, and orphans reparented to the guardian.
func (g *guardian) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		if pid == g.gonb {
			g.exited, g.status = true, ws
		}
	}
}

// cleanup ends every process still below the guardian: SIGTERM, then SIGKILL after
// leftoverGrace, until none is left. Processes whose parent dies meanwhile are reparented
// to the guardian (a child subreaper), so each pass sees them. Then it removes the named
// pipes of the cell's program, which GoNB removes only when the program ends before it.
func (g *guardian) cleanup() {
	start := time.Now()
	termed := map[int]bool{}
	defer func() {
		for p := range g.pipes {
			if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
				_ = os.Remove(p)
			}
		}
	}()
	for first := true; ; first = false {
		g.reap()
		left := readProcs().descendants(os.Getpid())
		if len(left) == 0 {
			return
		}
		if first {
			logf("gonb ended (%s); stopping %d processes it left: %s", describe(g.status), len(left), names(left))
		}
		late := time.Since(start) > leftoverGrace
		if time.Since(start) > cleanupLimit {
			logf("giving up: %s would not die", names(left))
			return
		}
		for _, p := range left {
			g.notePipes(p.PID)
			switch {
			case late:
				_ = syscall.Kill(p.PID, syscall.SIGKILL)
			case !termed[p.PID]:
				termed[p.PID] = true
				_ = syscall.Kill(p.PID, syscall.SIGTERM)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// notePipes remembers the named pipes GoNB made for the program pid (GONB_PIPE and
// GONB_PIPE_BACK in its environment: gonb_pipe_<n> in the temporary folder). Those that
// GoNB removes itself, when the program ends before it, are simply gone at cleanup.
func (g *guardian) notePipes(pid int) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return
	}
	for _, kv := range strings.Split(string(b), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		if (k == "GONB_PIPE" || k == "GONB_PIPE_BACK") && strings.HasPrefix(filepath.Base(v), "gonb_pipe_") {
			g.pipes[v] = true
		}
	}
}

// interrupt passes an interrupt on. gonb gets SIGINT, as from Jupyter: GoNB marks the cell
// interrupted and sends SIGINT to the cell's program if one runs (its own interrupt
// subscriber), which it then kills after a grace period. GoNB does nothing to the build
// steps it runs before the program (goimports, go get, go build): without help the program
// would start once they are done and run to its end. So a build step running now gets
// SIGINT too, with the compiler and linker below it, and the cell ends with an error.
//
// A program that already runs is left to GoNB, so that it gets one SIGINT, not two
// (kernelext takes a second one to mean "exit at once"). gopls is never signalled: GoNB
// runs it in a process group of its own, build steps and programs in gonb's.
//
// When gonb runs nothing, the interrupt fell between two steps of a cell (GoNB's own work
// between them takes milliseconds), before GoNB began a cell sent just before it, or on an
// idle kernel: then the first build step or program that gonb starts within
// interruptWindow gets SIGINT. Past that, the interrupt is dropped, as an interrupt of an
// idle kernel should be. (Only a new cell started within interruptWindow of an interrupt
// of an idle kernel would be hit by mistake.) A child seen between fork and exec still
// carries gonb's name: it is judged once it has its own.
func (g *guardian) interrupt() {
	t := readProcs() // first: a program started after the signal is not GoNB's to interrupt
	_ = syscall.Kill(g.gonb, syscall.SIGINT)
	g.pending, g.since = true, time.Now()
	for _, c := range g.cellProcs(t) {
		g.notePipes(c.PID) // Jupyter interrupts before a shutdown: gonb may exit before the program
		switch {
		case isBuildStep(c):
			if g.interruptStep(t, c, "a build step of the cell") {
				g.pending = false
			}
		case c.Comm != t[g.gonb].Comm: // not a child between fork and exec (still named gonb)
			g.pending = false // the program (or a ! shell line) is GoNB's to interrupt
		}
	}
}

// pollInterrupt looks for the first build step or program of a cell interrupted between
// two steps.
func (g *guardian) pollInterrupt() {
	t := readProcs()
	after := time.Since(g.since).Seconds()
	for _, c := range g.cellProcs(t) {
		if c.Comm == t[g.gonb].Comm {
			continue // between fork and exec: its name is not known yet
		}
		if isBuildStep(c) {
			if g.interruptStep(t, c, fmt.Sprintf("a build step started %.2f s after the interrupt", after)) {
				g.pending = false
			}
		} else {
			logf("interrupt: stopping %s (pid %d: %s), started %.2f s after the interrupt", c.Comm, c.PID, command(c), after)
			_ = syscall.Kill(c.PID, syscall.SIGINT)
			g.pending = false
		}
	}
	if g.pending && time.Since(g.since) > interruptWindow {
		logf("interrupt: gonb started nothing within %v of it (an idle kernel): dropped", interruptWindow)
		g.pending = false
	}
}

// interruptStep sends SIGINT to the build step c, with the compiler and linker below it,
// and reports whether the step got it. A step seen running a moment ago may be ending on
// its own: a process that is exiting, or a zombie, ignores the signal; the step then
// succeeds and GoNB goes on with the next step, which must get the interrupt instead
// (measured: 1 interrupt in 3 at 0.05 s was lost so, to a go get). Only the step's exit
// status tells, and gonb reaps its children at once: so gonb is held stopped (SIGSTOP)
// while the step dies, its exit status read from the zombie, and gonb let go (SIGCONT).
func (g *guardian) interruptStep(t procTable, c proc, what string) bool {
	if err := g.hold(); err != nil {
		logf("interrupt: cannot hold gonb while %s (pid %d) gets SIGINT: %v", c.Comm, c.PID, err)
	}
	defer syscall.Kill(g.gonb, syscall.SIGCONT)
	cmd := command(c)
	if p, ok := readProc(c.PID); !ok || p.PPID != g.gonb || p.State == 'Z' {
		logf("interrupt: %s (pid %d) had ended: the next step gets the interrupt", c.Comm, c.PID)
		return false
	}
	t.signalTree(c, syscall.SIGINT)
	for deadline := time.Now().Add(stepGrace); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p, ok := readProc(c.PID)
		if !ok || p.State != 'Z' {
			continue
		}
		if !p.Exit.Signaled() || p.Exit.Signal() != syscall.SIGINT {
			logf("interrupt: %s (pid %d: %s) ended (%s) as the signal came: the next step gets the interrupt", c.Comm, c.PID, cmd, describe(p.Exit))
			return false
		}
		break
	}
	logf("interrupt: stopping %s (pid %d: %s), %s", c.Comm, c.PID, cmd, what)
	return true
}

// hold stops gonb (SIGSTOP) and waits until every thread of it is stopped, so that it
// reaps no child until SIGCONT.
func (g *guardian) hold() error {
	if err := syscall.Kill(g.gonb, syscall.SIGSTOP); err != nil {
		return err
	}
	dir := "/proc/" + strconv.Itoa(g.gonb) + "/task/"
	for deadline := time.Now().Add(stepGrace); time.Now().Before(deadline); time.Sleep(100 * time.Microsecond) {
		tasks, err := os.ReadDir(dir)
		if err != nil {
			return err // gonb is gone
		}
		stopped := 0
		for _, task := range tasks {
			b, err := os.ReadFile(dir + task.Name() + "/stat")
			if err != nil {
				stopped++ // the thread is gone
			} else if st, err := procfs.ParseStat(b); err == nil && st.State == 'T' {
				stopped++
			}
		}
		if stopped == len(tasks) {
			return nil
		}
	}
	return fmt.Errorf("still not stopped after %v", stepGrace)
}

// cellProcs lists gonb's children in gonb's own process group: the build steps and the
// program of the cell (or a ! shell line), not gopls.
func (g *guardian) cellProcs(t procTable) []proc {
	me, ok := t[g.gonb]
	if !ok {
		return nil
	}
	var out []proc
	for _, c := range t.children(g.gonb) {
		if c.PGID == me.PGID {
			out = append(out, c)
		}
	}
	return out
}

// isBuildStep reports whether p is one of the commands GoNB runs to build a cell.
func isBuildStep(p proc) bool { return p.Comm == "go" || p.Comm == "goimports" }

func names(ps []proc) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%s(%d)", p.Comm, p.PID)
	}
	return strings.Join(s, " ")
}

func describe(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return "signal: " + ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}
