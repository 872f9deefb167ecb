package kernelext

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/speedup-go/speedup/internal/tail"
)

const (
	// helloTimeout bounds a worker's start-up: exec, package initialisation, hello.
	helloTimeout = 60 * time.Second
	// stopGrace is how long a worker may take to finish after its batch pipe is closed.
	stopGrace = 2 * time.Second
)

// proc is the parent's handle on one worker process.
type proc[Out any] struct {
	worker  Worker
	cmd     *exec.Cmd
	batches *os.File
	out     *bufio.Writer
	enc     *gob.Encoder
	replies chan reply[Out]
	exited  chan struct{} // closed once Wait returned
	stderr  chan struct{} // closed once the task's stderr is all read
	waitErr error
	tail    *tail.Buffer
}

func startWorker[Out any](ctx context.Context, key string, id int, s Strategy) (*proc[Out], error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program's executable to start workers: %w", err)
	}
	var files []*os.File // fds 3..6 of the worker, closed here once it started
	closeAll := func(fs ...*os.File) {
		for _, f := range fs {
			f.Close()
		}
	}
	batchR, batchW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("starting worker %d: %w", id, err)
	}
	replyR, replyW, err := os.Pipe()
	if err != nil {
		closeAll(batchR, batchW)
		return nil, fmt.Errorf("starting worker %d: %w", id, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(batchR, batchW, replyR, replyW)
		return nil, fmt.Errorf("starting worker %d: %w", id, err)
	}
	files = []*os.File{batchR, replyW, os.Stdout, errW}
	tail := &tail.Buffer{Max: 4096}
	p := &proc[Out]{batches: batchW, replies: make(chan reply[Out], inFlightShort), exited: make(chan struct{}), stderr: make(chan struct{}), tail: tail}
	p.out = bufio.NewWriterSize(batchW, 64<<10)
	p.enc = gob.NewEncoder(p.out)
	cmd := exec.Command(exe)
	if testing.Testing() {
		// A test binary run without flags runs every test: make a worker that does not find
		// its task run none and exit, so that the parent reports the missing task.
		cmd.Args = append(cmd.Args, "-test.run=^$", "-test.bench=^$")
	}
	cmd.Env = workerEnv(key, id, s)
	cmd.ExtraFiles = files
	cmd.Stderr = tail // until it serves: see the protocol
	cmd.SysProcAttr = workerSysProcAttr()
	cmd.WaitDelay = time.Second
	p.cmd = cmd
	err = spawn(cmd)
	closeAll(batchR, replyW, errW)
	if err != nil {
		closeAll(batchW, replyR, errR)
		return nil, fmt.Errorf("starting worker %d from %s: %w", id, exe, err)
	}
	p.worker = Worker{ID: id, PID: cmd.Process.Pid}
	go func() {
		defer close(p.stderr)
		defer errR.Close()
		_, _ = io.Copy(io.MultiWriter(os.Stderr, tail), errR)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	go func() {
		defer close(p.replies)
		defer replyR.Close()
		dec := gob.NewDecoder(bufio.NewReaderSize(replyR, 64<<10))
		for {
			var r reply[Out]
			if err := dec.Decode(&r); err != nil {
				return
			}
			p.replies <- r
		}
	}()

	timer := time.NewTimer(helloTimeout)
	defer timer.Stop()
	select {
	case hello, ok := <-p.replies:
		if ok && hello.Hello {
			return p, nil
		}
		p.kill()
		msg := fmt.Sprintf("worker %d (pid %d) exited before serving task %q (%s)", id, p.worker.PID, key, p.status())
		if s := tail.String(); s != "" {
			msg += ": " + lastLines(s, 3)
		} else {
			msg += "; is the task created at package level (var t = kernelext.NewTask(...)) in this program?"
		}
		return nil, errors.New(msg)
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("worker %d (pid %d) did not start serving task %q within %v", id, p.worker.PID, key, helloTimeout)
	case <-ctx.Done():
		p.kill()
		return nil, context.Cause(ctx)
	}
}

func workerEnv(key string, id int, s Strategy) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		// Workers must not talk to the notebook: only the parent displays.
		for _, k := range []string{"GONB_PIPE=", "GONB_PIPE_BACK=", envWorker + "=", envWorkerID + "="} {
			if strings.HasPrefix(kv, k) {
				return true
			}
		}
		return false
	})
	env = append(env, envWorker+"="+key, envWorkerID+"="+strconv.Itoa(id))
	switch {
	case s.cores > 0:
		env = append(slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") }),
			"GOMAXPROCS="+strconv.Itoa(s.cores))
	case os.Getenv("GOMAXPROCS") == "":
		env = append(env, "GOMAXPROCS="+strconv.Itoa(s.gomaxprocs()))
	}
	return env
}

// send writes one batch to the worker.
func (p *proc[Out]) send(b any) error {
	if err := p.enc.Encode(b); err != nil {
		return err
	}
	return p.out.Flush()
}

// wait waits a moment for a dead worker's exit status and last words.
func (p *proc[Out]) wait() {
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case <-p.exited:
	case <-timer.C:
		p.kill()
	}
	select {
	case <-p.stderr:
	case <-timer.C:
	}
}

// crashError describes the worker's death.
func (p *proc[Out]) crashError() error {
	return &CrashError{Worker: p.worker, Status: p.status(), Stderr: p.tail.String()}
}

func (p *proc[Out]) status() string {
	select {
	case <-p.exited:
	default:
		return "still running"
	}
	if p.waitErr == nil {
		return "exit status 0"
	}
	return p.waitErr.Error()
}

// stop asks the worker to finish by closing its pipe, and kills it if it does not.
func (p *proc[Out]) stop() {
	p.batches.Close()
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		p.kill()
	}
}

// kill kills the worker and anything it started, and waits for it.
func (p *proc[Out]) kill() {
	p.batches.Close()
	_ = syscall.Kill(-p.worker.PID, syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
	<-p.exited
}
