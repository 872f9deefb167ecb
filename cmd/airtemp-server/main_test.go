package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/speedup-go/speedup/workloads/airtemp"
)

// TestServesUntilInterrupted builds the command, asks it for a day and stops it as a
// person would, with Control-C.
func TestServesUntilInterrupted(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "airtemp-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-latency", "5ms")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "serving http://127.0.0.1:") {
		t.Fatalf("first line %q, want the URL", lines.Text())
	}
	url := strings.TrimPrefix(lines.Text(), "serving ")

	resp, err := http.Get(url + airtemp.Path + "?date=2020-02-29")
	if err != nil {
		t.Fatal(err)
	}
	var day airtemp.Response
	err = json.NewDecoder(resp.Body).Decode(&day)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(day.Items) == 0 || len(day.Metadata.Stations) == 0 {
		t.Fatalf("GET: status %d, %d items, err %v", resp.StatusCode, len(day.Items), err)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not stop on SIGINT")
	}
	if text := strings.Join(rest, "\n"); !strings.Contains(text, "stopped:") {
		t.Errorf("no summary on stop:\n%s", text)
	}
}
