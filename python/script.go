package python

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// writeScript writes a script's source into a new temporary folder, which the caller
// removes, and returns the folder and the script's path.
func writeScript(name, source string) (dir, path string, err error) {
	dir, err = os.MkdirTemp("", "speedup-python-")
	if err != nil {
		return "", "", fmt.Errorf("python: %w", err)
	}
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(source), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("python: %w", err)
	}
	return dir, path, nil
}

// onStart, if set (by tests), is called with the pid of the Python process once started.
var onStart func(pid int)

// scriptOutput is what a script that exited normally wrote.
type scriptOutput struct {
	stdout []byte
	stderr *tailBuffer
}

// execScript runs `python -u args... --json --die-with-parent` in dir (args starting
// with the script's path) in a process group of its own, and returns what it wrote.
// name is the script's name for errors. When ctx is cancelled it kills the whole group
// and returns an error wrapping ctx.Err(); after the script exits it kills whatever of
// the group is left. A script that fails is an error ending with the last lines of its
// stderr; stderr, if not nil, also receives the script's stderr as it runs.
func execScript(ctx context.Context, python, dir, name string, args []string, stderr io.Writer) (*scriptOutput, error) {
	argv := append(append([]string{"-u"}, args...), "--json", "--die-with-parent")
	cmd := exec.Command(python, argv...)
	cmd.Dir = dir
	cmd.SysProcAttr = sysProcAttr()
	// A pool's workers inherit stdout and stderr; should one outlive the script, do
	// not wait for it to close them (it is killed with the group below).
	cmd.WaitDelay = 2 * time.Second
	var stdout bytes.Buffer
	tail := &tailBuffer{max: 8 << 10}
	cmd.Stdout = &stdout
	cmd.Stderr = tail
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(tail, stderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("python: starting %s: %w", python, err)
	}
	pid := cmd.Process.Pid
	if onStart != nil {
		onStart(pid)
	}
	done := make(chan struct{})
	killed := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			killGroup(pid)
			close(killed)
		case <-done:
		}
	}()
	werr := cmd.Wait()
	close(done)
	killGroup(pid) // whatever of the group is left (a worker the script did not reap)
	select {
	case <-killed:
		return nil, fmt.Errorf("python: %s stopped: %w", name, ctx.Err())
	default:
	}
	if werr != nil {
		return nil, fmt.Errorf("python: %s %s: %v%s", python, name, werr, tail.suffix())
	}
	return &scriptOutput{stdout: stdout.Bytes(), stderr: tail}, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// suffix is "; stderr:\n<last lines>" or "".
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return ""
	}
	return "; stderr:\n" + s
}
