package airtemp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServerRejects(t *testing.T) {
	srv := startServer(t, ServerConfig{})
	tests := []struct {
		method, target string
		status, code   int
		says           string
	}{
		{"GET", Path + "?date=2020-13-01", 400, 4, `invalid date "2020-13-01": month out of range`},
		{"GET", Path + "?date=2020-02-30", 400, 4, "day out of range"},
		{"GET", Path, 400, 4, "date is required"},
		{"GET", "/v1/environment/rainfall?date=2020-01-01", 404, 404, "no such endpoint"},
		{"POST", Path + "?date=2020-01-01", 405, 405, "only GET"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL()+tt.target, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tt.status || body.Code != tt.code || !strings.Contains(body.Message, tt.says) {
			t.Errorf("%s %s: %d %+v (%v), want %d, code %d, saying %q", tt.method, tt.target, resp.StatusCode, body, err, tt.status, tt.code, tt.says)
		}
	}
	if st := srv.Stats(); st.Requests != len(tests) || st.Rejected != len(tests) || st.OK != 0 || len(st.Attempts) != 0 {
		t.Errorf("Stats = %+v, want %d requests, all rejected", st, len(tests))
	}
}

func TestServerConfigChecked(t *testing.T) {
	for _, cfg := range []ServerConfig{
		{ErrorRate: -0.1},
		{SlowRate: 1.5},
		{ErrorRate: 0.6, DropRate: 0.6},
		{FailWith: Fault(99)},
		{Latency: -time.Second},
		{Addr: "not an address"},
	} {
		if s, err := Start(cfg); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded, want an error", cfg)
		}
	}
}

// TestFaultsDeterministic runs the same days against the same faulty
// configuration one after the other and on 8 goroutines: every day gets the
// same faults in the same order, and the server's counts agree with the
// client's.
func TestFaultsDeterministic(t *testing.T) {
	cfg := ServerConfig{
		Seed: 7, ErrorRate: 0.15, TooManyRate: 0.1, DropRate: 0.1, TruncateRate: 0.1, SlowRate: 0.05,
		RetryAfter: time.Millisecond, SlowBody: 10 * time.Millisecond, Jitter: time.Millisecond,
		Resolution: time.Hour,
	}
	dates := Dates("2020-01-01", 60)
	type outcome struct {
		results []DayResult
		stats   Stats
		kinds   map[string][]Fault // the faults of each date, attempt by attempt
	}
	run := func(workers int) outcome {
		var mu sync.Mutex
		kinds := map[string][]Fault{}
		cfg := cfg
		cfg.onRequest = func(date string, attempt int, f Fault) {
			mu.Lock()
			defer mu.Unlock()
			if len(kinds[date]) != attempt-1 {
				t.Errorf("%s: attempt %d arrived after %d", date, attempt, len(kinds[date]))
			}
			kinds[date] = append(kinds[date], f)
		}
		srv := startServer(t, cfg)
		c := fastClient(t, srv.URL())
		c.MaxAttempts = 20
		results := make([]DayResult, len(dates))
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					r, err := c.Fetch(context.Background(), dates[i])
					if err != nil {
						t.Errorf("Fetch(%s): %v", dates[i], err)
					}
					results[i] = r
				}
			})
		}
		for i := range dates {
			next <- i
		}
		close(next)
		wg.Wait()
		return outcome{results, srv.Stats(), kinds}
	}
	seq, par := run(1), run(8)

	faults, retried := 0, 0
	for _, n := range seq.stats.Faults {
		faults += n
	}
	st := seq.stats
	if st.Requests != st.OK+st.Rejected+faults || st.OK+st.Faults[FaultSlow] != len(dates) {
		t.Errorf("Stats %+v: want Requests = OK + Rejected + faults, and %d days served whole (OK or slow)", st, len(dates))
	}
	for i, r := range seq.results {
		retried += len(r.Retries)
		if n := st.Attempts[dates[i]]; r.Attempts != n {
			t.Errorf("%s: client counted %d attempts, server %d", dates[i], r.Attempts, n)
		}
		// A slow body arrives whole: it costs time, not an attempt.
		if want := len(seq.kinds[dates[i]]) - 1; len(r.Retries) != want {
			t.Errorf("%s: retries %q for faults %v", dates[i], r.Retries, seq.kinds[dates[i]])
		}
	}
	if faults < 10 || retried == 0 || len(st.Faults) < 6 {
		t.Errorf("only %d faults of %d kinds and %d retries in %d days: the test tests little", faults, len(st.Faults), retried, len(dates))
	}
	if !reflect.DeepEqual(seq.kinds, par.kinds) || !reflect.DeepEqual(seq.stats, par.stats) {
		t.Errorf("sequential and concurrent runs differ:\n%v\n%v", seq.stats, par.stats)
	}
	for i := range dates {
		if !reflect.DeepEqual(seq.results[i], par.results[i]) {
			t.Errorf("%s: %+v sequentially, %+v concurrently", dates[i], seq.results[i], par.results[i])
		}
	}
}

func TestServerCloseCutsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	cfgs := map[string]ServerConfig{
		"waiting out latency": {Latency: time.Minute},
		"trickling a body":    {SlowRate: 1, SlowBody: time.Minute},
	}
	for name, cfg := range cfgs {
		t.Run(name, func(t *testing.T) {
			const n = 4
			arrived := make(chan struct{}, n)
			cfg.onRequest = func(string, int, Fault) { arrived <- struct{}{} }
			srv, err := Start(cfg)
			if err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, n)
			for i := range n {
				go func() {
					resp, err := hc.Get(srv.URL() + Path + "?date=" + Dates("2020-01-01", n)[i])
					if err == nil {
						_, err = io.ReadAll(resp.Body)
						resp.Body.Close()
					}
					errs <- err
				}()
			}
			for range n {
				<-arrived
			}
			start := time.Now()
			if err := srv.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Close took %v, want at once", d)
			}
			for range n {
				if err := <-errs; err == nil {
					t.Error("a request in flight succeeded after Close")
				}
			}
			if err := srv.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if _, err := hc.Get(srv.URL() + Path + "?date=2020-01-01"); err == nil {
				t.Error("a request after Close succeeded")
			}
		})
	}
	hc.CloseIdleConnections()
	// Goroutines end asynchronously once their connections are closed: give
	// them a moment, then show what is left.
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if now := runtime.NumGoroutine(); now > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, now, buf[:runtime.Stack(buf, true)])
	}
}

func TestFaultString(t *testing.T) {
	b, _ := json.Marshal(map[Fault]int{Fault503: 2, FaultDrop: 1})
	if string(b) != `{"503":2,"drop":1}` || Fault(42).String() != "Fault(42)" {
		t.Errorf("faults as JSON: %s, %v", b, Fault(42))
	}
}
