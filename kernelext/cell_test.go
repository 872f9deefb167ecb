package kernelext_test

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildCell builds testdata/cell, a notebook cell's program in miniature.
func buildCell(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "cell")
	if out, err := exec.Command("go", "build", "-o", exe, "./testdata/cell").CombinedOutput(); err != nil {
		t.Fatalf("building testdata/cell: %v\n%s", err, out)
	}
	return exe
}

func runCell(t *testing.T, exe string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// A task created inside main works on processes; what each worker's re-run of main prints
// before reaching the task never shows, what the task prints does, and a note says once
// how to declare the task at package level.
func TestTaskCreatedInMain(t *testing.T) {
	stdout, stderr, err := runCell(t, buildCell(t))
	if err != nil {
		t.Fatalf("cell failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if n := strings.Count(stdout, "main starts"); n != 1 {
		t.Errorf("main's output shows %d times, want once:\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "values [2 4 6 8]") {
		t.Errorf("stdout lacks the values:\n%s", stdout)
	}
	if n := len(regexp.MustCompile(`(?m)^task \d$`).FindAllString(stdout, -1)); n != 4 {
		t.Errorf("the task's own output shows %d times, want 4:\n%s", n, stdout)
	}
	if n := strings.Count(stderr, `kernelext: note: task "double" is created inside main`); n != 1 || !strings.Contains(stderr, "package level") {
		t.Errorf("want one note on stderr saying how to declare the task, got:\n%s", stderr)
	}
}

// Check stops the program with exit status 1 and the error on stderr, and ignores nil.
func TestCheckStopsTheCell(t *testing.T) {
	stdout, stderr, err := runCell(t, buildCell(t), "check")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("err = %v, want exit status 1", err)
	}
	if strings.TrimSpace(stderr) != "no bread in the kitchen" || strings.Contains(stdout, "not reached") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}
