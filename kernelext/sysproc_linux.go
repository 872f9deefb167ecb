package kernelext

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// workerSysProcAttr puts a worker in its own process group (so a terminal's Control-C
// reaches only the parent, which stops the workers itself) and has the kernel kill it
// when the parent dies.
func workerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

var spawner struct {
	once sync.Once
	reqs chan spawnRequest
}

type spawnRequest struct {
	cmd  *exec.Cmd
	done chan error
}

// spawn starts cmd from one OS thread that never exits: Linux sends the parent-death
// signal when the *thread* that forked a child exits, and Go may end threads.
func spawn(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnRequest)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread lives as long as the program
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnRequest{cmd, done}
	return <-done
}
