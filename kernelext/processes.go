package kernelext

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

const (
	// helloTimeout bounds a worker's start-up: exec, package initialisation, hello.
	helloTimeout = 60 * time.Second
	// stopGrace is how long a worker may take to finish after its pipe is closed.
	stopGrace = 2 * time.Second
)

// CrashError is a worker process that died while running a task: it fails that task only,
// and the pool starts a new worker for the rest.
type CrashError struct {
	Worker Worker
	Status string // e.g. "exit status 2" or "signal: killed"
	Stderr string // the last lines the worker wrote to stderr
}

func (e *CrashError) Error() string {
	msg := fmt.Sprintf("%v crashed (%s)", e.Worker, e.Status)
	if e.Stderr != "" {
		msg += "; its last output: " + lastLines(e.Stderr, 3)
	}
	return msg
}

// proc is the parent's handle on one worker process.
type proc[In, Out any] struct {
	worker    Worker
	cmd       *exec.Cmd
	requests  *os.File
	out       *bufio.Writer
	responses chan response[Out]
	exited    chan struct{} // closed once Wait returned
	waitErr   error
	tail      *stderrTail
}

func startWorker[In, Out any](ctx context.Context, name string, id int, s Strategy) (*proc[In, Out], error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program's executable to start workers: %w", err)
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("starting worker %d: %w", id, err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("starting worker %d: %w", id, err)
	}
	p := &proc[In, Out]{
		requests:  reqW,
		out:       bufio.NewWriter(reqW),
		responses: make(chan response[Out], 1),
		exited:    make(chan struct{}),
		tail:      &stderrTail{max: 4096},
	}
	cmd := exec.Command(exe)
	if testing.Testing() {
		// A test binary run without flags runs every test: make a worker that does not find
		// its task run none and exit, so that the parent reports the missing task.
		cmd.Args = append(cmd.Args, "-test.run=^$", "-test.bench=^$")
	}
	cmd.Env = workerEnv(name, id, s)
	cmd.ExtraFiles = []*os.File{reqR, respW}
	cmd.Stdout = os.Stdout
	cmd.Stderr = io.MultiWriter(os.Stderr, p.tail)
	cmd.SysProcAttr = workerSysProcAttr()
	cmd.WaitDelay = time.Second
	p.cmd = cmd
	err = spawn(cmd)
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, fmt.Errorf("starting worker %d from %s: %w", id, exe, err)
	}
	p.worker = Worker{ID: id, PID: cmd.Process.Pid}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	go func() {
		defer close(p.responses)
		in := bufio.NewReader(respR)
		defer respR.Close()
		for {
			var resp response[Out]
			if err := readFrame(in, &resp); err != nil {
				return
			}
			p.responses <- resp
		}
	}()

	timer := time.NewTimer(helloTimeout)
	defer timer.Stop()
	select {
	case hello, ok := <-p.responses:
		if ok && hello.Hello {
			return p, nil
		}
		p.kill()
		msg := fmt.Sprintf("worker %d (pid %d) exited before serving task %q (%s)", id, p.worker.PID, name, p.status())
		if s := p.tail.String(); s != "" {
			msg += ": " + lastLines(s, 3)
		} else {
			msg += "; is the task created at package level (var t = kernelext.NewTask(...)) in this program?"
		}
		return nil, errors.New(msg)
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("worker %d (pid %d) did not start serving task %q within %v", id, p.worker.PID, name, helloTimeout)
	case <-ctx.Done():
		p.kill()
		return nil, context.Cause(ctx)
	}
}

func workerEnv(name string, id int, s Strategy) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		// Workers must not talk to the notebook: only the parent displays.
		for _, k := range []string{"GONB_PIPE=", "GONB_PIPE_BACK=", envWorker + "=", envWorkerID + "="} {
			if strings.HasPrefix(kv, k) {
				return true
			}
		}
		return false
	})
	env = append(env, envWorker+"="+name, envWorkerID+"="+strconv.Itoa(id))
	switch {
	case s.Cores > 0:
		env = append(slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") }),
			"GOMAXPROCS="+strconv.Itoa(s.Cores))
	case os.Getenv("GOMAXPROCS") == "":
		env = append(env, "GOMAXPROCS="+strconv.Itoa(max(1, runtime.NumCPU()/s.Size())))
	}
	return env
}

// do runs one task on the worker. crashed reports that the worker is gone (or was
// stopped) and must not be used again.
func (p *proc[In, Out]) do(ctx context.Context, task string, i int, in In, start time.Time) (res Result[Out], crashed bool) {
	res.Span = Span{Index: i, Worker: p.worker, Start: time.Since(start)}
	fail := func(err error) (Result[Out], bool) {
		res.ran = true
		res.Span.End = time.Since(start)
		res.Err = &TaskError{Task: task, Index: i, Worker: p.worker, Err: err}
		return res, true
	}
	if err := writeFrame(p.out, request[In]{Index: i, Input: in}); err != nil {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			return fail(p.crash())
		}
		// The input could not be encoded: the worker is fine, the task fails.
		res.ran = true
		res.Span.End = res.Span.Start
		res.Err = &TaskError{Task: task, Index: i, Worker: p.worker, Err: fmt.Errorf("sending the input to the worker: %w", err)}
		return res, false
	}
	var resp response[Out]
	var ok bool
	select {
	case resp, ok = <-p.responses:
	case <-ctx.Done():
		// Close the pipe: the worker cancels the task's context; give it a moment.
		p.requests.Close()
		select {
		case resp, ok = <-p.responses:
		case <-time.After(stopGrace):
			p.kill()
			return fail(context.Cause(ctx))
		}
		crashed = true
	}
	if !ok {
		return fail(p.crash())
	}
	res.ran = true
	res.Value = resp.Value
	res.Span.Start = time.Unix(0, resp.Start).Sub(start)
	res.Span.End = time.Unix(0, resp.End).Sub(start)
	if crashed && resp.Kind == errCanceled {
		// The worker saw its pipe close; say why the parent closed it.
		res.Err = &TaskError{Task: task, Index: i, Worker: p.worker, Err: &wrapped{fmt.Sprintf("%s (%v)", resp.Err, context.Cause(ctx)), context.Cause(ctx)}}
	} else if err := remoteError(resp.Kind, resp.Err, resp.Stack); err != nil {
		res.Err = &TaskError{Task: task, Index: i, Worker: p.worker, Err: err}
	}
	return res, crashed
}

// crash waits for the dead worker and describes its death.
func (p *proc[In, Out]) crash() error {
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		p.kill()
	}
	return &CrashError{Worker: p.worker, Status: p.status(), Stderr: p.tail.String()}
}

func (p *proc[In, Out]) status() string {
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
func (p *proc[In, Out]) stop() {
	p.requests.Close()
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		p.kill()
	}
}

// kill kills the worker and anything it started, and waits for it.
func (p *proc[In, Out]) kill() {
	p.requests.Close()
	_ = syscall.Kill(-p.worker.PID, syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// runProcesses runs the tasks on n worker processes, each serving one task at a time.
func runProcesses[In, Out any](ctx context.Context, task *Task[In, Out], inputs []In, run *Run[Out], s Strategy, start time.Time, prog *progress) error {
	n := s.Size()
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	var next atomic.Int64
	var startErr atomic.Pointer[error]
	slot := func(id int) error {
		var p *proc[In, Out]
		defer func() {
			if p != nil {
				p.stop()
			}
		}()
		for ctx.Err() == nil {
			i := int(next.Add(1) - 1)
			if i >= len(inputs) {
				return nil
			}
			if p == nil {
				var err error
				if p, err = startWorker[In, Out](ctx, task.name, id, s); err != nil {
					if ctx.Err() == nil {
						startErr.CompareAndSwap(nil, &err)
						abort(err)
					}
					run.Results[i].Err = &TaskError{Task: task.name, Index: i, Err: err}
					return nil
				}
			}
			res, crashed := p.do(ctx, task.name, i, inputs[i], start)
			run.Results[i] = res
			prog.done(res.Err != nil)
			if crashed {
				p.kill()
				p = nil
			}
		}
		return nil
	}
	var g errgroup.Group
	for id := 1; id <= min(n, max(len(inputs), 1)); id++ {
		g.Go(func() error { return slot(id) })
	}
	_ = g.Wait()
	if e := startErr.Load(); e != nil {
		return fmt.Errorf("%s on %d processes: %w", task.name, n, *e)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// stderrTail keeps the last bytes written to it, for crash messages.
type stderrTail struct {
	buf []byte
	max int
}

func (t *stderrTail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *stderrTail) String() string { return strings.TrimSpace(string(t.buf)) }
