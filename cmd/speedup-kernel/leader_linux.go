package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// parentPoll is how often the leader checks that the process that started it (the Jupyter
// server) is alive, as ipykernel's parent poller does: a kernel whose server died has no
// one left to talk to, and nothing else would ever stop it.
const parentPoll = 500 * time.Millisecond

func run(gonb string, args []string, guardian bool) int {
	// A write to a closed stderr (the reader of the server's output died with it) must fail,
	// not kill: Go kills a program on EPIPE on fd 1 or 2 unless SIGPIPE is caught. (Caught,
	// not ignored: an ignored signal would stay ignored in gonb and the cell's programs.)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if guardian {
		return guard(gonb, args)
	}
	return lead(gonb, args)
}

// lead is the process Jupyter starts, and the only one in the process group that Jupyter
// signals (interrupt, terminate, kill). It starts the guardian in a new session, passes it
// SIGINT, SIGTERM and SIGHUP, and exits with the guardian's status. The guardian watches
// the read end of a pipe whose write end only the leader holds: when the leader dies, by
// any signal, the guardian reads end-of-file and ends the kernel.
func lead(gonb string, args []string) int {
	self, err := os.Executable()
	if err != nil {
		logf("cannot find my own executable to start the guardian: %v", err)
		return 1
	}
	r, w, err := os.Pipe()
	if err != nil {
		logf("%v", err)
		return 1
	}
	cmd := exec.Command(self, append([]string{"--guardian", "--gonb", gonb, "--"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{r} // fd 3 in the guardian; w is not inherited (close-on-exec)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}

	parent := os.Getppid()
	if pid, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID")); err == nil && pid != parent && syscall.Kill(pid, 0) == syscall.ESRCH {
		// jupyter_client names the server; it died before this process could watch it.
		logf("the process that started the kernel (pid %d) is gone: not starting", pid)
		return 1
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		logf("starting the guardian: %v", err)
		return 1
	}
	r.Close()
	defer w.Close() // kept open until the leader exits

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(parentPoll)
	defer tick.Stop()
	for {
		select {
		case sig := <-sigs:
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return exitCode(exit.ProcessState.Sys().(syscall.WaitStatus))
			}
			if err != nil {
				logf("waiting for the guardian: %v", err)
				return 1
			}
			return 0
		case <-tick.C:
			if os.Getppid() != parent {
				// Exiting closes the pipe: the guardian stops gonb and everything below it.
				logf("the process that started the kernel (pid %d) is gone: ending the kernel", parent)
				return 1
			}
		}
	}
}

// exitCode is the status a shell would report: the code, or 128 + the signal.
func exitCode(ws syscall.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return 1
}
