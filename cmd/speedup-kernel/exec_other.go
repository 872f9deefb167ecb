//go:build !linux

package main

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// run executes gonb in place of this process, as if the kernelspec named gonb itself: the
// guardian needs Linux (/proc, child subreapers). Where exec is not available, gonb runs
// as a child that gets the interrupts, and its exit status is passed on.
func run(gonb string, args []string, _ bool) int {
	path, err := exec.LookPath(gonb)
	if err != nil {
		logf("cannot run gonb: %v", err)
		return 1
	}
	_ = syscall.Exec(path, append([]string{path}, args...), os.Environ()) // returns only on failure
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt) // gonb gets it too, and handles it
	if err = cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		logf("cannot run gonb: %v", err)
		return 1
	}
	return 0
}
