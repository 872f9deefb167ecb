package python

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/speedup-go/speedup/internal/tail"
)

// childproc is the module every script imports to end with the Go program that started it.
//
//go:embed childproc.py
var childproc string

// onStart, if set (by tests), is called with the pid of the Python process once started.
var onStart func(pid int)

// output is what a script printed: its stdout, and the end of its stderr.
type output struct {
	stdout []byte
	stderr *tail.Buffer
}

// runScript runs one of the embedded scripts, source, with python: written as name to a
// temporary folder, beside files (name → content) and childproc.py, which is also its
// working directory, so args may name them. The script runs in a process group of its own, killed when ctx
// is done and once the script ends (a pool worker it did not reap). A script that fails is
// an error ending with the last lines of its stderr; stderr, if not nil, also gets it all.
func runScript(ctx context.Context, python, name, source string, args []string, files map[string][]byte, stderr io.Writer) (output, error) {
	out := output{stderr: &tail.Buffer{Max: 8 << 10}}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("python: %s not started: %w", name, err)
	}
	dir, err := os.MkdirTemp("", "speedup-python-")
	if err != nil {
		return out, fmt.Errorf("python: %w", err)
	}
	defer os.RemoveAll(dir)
	files[name] = []byte(source)
	files["childproc.py"] = []byte(childproc)
	for f, data := range files {
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			return out, fmt.Errorf("python: %w", err)
		}
	}
	cmd := exec.Command(python, append([]string{"-u", name}, args...)...)
	cmd.Dir = dir
	cmd.SysProcAttr = sysProcAttr()
	// A pool's workers inherit stdout and stderr; should one outlive the script, do not
	// wait for it to close them (it is killed with the group below).
	cmd.WaitDelay = 2 * time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = out.stderr
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(out.stderr, stderr)
	}
	if err := cmd.Start(); err != nil {
		return out, fmt.Errorf("python: starting %s: %w", python, err)
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
	killGroup(pid) // whatever of the group is left
	out.stdout = stdout.Bytes()
	select {
	case <-killed:
		return out, fmt.Errorf("python: %s stopped: %w", name, ctx.Err())
	default:
	}
	if werr != nil {
		return out, fmt.Errorf("python: %s %s: %v%s", python, name, werr, suffix(out.stderr))
	}
	return out, nil
}

// suffix is "; stderr:\n<last lines>" of what a script wrote on stderr, or "".
func suffix(t *tail.Buffer) string {
	if s := t.String(); s != "" {
		return "; stderr:\n" + s
	}
	return ""
}
