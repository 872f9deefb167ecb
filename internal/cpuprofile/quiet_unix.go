//go:build unix

package cpuprofile

import (
	"bytes"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// quietly runs f with file descriptor 2 pointing at a pipe, and then copies what was
// written to it, less the runtime's rate warnings, to the real standard error. ForkLock
// keeps os/exec from starting a child that would inherit the pipe as its standard error.
// If any step fails, f runs with standard error as it is.
func quietly(f func()) {
	syscall.ForkLock.Lock()
	locked := true
	unlock := func() {
		if locked {
			syscall.ForkLock.Unlock()
			locked = false
		}
	}
	defer unlock()

	saved, err := unix.FcntlInt(2, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		f()
		return
	}
	defer unix.Close(saved)
	pr, pw, err := os.Pipe()
	if err != nil {
		f()
		return
	}
	defer pr.Close()
	// Drain while f runs, so that a goroutine writing much in the meantime cannot fill the
	// pipe and block.
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(pr)
		got <- b
	}()
	if err := unix.Dup2(int(pw.Fd()), 2); err != nil {
		pw.Close()
		<-got
		f()
		return
	}
	f()
	unix.Dup2(saved, 2) // cannot fail: both descriptors are open
	unlock()
	pw.Close()
	if rest := bytes.ReplaceAll(<-got, []byte(rateWarning), nil); len(rest) > 0 {
		os.Stderr.Write(rest)
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
