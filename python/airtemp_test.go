package python

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/speedup-go/speedup/workloads/airtemp"
)

var (
	requestsOnce sync.Once
	requestsPath string
	requestsErr  error
)

// needRequests returns a Python with requests, or skips the test.
func needRequests(t *testing.T) string {
	t.Helper()
	requestsOnce.Do(func() { requestsPath, requestsErr = FindAirTemp() })
	if requestsErr != nil {
		t.Skipf("no Python with requests to run the talk's client (run `make setup`): %v", requestsErr)
	}
	return requestsPath
}

// apiServer starts a local air-temperature API that the test closes when it ends.
func apiServer(t *testing.T, cfg airtemp.ServerConfig) *airtemp.Server {
	t.Helper()
	srv, err := airtemp.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestRunAirTemp runs the talk's client on a few days and wants every day summed up
// exactly as the Go client sums it up, every run timed and every request counted.
func TestRunAirTemp(t *testing.T) {
	python := needRequests(t)
	for _, session := range []bool{false, true} {
		srv := apiServer(t, airtemp.ServerConfig{Latency: 5 * time.Millisecond, Resolution: time.Hour})
		var stderr bytes.Buffer
		res, err := RunAirTemp(context.Background(), python, srv.URL(),
			AirTempOptions{Start: "2020-02-27", Days: 6, Workers: 3, Session: session, Repeat: 2, Warmup: 1, Log: true, Stderr: &stderr})
		if err != nil {
			t.Fatal(err)
		}
		if res.Days != 6 || res.Workers != 3 || res.Session != session || res.Pause != 0 || res.BaseURL != srv.URL() ||
			res.Python == "" || res.Requests == "" {
			t.Errorf("report %+v does not echo the set-up", res)
		}
		if len(res.Runs) != 2 || len(res.Errors) != 0 {
			t.Fatalf("runs %+v, errors %+v; want 2 timed runs and no errors", res.Runs, res.Errors)
		}
		for _, r := range res.Runs {
			if r.Wall < 0.005 || r.CPU <= 0 || r.Attempts != 6 {
				t.Errorf("run %+v: want at least one latency of wall time, some CPU and 6 requests", r)
			}
		}
		if res.MedianWall() <= 0 || res.CPUPerRequest() <= 0 || len(res.WallTimes()) != 2 {
			t.Errorf("median wall %v, CPU per request %v", res.MedianWall(), res.CPUPerRequest())
		}
		c := &airtemp.Client{BaseURL: srv.URL(), MaxAttempts: 1}
		dates := airtemp.Dates("2020-02-27", 6)
		if len(res.Results) != len(dates) {
			t.Fatalf("%d days, want %d", len(res.Results), len(dates))
		}
		for i, day := range res.Results {
			want, err := c.Fetch(context.Background(), dates[i])
			if err != nil {
				t.Fatal(err)
			}
			if day.Date != want.Date || day.Stations != want.Stations || day.Items != want.Items || day.Readings != want.Readings ||
				day.Mean != want.Mean || day.Min != want.Min || day.Max != want.Max || day.Attempts != 1 || day.Bytes == 0 {
				t.Errorf("Python's %+v, Go's %+v", day, want)
			}
		}
		if st := srv.Stats(); st.OK != 3*6+6 {
			t.Errorf("server answered %d requests, want 3 runs of 6 days and the Go client's 6", st.OK)
		}
		if log := stderr.String(); !strings.Contains(log, ": running 2020-02-29") || !strings.Contains(log, ": done with 2020-03-03") {
			t.Errorf("stderr lacks the talk's log lines:\n%s", log)
		}
		var table bytes.Buffer
		res.WriteTable(&table)
		if !strings.Contains(table.String(), "ThreadPoolExecutor(3)") || !strings.Contains(table.String(), "µs of CPU per request") {
			t.Errorf("table:\n%s", table.String())
		}
	}
}

// TestRunAirTempRetries: failed requests are retried with the talk's backoff (scaled
// down), and a day that keeps failing is reported, not fatal.
func TestRunAirTempRetries(t *testing.T) {
	python := needRequests(t)
	srv := apiServer(t, airtemp.ServerConfig{FailFirst: 2, FailWith: airtemp.Fault503})
	res, err := RunAirTemp(context.Background(), python, srv.URL(),
		AirTempOptions{Days: 3, Workers: 3, WaitMultiplier: time.Millisecond, WaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 3 || res.Runs[0].Attempts != 9 {
		t.Fatalf("results %+v, runs %+v; want 3 days of 3 attempts each", res.Results, res.Runs)
	}
	for _, day := range res.Results {
		if day.Attempts != 3 || len(day.Retries) != 2 || !strings.Contains(day.Retries[0], "attempt 1: HTTPError: 503") {
			t.Errorf("day %s: %d attempts, retries %q; want 3 attempts, two 503s", day.Date, day.Attempts, day.Retries)
		}
	}

	srv = apiServer(t, airtemp.ServerConfig{FailFirst: 100, FailWith: airtemp.Fault429, RetryAfter: time.Millisecond})
	res, err = RunAirTemp(context.Background(), python, srv.URL(),
		AirTempOptions{Days: 2, Workers: 2, WaitMultiplier: time.Millisecond, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 0 || len(res.Errors) != 2 || !strings.Contains(res.Errors[0].Error, "429") ||
		srv.Stats().Requests != 4 {
		t.Errorf("results %+v, errors %+v, %d requests; want both days failed after 2 attempts each",
			res.Results, res.Errors, srv.Stats().Requests)
	}
}

// TestRunAirTempCancel: cancelling stops the script, waiting for answers that take a
// minute, at once, and nothing of it keeps running.
func TestRunAirTempCancel(t *testing.T) {
	python := needRequests(t)
	srv := apiServer(t, airtemp.ServerConfig{Latency: time.Minute})
	started := make(chan int, 1)
	onStart = func(pid int) { started <- pid }
	t.Cleanup(func() { onStart = nil })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	res, err := RunAirTemp(ctx, python, srv.URL(), AirTempOptions{Days: 4, Workers: 2})
	if !errors.Is(err, context.DeadlineExceeded) || res != nil {
		t.Errorf("RunAirTemp = %v, %v; want no result and an error wrapping the deadline", res, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v, want soon after the deadline", d)
	}
	if runtime.GOOS != "linux" {
		return
	}
	pid := <-started
	deadline := time.Now().Add(2 * time.Second)
	for left := groupMembers(t, pid); len(left) > 0; left = groupMembers(t, pid) {
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of the script's group %d still running after the cancel", left, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAirTempOptions(t *testing.T) {
	srvURL := "http://127.0.0.1:1"
	for _, opts := range []AirTempOptions{{Days: -1}, {Pause: -time.Second}, {Start: "2020-13-01"}} {
		if _, err := RunAirTemp(context.Background(), "python3", srvURL, opts); err == nil {
			t.Errorf("options %+v: no error", opts)
		}
	}
	if _, err := RunAirTemp(context.Background(), "python3", "127.0.0.1:8080", AirTempOptions{}); err == nil {
		t.Error("a base URL without http:// was accepted")
	}
	args, err := AirTempOptions{Pause: 250 * time.Millisecond, WaitMax: 20 * time.Millisecond, Session: true}.args()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(args, " ")
	for _, want := range []string{"--start 2020-01-01", "--days 100", "--workers 40", "--pause 0.25", "--wait-multiplier-ms 1000",
		"--wait-max-ms 20", "--max-attempts 0", "--timeout 30", "--repeat 1", "--warmup 0", "--session"} {
		if !strings.Contains(got, want) {
			t.Errorf("args %q lack %q", got, want)
		}
	}
}

func TestAirTempScriptCompiles(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	if runtime.GOOS == "windows" {
		t.Skip("POSIX only")
	}
	p := filepath.Join(t.TempDir(), AirTempScriptName)
	if err := os.WriteFile(p, []byte(AirTempScript()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(python, "-m", "py_compile", p).CombinedOutput(); err != nil {
		t.Fatalf("python -m py_compile %s: %v\n%s", AirTempScriptName, err, out)
	}
}
