package bench

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/speedup-go/speedup/internal/stats"
	"github.com/speedup-go/speedup/python"
	"github.com/speedup-go/speedup/workloads/airtemp"
)

const (
	// latency is the server's fixed answer time, L.
	latency = 20 * time.Millisecond
	// resolution is the server's time between two items: one an hour, 24 items of
	// 16 stations, about 16 kB of JSON a day.
	resolution = time.Hour
	// budget skips the runs whose ideal time, ceil(N/W)·L, is longer.
	budget = 5 * time.Second
	// maxConns caps the connections of one run. Each costs a file descriptor in
	// this process and one in the server's, whose limits are `ulimit -n` (20000
	// on the machines this was written on; Go raises the soft limit to the hard
	// one). Above maxConns workers, the transport queues requests for a free
	// connection.
	maxConns = 4000
)

// BenchmarkNetworkVsIdeal fetches N days on W goroutines from a local API
// server answering in L, the server running in a process of its own (this
// test binary, re-executed), and compares the wall time with two limits
// measured in the same run:
//
//   - ideal: ceil(N/W)·L, the rounds of waiting alone, as if reading an answer
//     cost nothing;
//   - roofline: max(ideal, N·(client + server CPU per request)/cores). Both
//     processes share this machine's cores, so the server's CPU counts as much
//     as the client's: each CPU-second either spends is a CPU-second the other
//     cannot have. The CPU per request is this process's CPU time over the run
//     (user + system: HTTP, JSON, garbage collection, the pool itself) and the
//     server process's, each divided by N.
//
// It reports the wall time as multiples of both ("x-ideal", "x-roofline"),
// the CPU per request of each side in µs, and requests per second. The
// roofline still leaves out what a round costs beyond L even with the cores
// idle: waking each process when its answer arrives, the HTTP exchange, the
// server's timer (Go's timers fire up to a millisecond late). Before the timed runs,
// each case fetches loneRequests days one at a time, so that each request is
// alone on an idle machine, and reports the median time one took beyond L
// ("lone-µs") and the wall time over the floor that makes,
// max(ceil(N/W)·(L + lone), the CPU term) ("x-floor"): what x-roofline owes to
// the machine's round trip, and what to contention between the W requests. The
// roofline assumes the cores are this benchmark's: on a busy machine each
// request also waits for a core at every hop between the two processes (a
// millisecond or more at a load average of 5 to 10 on two cores), each round
// adds that up, and x-roofline grows with the load; note `uptime` beside it.
//
// Where N ≤ 1000 and W ≤ 100, the Go runs are followed by as many runs of the
// talk's Python client (python/talk_air_temperature.py: requests +
// ThreadPoolExecutor(W), submit + as_completed, after a warm-up run of its
// own) on the same days from the same server, as the talk wrote it
// (requests.get: a new connection per request) and with a requests.Session
// per thread; "go/py" and "go/py-session" are Go's median wall time divided
// by Python's (below 1: Go is faster). Without a Python that has requests,
// the Python side is skipped, with a note.
//
// Every metric is the median of the b.N runs (-benchtime 5x for five), after
// an untimed warm-up run of the Go client, and each run is logged. The Go runs
// of a case share one HTTP client that keeps W connections alive, as the
// Clients of a notebook share airtemp's default one: the warm-up opens them,
// the timed runs reuse them (a fresh client per run would add W connection
// set-ups, about 50 µs of CPU each on both sides here, to every run). The
// talk's Python opens a connection per request; with a Session per thread,
// W per run.
//
//	go test -run '^$' -bench 'NetworkVsIdeal/N=(100|1000)$/W=(40|100)$' -benchtime 5x ./bench/
func BenchmarkNetworkVsIdeal(b *testing.B) {
	api := startAPI(b)
	defer api.Close()
	cores := runtime.NumCPU()
	py, pyErr := python.FindAirTemp()
	if pyErr != nil {
		b.Logf("Python side skipped: %v", pyErr)
	}
	for _, n := range []int{100, 1000, 10000} {
		dates := airtemp.Dates("", n)
		for _, w := range workers(n) {
			b.Run(fmt.Sprintf("N=%d/W=%d", n, w), func(b *testing.B) {
				ideal := rounds(n, w) * latency
				withPython := pyErr == nil && n <= 1000 && w <= 100
				// One HTTP client for the case, as a notebook's Clients share
				// airtemp's default one: the warm-up run opens the connections
				// (and the server keeps the days' JSON), the timed runs reuse them.
				hc := airtemp.NewHTTPClient(min(w, maxConns))
				defer hc.CloseIdleConnections()
				fetchAll(b, hc, api.URL, w, dates)
				lone := loneRequest(b, hc, api.URL, dates[:min(n, loneRequests)])
				floor := rounds(n, w) * (latency + lone)
				var runs []netRun
				for b.Loop() {
					runs = append(runs, measureGo(b, hc, api, w, dates))
				}
				var pyTalk, pySession []pyRun
				if withPython {
					pyTalk = runPython(b, py, api.URL, n, w, false, len(runs))
					pySession = runPython(b, py, api.URL, n, w, true, len(runs))
				}
				med := func(f func(netRun) float64) float64 { return median(runs, f) }
				wall := med(func(r netRun) float64 { return r.wall.Seconds() })
				b.ReportMetric(wall*1e3, "wall-ms")
				b.ReportMetric(ideal.Seconds()*1e3, "ideal-ms")
				b.ReportMetric(med(func(r netRun) float64 { return r.roofline(ideal, cores).Seconds() })*1e3, "roofline-ms")
				b.ReportMetric(med(func(r netRun) float64 { return r.wall.Seconds() / ideal.Seconds() }), "x-ideal")
				b.ReportMetric(med(func(r netRun) float64 { return r.wall.Seconds() / r.roofline(ideal, cores).Seconds() }), "x-roofline")
				b.ReportMetric(float64(lone.Microseconds()), "lone-µs")
				b.ReportMetric(med(func(r netRun) float64 { return r.wall.Seconds() / r.roofline(floor, cores).Seconds() }), "x-floor")
				b.ReportMetric(med(func(r netRun) float64 { return perRequest(r.client, n) }), "client-µs/req")
				b.ReportMetric(med(func(r netRun) float64 { return perRequest(r.server, n) }), "server-µs/req")
				b.ReportMetric(float64(n)/wall, "req/s")
				if withPython {
					pyWall := median(pyTalk, func(r pyRun) float64 { return r.wall.Seconds() })
					b.ReportMetric(pyWall*1e3, "py-wall-ms")
					b.ReportMetric(median(pyTalk, func(r pyRun) float64 { return perRequest(r.cpu, n) }), "py-µs/req")
					b.ReportMetric(wall/pyWall, "go/py")
					b.ReportMetric(wall/median(pySession, func(r pyRun) float64 { return r.wall.Seconds() }), "go/py-session")
				}
				b.ReportMetric(0, "ns/op") // the wall time is above, per run
				for _, r := range runs {
					line := fmt.Sprintf("wall %v, roofline %v (x%.2f), floor %v (x%.2f), client %.0f µs/req, server %.0f µs/req",
						r.wall.Round(100*time.Microsecond), r.roofline(ideal, cores).Round(100*time.Microsecond),
						r.wall.Seconds()/r.roofline(ideal, cores).Seconds(), r.roofline(floor, cores).Round(100*time.Microsecond),
						r.wall.Seconds()/r.roofline(floor, cores).Seconds(), perRequest(r.client, n), perRequest(r.server, n))
					b.Log(line)
				}
				for i := range pyTalk {
					b.Logf("Python: wall %v (%.0f µs/req of CPU); with a Session per thread %v (%.0f µs/req)",
						pyTalk[i].wall.Round(time.Millisecond), perRequest(pyTalk[i].cpu, n),
						pySession[i].wall.Round(time.Millisecond), perRequest(pySession[i].cpu, n))
				}
			})
		}
	}
}

// pyRun is one timed run of the talk's Python client.
type pyRun struct {
	wall, cpu time.Duration // the Python process's own measurements
}

// runPython runs the talk's Python client on the first n days with w threads,
// a warm-up run and then repeat timed ones, without the talk's pause, one
// attempt per day as the Go side makes, and checks it brought back every day.
func runPython(tb testing.TB, py, url string, n, w int, session bool, repeat int) []pyRun {
	tb.Helper()
	res, err := python.RunAirTemp(context.Background(), py, url,
		python.AirTempOptions{Days: n, Workers: w, Session: session, MaxAttempts: 1, Warmup: 1, Repeat: repeat})
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Results) != n || len(res.Runs) != repeat {
		tb.Fatalf("Python: %d of %d days, errors %+v", len(res.Results), n, res.Errors)
	}
	runs := make([]pyRun, repeat)
	for i, r := range res.Runs {
		runs[i] = pyRun{wall: time.Duration(r.Wall * float64(time.Second)), cpu: time.Duration(r.CPU * float64(time.Second))}
	}
	return runs
}

// netRun is one measured run of N requests.
type netRun struct {
	wall   time.Duration
	client time.Duration // CPU time of this process over the run
	server time.Duration // CPU time of the server process over the run
}

// roofline is max(rounds, N·(client + server CPU per request)/cores), that is
// the longer of the rounds of waiting (ceil(N/W)·L, or the floor) and the
// run's CPU time of both processes spread over the cores.
func (r netRun) roofline(rounds time.Duration, cores int) time.Duration {
	return max(rounds, (r.client+r.server)/time.Duration(cores))
}

// loneRequests is how many days loneRequest fetches: about a third of a second.
const loneRequests = 15

// loneRequest fetches dates one after the other through hc, each request
// alone, the cores idle during its L, and returns the median time one took
// beyond the server's latency L.
func loneRequest(tb testing.TB, hc *http.Client, url string, dates []string) time.Duration {
	tb.Helper()
	c := &airtemp.Client{BaseURL: url, HTTP: hc, MaxAttempts: 1}
	over := make([]time.Duration, len(dates))
	for i, d := range dates {
		start := time.Now()
		if _, err := c.Fetch(context.Background(), d); err != nil {
			tb.Fatalf("one request alone: %v", err)
		}
		over[i] = time.Since(start) - latency
	}
	return stats.Median(over)
}

func perRequest(cpu time.Duration, n int) float64 { return float64(cpu.Microseconds()) / float64(n) }

// median is the median of f over xs.
func median[T any](xs []T, f func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	return stats.Median(v)
}

// measureGo fetches dates on w goroutines through hc and measures the run's
// wall time and the CPU time of both processes.
func measureGo(tb testing.TB, hc *http.Client, api *apiProcess, w int, dates []string) netRun {
	tb.Helper()
	s0, c0 := api.CPU(tb), selfCPU()
	_, wall := fetchAll(tb, hc, api.URL, w, dates)
	c1, s1 := selfCPU(), api.CPU(tb)
	return netRun{wall: wall, client: c1 - c0, server: s1 - s0}
}

// workers lists the pool sizes tried for n requests: 1, 40 (the talk's), 100
// and n, without repeats and without runs ideally longer than budget.
func workers(n int) []int {
	var ws []int
	for _, w := range []int{1, 40, 100, n} {
		if w > n || (len(ws) > 0 && ws[len(ws)-1] == w) || rounds(n, w)*latency > budget {
			continue
		}
		ws = append(ws, w)
	}
	return ws
}

// rounds is ceil(n/w): how many requests each worker makes one after the other.
func rounds(n, w int) time.Duration { return time.Duration((n + w - 1) / w) }

// fetchAll fetches dates on w goroutines through hc, each taking the next
// date when done with one (as a ThreadPoolExecutor's threads do), and returns
// the days in order and the run's wall time. Any failure fails the benchmark:
// the Client makes one attempt only, so that trouble shows instead of hiding
// in retries.
func fetchAll(tb testing.TB, hc *http.Client, url string, w int, dates []string) ([]airtemp.DayResult, time.Duration) {
	tb.Helper()
	c := &airtemp.Client{BaseURL: url, HTTP: hc, MaxAttempts: 1}
	out := make([]airtemp.DayResult, len(dates))
	var (
		next   atomic.Int64
		g      errgroup.Group
		failed atomic.Int64
	)
	start := time.Now()
	for range min(w, len(dates)) {
		g.Go(func() error {
			var first error
			for i := int(next.Add(1) - 1); i < len(dates); i = int(next.Add(1) - 1) {
				r, err := c.Fetch(context.Background(), dates[i])
				if err != nil {
					failed.Add(1)
					first = cmp.Or(first, err)
					continue
				}
				out[i] = r
			}
			return first
		})
	}
	err := g.Wait()
	wall := time.Since(start)
	if err != nil {
		tb.Fatalf("%d requests on %d goroutines: %d failed: %v", len(dates), w, failed.Load(), err)
	}
	for i, r := range out {
		if r.Date != dates[i] || r.Readings == 0 {
			tb.Fatalf("result %d is %+v, want the readings of %s", i, r, dates[i])
		}
	}
	return out, wall
}

// selfCPU is this process's user+system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The API server runs in a process of its own: this test binary, re-executed
// with apiEnv set, which init notices before any test runs. It prints its URL,
// then answers commands read from stdin, one a line:
//
//	cpu    → "cpu <ns>", its user+system CPU time so far
//	stats  → "stats <json>", requests received and answered whole
//
// and closes when stdin does (also when this process dies).
const apiEnv = "SPEEDUP_BENCH_AIRTEMP_SERVER"

func init() {
	if os.Getenv(apiEnv) != "" {
		os.Exit(serveAPI(os.Stdin, os.Stdout))
	}
}

// apiStats is what the server process reports of airtemp.Stats.
type apiStats struct{ Requests, OK int }

func serveAPI(in io.Reader, out io.Writer) int {
	srv, err := airtemp.Start(airtemp.ServerConfig{Latency: latency, Resolution: resolution})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(out, "url %s\n", srv.URL())
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		switch lines.Text() {
		case "cpu":
			fmt.Fprintf(out, "cpu %d\n", selfCPU())
		case "stats":
			st := srv.Stats()
			j, _ := json.Marshal(apiStats{st.Requests, st.OK})
			fmt.Fprintf(out, "stats %s\n", j)
		default:
			fmt.Fprintf(out, "error unknown command %q\n", lines.Text())
		}
	}
	return 0
}

// apiProcess is the API server's process, seen from the benchmark.
type apiProcess struct {
	URL string

	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	mu  sync.Mutex
}

// startAPI starts the API server's process; it stops when the test ends.
func startAPI(tb testing.TB) *apiProcess {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), apiEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &apiProcess{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	tb.Cleanup(p.Close)
	if !p.out.Scan() || !strings.HasPrefix(p.out.Text(), "url ") {
		tb.Fatalf("API server process: first line %q, want its URL", p.out.Text())
	}
	p.URL = strings.TrimPrefix(p.out.Text(), "url ")
	return p
}

// ask sends a command and returns the answer's argument.
func (p *apiProcess) ask(tb testing.TB, cmd string) string {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := fmt.Fprintln(p.in, cmd); err != nil {
		tb.Fatalf("API server process: %v", err)
	}
	if !p.out.Scan() {
		tb.Fatalf("API server process: no answer to %q: %v", cmd, p.out.Err())
	}
	arg, ok := strings.CutPrefix(p.out.Text(), cmd+" ")
	if !ok {
		tb.Fatalf("API server process: answer %q to %q", p.out.Text(), cmd)
	}
	return arg
}

// CPU is the server process's CPU time so far.
func (p *apiProcess) CPU(tb testing.TB) time.Duration {
	ns, err := strconv.ParseInt(p.ask(tb, "cpu"), 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ns)
}

// Stats returns the server's counts so far.
func (p *apiProcess) Stats(tb testing.TB) apiStats {
	var st apiStats
	if err := json.Unmarshal([]byte(p.ask(tb, "stats")), &st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// Close stops the server process and waits for it.
func (p *apiProcess) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in == nil {
		return
	}
	_ = p.in.Close()
	p.in = nil
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// TestNetworkVsIdeal is a small run of the benchmark's setup, so that
// `go test ./...` checks it: the server runs in its own process, whose CPU
// time can be read, 40 requests on 10 goroutines at least take their ideal
// time, and not much more, and a request alone takes a little more than L.
func TestNetworkVsIdeal(t *testing.T) {
	api := startAPI(t)
	if api.CPU(t) <= 0 {
		t.Error("the server process reports no CPU time")
	}
	hc := airtemp.NewHTTPClient(10)
	defer hc.CloseIdleConnections()
	r := measureGo(t, hc, api, 10, airtemp.Dates("", 40))
	if ideal := rounds(40, 10) * latency; r.wall < ideal || r.wall > 20*ideal {
		t.Errorf("40 requests on 10 goroutines took %v, want %v or a little more", r.wall, ideal)
	}
	if r.client <= 0 || r.server <= 0 {
		t.Errorf("CPU over the run: client %v, server %v; want both above zero", r.client, r.server)
	}
	if st := api.Stats(t); st.Requests != 40 || st.OK != 40 {
		t.Errorf("server stats %+v, want 40 requests served", st)
	}
	if lone := loneRequest(t, hc, api.URL, airtemp.Dates("", 3)); lone <= 0 || lone > 10*latency {
		t.Errorf("one request alone took L + %v, want a little more than L", lone)
	}
	if py, err := python.FindAirTemp(); err != nil {
		t.Logf("Python side not tried: %v", err)
	} else if r := runPython(t, py, api.URL, 12, 4, false, 1); r[0].wall < rounds(12, 4)*latency || r[0].cpu <= 0 {
		t.Errorf("Python: %+v, want at least the ideal %v and some CPU", r, rounds(12, 4)*latency)
	} else if st := api.Stats(t); st.OK != 43+2*12 {
		t.Errorf("server stats %+v after Python's warm-up and run of 12 requests, want 67 served", st)
	}
	if got := workers(10000); fmt.Sprint(got) != "[40 100 10000]" {
		t.Errorf("workers(10000) = %v", got)
	}
}
