//go:build unix && !linux

package kernelext

import (
	"os/exec"
	"syscall"
)

// workerSysProcAttr puts a worker in its own process group; without a parent-death
// signal, workers notice their parent's death by a closed pipe or a changed parent pid.
func workerSysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func spawn(cmd *exec.Cmd) error { return cmd.Start() }
