//go:build unix

package python

import "syscall"

// sysProcAttr starts the script in a process group of its own, which its pool's
// workers join, so that one signal stops them all (and a terminal's Control-C, sent to
// the foreground group, reaches only the Go program, which then cancels the run).
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killGroup sends SIGKILL to the process group led by pid; no such group is fine.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
