package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
	"github.com/speedup-go/speedup/workloads/airtemp"
)

const (
	// latency is the server's fixed answer time, L.
	latency = 20 * time.Millisecond
	// budget skips the runs whose ideal time, ceil(N/W)·L, is longer.
	budget = 5 * time.Second
	// maxConns caps the connections of one run. Each costs two file
	// descriptors here, the client's and the server's, all in this process,
	// whose limit is `ulimit -n` (20000 on the machines this was written on;
	// Go raises the soft limit to the hard one): 10,000 concurrent
	// connections would need more than 20,000. Above maxConns workers, the
	// transport queues requests for a free connection.
	maxConns = 4000
)

// client is the Client the fetch task uses, set by each run. The task runs on
// goroutines only: worker processes would not see it.
var client atomic.Pointer[airtemp.Client]

// fetch is created at package level, as kernelext asks of tasks (worker
// processes re-execute the test binary and find it before main runs).
var fetch = kernelext.NewTask("bench.airtemp.fetch", func(ctx context.Context, date string) (airtemp.DayResult, error) {
	return client.Load().Fetch(ctx, date)
})

// BenchmarkNetworkVsIdeal fetches N days on W goroutines from a local server
// answering in L, and compares the wall time with the ideal ceil(N/W)·L. Each
// run starts with a new HTTP client, so connecting is part of the time; the
// server sends one item an hour (about 15 kB a day) so that JSON does not
// dominate on two cores.
func BenchmarkNetworkVsIdeal(b *testing.B) {
	srv, err := airtemp.Start(airtemp.ServerConfig{Latency: latency, Resolution: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, n := range []int{100, 1000, 10000} {
		dates := airtemp.Dates("", n)
		for _, w := range workers(n) {
			b.Run(fmt.Sprintf("N=%d/W=%d", n, w), func(b *testing.B) {
				ideal := rounds(n, w) * latency
				var wall time.Duration
				for b.Loop() {
					wall += fetchAll(b, srv.URL(), w, dates)
				}
				per := wall / time.Duration(b.N)
				b.ReportMetric(float64(per)/float64(ideal), "x-ideal")
				b.ReportMetric(float64(n)/per.Seconds(), "req/s")
			})
		}
	}
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

// fetchAll fetches dates on w goroutines with a fresh client and returns the
// run's wall time. Any failure fails the benchmark: the Client makes one
// attempt only, so that trouble shows instead of hiding in retries.
func fetchAll(tb testing.TB, url string, w int, dates []string) time.Duration {
	tb.Helper()
	hc := airtemp.NewHTTPClient(min(w, maxConns))
	defer hc.CloseIdleConnections()
	client.Store(&airtemp.Client{BaseURL: url, HTTP: hc, MaxAttempts: 1})
	run, err := kernelext.Map(context.Background(), kernelext.Goroutines(w), fetch, dates, kernelext.Progress(false))
	if err == nil {
		err = run.Errors()
	}
	if err != nil {
		tb.Fatalf("%d requests on %d goroutines: %d failed: %v", len(dates), w, run.Failed(), err)
	}
	for i, r := range run.Values() {
		if r.Date != dates[i] || r.Readings == 0 {
			tb.Fatalf("result %d is %+v, want the readings of %s", i, r, dates[i])
		}
	}
	return run.Wall
}

// TestNetworkVsIdeal is a small run of the benchmark's setup, so that
// `go test ./...` checks it: 40 requests on 10 goroutines at least take their
// ideal time, and not much more.
func TestNetworkVsIdeal(t *testing.T) {
	srv, err := airtemp.Start(airtemp.ServerConfig{Latency: latency, Resolution: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	wall := fetchAll(t, srv.URL(), 10, airtemp.Dates("", 40))
	if ideal := rounds(40, 10) * latency; wall < ideal || wall > 20*ideal {
		t.Errorf("40 requests on 10 goroutines took %v, want %v or a little more", wall, ideal)
	}
	if st := srv.Stats(); st.Requests != 40 || st.OK != 40 {
		t.Errorf("server stats %+v, want 40 requests served", st)
	}
	if got := workers(10000); fmt.Sprint(got) != "[40 100 10000]" {
		t.Errorf("workers(10000) = %v", got)
	}
}
