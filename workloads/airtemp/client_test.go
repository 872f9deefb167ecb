package airtemp

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDay(t *testing.T) {
	for _, res := range []time.Duration{0, time.Minute} {
		srv := startServer(t, ServerConfig{Resolution: res})
		c := fastClient(t, srv.URL())
		got, err := c.Day(context.Background(), "2020-01-01")
		if err != nil {
			t.Fatalf("Day: %v", err)
		}
		want, _ := SyntheticDay("2020-01-01", res)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if !bytes.Equal(gj, wj) {
			t.Errorf("resolution %v: Day differs from SyntheticDay:\n got %.300s\nwant %.300s", res, gj, wj)
		}
		if ts := got.Items[1].Timestamp.Format(time.RFC3339); res == time.Minute && ts != "2020-01-01T00:01:00+08:00" {
			t.Errorf("second item at %s, want 2020-01-01T00:01:00+08:00", ts)
		}
	}
}

func TestFetch(t *testing.T) {
	srv := startServer(t, ServerConfig{})
	c := fastClient(t, srv.URL())
	got, err := c.Fetch(context.Background(), "2020-06-15")
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if got.Date != "2020-06-15" || got.Stations != 16 || got.Items != 144 || got.Readings != 144*16 ||
		got.Attempts != 1 || got.Retries != nil {
		t.Errorf("Fetch = %+v, want 16 stations, 144 items, 2304 readings, 1 attempt, no retries", got)
	}
	if !(24 <= got.Min && got.Min < got.Mean && got.Mean < got.Max && got.Max <= 33) {
		t.Errorf("Min %v, Mean %v, Max %v: want 24 ≤ Min < Mean < Max ≤ 33", got.Min, got.Mean, got.Max)
	}
	var buf bytes.Buffer
	var back DayResult
	if err := gob.NewEncoder(&buf).Encode(got); err != nil {
		t.Fatalf("gob encode: %v", err)
	}
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil || !reflect.DeepEqual(back, got) {
		t.Errorf("gob round trip = %+v, %v; want %+v", back, err, got)
	}
}

func TestRetriedFaults(t *testing.T) {
	tests := []struct {
		fault Fault
		cause string // in each Retries entry
	}{
		{Fault500, "HTTP 500 Internal Server Error: injected fault"},
		{Fault502, "HTTP 502 Bad Gateway"},
		{Fault503, "HTTP 503 Service Unavailable"},
		{Fault429, "HTTP 429 Too Many Requests: injected fault (Retry-After 2ms)"},
		{FaultDrop, "unexpected EOF"},
		{FaultTruncate, "reading the body: unexpected EOF"},
		{FaultSlow, "Client.Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			srv := startServer(t, ServerConfig{FailFirst: 2, FailWith: tt.fault, RetryAfter: 2 * time.Millisecond, SlowBody: 5 * time.Second})
			c := fastClient(t, srv.URL())
			c.HTTP.Timeout = 100 * time.Millisecond // the slow body's 5 s never arrive
			got, err := c.Fetch(context.Background(), "2020-01-05")
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got.Attempts != 3 || len(got.Retries) != 2 || got.Readings != 144*16 {
				t.Fatalf("Fetch = %+v, want 3 attempts, 2 retries and the whole day", got)
			}
			for i, r := range got.Retries {
				if !strings.HasPrefix(r, "attempt "+string(rune('1'+i))+": ") || !strings.Contains(r, tt.cause) {
					t.Errorf("Retries[%d] = %q, want attempt %d and %q", i, r, i+1, tt.cause)
				}
			}
			st := srv.Stats()
			if st.Faults[tt.fault] != 2 || st.OK != 1 || st.Requests != 3 || st.Attempts["2020-01-05"] != 3 {
				t.Errorf("Stats = %+v, want 2 %v faults, 1 OK, 3 requests for 2020-01-05", st, tt.fault)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	const wait = 150 * time.Millisecond
	srv := startServer(t, ServerConfig{FailFirst: 1, FailWith: Fault429, RetryAfter: wait})
	c := fastClient(t, srv.URL())
	var waits []time.Duration
	c.OnRetry = func(date string, attempt int, err error, d time.Duration) { waits = append(waits, d) }
	start := time.Now()
	got, err := c.Fetch(context.Background(), "2020-01-01")
	elapsed := time.Since(start)
	if err != nil || got.Attempts != 2 {
		t.Fatalf("Fetch = %+v, %v; want success on the second attempt", got, err)
	}
	if len(waits) != 1 || waits[0] != wait || elapsed < wait {
		t.Errorf("waits %v, took %v; want one wait of exactly %v (not the 1 ms backoff, not capped by MaxInterval 5 ms)", waits, elapsed, wait)
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	srv := startServer(t, ServerConfig{FailFirst: 1, FailWith: Fault429, RetryAfter: 30 * time.Second})
	c := fastClient(t, srv.URL())
	c.MaxRetryAfter = time.Second
	start := time.Now()
	_, err := c.Day(context.Background(), "2020-01-01")
	var e *Error
	if !errors.As(err, &e) || e.Attempts != 1 || e.Retried() || time.Since(start) > time.Second {
		t.Fatalf("Day = %v after %v; want an immediate failure after 1 attempt, not retried", err, time.Since(start))
	}
	for _, want := range []string{"2020-01-01", "HTTP 429", "Retry-After 30s", "MaxRetryAfter (1s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0.25", 250 * time.Millisecond, true},
		{"0", 0, true},
		{"-3", 0, true},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second, true},
		{"Wed, 01 Jan 2020 11:00:00 GMT", 0, true}, // in the past
		{"", 0, false},
		{"soon", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExhausted(t *testing.T) {
	tests := []struct {
		name     string
		client   func(*Client)
		attempts int    // 0: more than 1
		says     string // besides the date and the last cause
	}{
		{"max attempts", func(c *Client) { c.MaxAttempts = 4 }, 4, "giving up after 4 attempts, last error: HTTP 503 Service Unavailable: injected fault"},
		{"default max attempts", func(c *Client) {}, DefaultMaxAttempts, "giving up after 6 attempts, last error: HTTP 503"},
		{"max elapsed time", func(c *Client) { c.MaxAttempts, c.MaxElapsedTime = -1, 30*time.Millisecond }, 0, "attempts in "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, ServerConfig{FailFirst: 1000})
			c := fastClient(t, srv.URL())
			tt.client(c)
			_, err := c.Fetch(context.Background(), "2020-03-04")
			var e *Error
			if !errors.As(err, &e) || !e.Retried() {
				t.Fatalf("Fetch error = %v, want a retried *Error", err)
			}
			n := srv.Stats().Attempts["2020-03-04"]
			if e.Attempts != n || (tt.attempts > 0 && n != tt.attempts) || n < 2 {
				t.Errorf("Error.Attempts = %d, server saw %d, want %d", e.Attempts, n, tt.attempts)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != 503 {
				t.Errorf("error %v does not wrap the last 503", err)
			}
			for _, want := range []string{"airtemp 2020-03-04: ", tt.says} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestNotRetried(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		says        string
	}{
		{"400 with the API's message", 400, "application/json", `{"code":4,"message":"Invalid date"}`, "HTTP 400 Bad Request: Invalid date (attempt 1, not retried)"},
		{"404 from a plain server", 404, "text/plain", "404 page not found\n", "HTTP 404 Not Found: 404 page not found (attempt 1, not retried)"},
		{"401", 401, "application/json", `{"message":"no key"}`, "HTTP 401 Unauthorized: no key"},
		{"malformed JSON", 200, "application/json", `{"items": nope}`, "malformed JSON in a 15-byte body: invalid character 'o'"},
		{"HTML instead of JSON", 200, "text/html", "<html>maintenance</html>", "malformed JSON"},
		{"two JSON values", 200, "application/json", `{} {}`, "malformed JSON in a 5-byte body: data after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := fixedServer(t, tt.status, tt.contentType, tt.body)
			c := fastClient(t, srv.URL)
			_, err := c.Day(context.Background(), "2020-01-02")
			if err == nil || !strings.Contains(err.Error(), "airtemp 2020-01-02: ") || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Day error = %v, want it to name the date and say %q", err, tt.says)
			}
			var e *Error
			if !errors.As(err, &e) || e.Retried() || e.Attempts != 1 || hits.Load() != 1 {
				t.Errorf("%d requests, error %#v: want 1 request, not retried", hits.Load(), e)
			}
		})
	}
	t.Run("404 from Server", func(t *testing.T) {
		srv := startServer(t, ServerConfig{})
		c := fastClient(t, srv.URL()+"/v2")
		_, err := c.Day(context.Background(), "2020-01-02")
		if err == nil || !strings.Contains(err.Error(), "HTTP 404 Not Found: no such endpoint /v2"+Path) {
			t.Errorf("Day error = %v, want a 404 naming the path", err)
		}
		if st := srv.Stats(); st.Requests != 1 || st.Rejected != 1 {
			t.Errorf("Stats = %+v, want 1 request, rejected", st)
		}
	})
}

func TestTruncatedJSONRetried(t *testing.T) {
	for _, body := range []string{`{"items": [`, ""} {
		srv, hits := fixedServer(t, 200, "application/json", body)
		c := fastClient(t, srv.URL)
		c.MaxAttempts = 3
		_, err := c.Day(context.Background(), "2020-01-02")
		if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts, last error: truncated JSON") || hits.Load() != 3 {
			t.Errorf("body %q: %d requests, error %v; want 3 requests and a truncated-JSON error", body, hits.Load(), err)
		}
	}
}

func TestInvalidDateNotSent(t *testing.T) {
	srv, hits := fixedServer(t, 200, "application/json", "{}")
	c := fastClient(t, srv.URL)
	for _, date := range []string{"2020-13-01", "2020-02-30", "2020/01/01", ""} {
		_, err := c.Fetch(context.Background(), date)
		if !errors.Is(err, ErrInvalidDate) || !strings.Contains(err.Error(), "want YYYY-MM-DD") {
			t.Errorf("Fetch(%q) error = %v, want ErrInvalidDate", date, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests for invalid dates, want none", hits.Load())
	}
	_, err := (&Client{}).Day(context.Background(), "2020-01-01")
	if err == nil || !strings.Contains(err.Error(), "BaseURL is empty") {
		t.Errorf("zero Client: %v, want an error about BaseURL", err)
	}
}

func TestContextStops(t *testing.T) {
	interrupted := errors.New("interrupted")
	tests := []struct {
		name   string
		server ServerConfig
		client func(*Client)
		ctx    func(*Client) (context.Context, context.CancelFunc)
		want   []error
		says   string
	}{
		{
			name:   "during a backoff wait",
			server: ServerConfig{FailFirst: 1000},
			client: func(c *Client) { c.InitialInterval, c.MaxInterval, c.Jitter = 10*time.Second, 10*time.Second, -1 },
			ctx: func(c *Client) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				c.OnRetry = func(string, int, error, time.Duration) { cancel() }
				return ctx, cancel
			},
			want: []error{context.Canceled},
			says: "stopped after 1 attempt: context canceled (last error: HTTP 503",
		},
		{
			name:   "with a cause, during a Retry-After",
			server: ServerConfig{FailFirst: 1000, FailWith: Fault429, RetryAfter: 20 * time.Second},
			ctx: func(c *Client) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancelCause(context.Background())
				c.OnRetry = func(string, int, error, time.Duration) { cancel(interrupted) }
				return ctx, func() { cancel(nil) }
			},
			want: []error{context.Canceled, interrupted},
			says: "stopped after 1 attempt: context canceled: interrupted",
		},
		{
			name:   "during a request",
			server: ServerConfig{Latency: 20 * time.Second},
			ctx: func(*Client) (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			want: []error{context.DeadlineExceeded},
			says: "stopped after 1 attempt: context deadline exceeded (last error: ",
		},
		{
			name:   "during the pause",
			client: func(c *Client) { c.Pause = 20 * time.Second },
			ctx: func(*Client) (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			want: []error{context.DeadlineExceeded},
			says: "stopped in the pause after the request: context deadline exceeded",
		},
		{
			name: "before it starts",
			ctx: func(*Client) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			want: []error{context.Canceled},
			says: "stopped after 0 attempts: context canceled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.server)
			c := fastClient(t, srv.URL())
			if tt.client != nil {
				tt.client(c)
			}
			ctx, cancel := tt.ctx(c)
			defer cancel()
			start := time.Now()
			got, err := c.Fetch(ctx, "2020-01-07")
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("Fetch returned after %v, want at once", elapsed)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v does not wrap %v", err, w)
				}
			}
			if err == nil || !strings.Contains(err.Error(), "airtemp 2020-01-07: "+tt.says) {
				t.Errorf("error %q, want it to say %q", err, tt.says)
			}
			if !reflect.DeepEqual(got, DayResult{}) {
				t.Errorf("Fetch = %+v, want the zero DayResult", got)
			}
		})
	}
}

func TestBackOffCapped(t *testing.T) {
	c := &Client{InitialInterval: time.Second, MaxInterval: 10 * time.Second, Jitter: 0.5}
	b := c.backOff()
	b.Reset()
	for i := range 50 {
		if d := b.NextBackOff(); d > 10*time.Second || d < 500*time.Millisecond {
			t.Fatalf("wait %d is %v, want 0.5 s to 10 s", i, d)
		}
	}
	c = &Client{Jitter: -1}
	b = c.backOff()
	b.Reset()
	var got []time.Duration
	for range 6 {
		got = append(got, b.NextBackOff())
	}
	want := []time.Duration{1e9, 2e9, 4e9, 8e9, 10e9, 10e9}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("default waits without jitter = %v, want %v (the talk's 1 s growing to at most 10 s)", got, want)
	}
}

func TestRetryAfterOn503(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "0.08")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"api_info":{"status":"healthy"}}`))
	}))
	defer srv.Close()
	c := fastClient(t, srv.URL)
	start := time.Now()
	got, err := c.Fetch(context.Background(), "2020-01-01")
	if err != nil || got.Attempts != 2 || hits.Load() != 2 {
		t.Fatalf("Fetch = %+v, %v after %d requests; want success on the second", got, err, hits.Load())
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("took %v: the 503's Retry-After of 80 ms was not honoured", d)
	}
	if got.Readings != 0 || got.Mean != 0 || got.Min != 0 || got.Max != 0 {
		t.Errorf("a day without readings sums up as %+v, want zeros", got)
	}
}

// TestConnectionsReused: a run of requests on W goroutines through
// NewHTTPClient(W) opens at most W connections, however many days it fetches,
// including after answers that were not 200 (their bodies are drained).
func TestConnectionsReused(t *testing.T) {
	srv := startServer(t, ServerConfig{Seed: 1, ErrorRate: 0.2, TooManyRate: 0.1, RetryAfter: time.Millisecond})
	const workers, days = 5, 60
	hc := NewHTTPClient(workers)
	defer hc.CloseIdleConnections()
	tr := hc.Transport.(*http.Transport)
	var dials atomic.Int64
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}
	c := &Client{BaseURL: srv.URL(), HTTP: hc, InitialInterval: time.Millisecond, MaxInterval: time.Millisecond}
	dates := Dates("", days)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < days; i = next.Add(1) - 1 {
				if _, err := c.Fetch(context.Background(), dates[i]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if st := srv.Stats(); st.Requests <= days || dials.Load() > workers {
		t.Errorf("%d requests (%d faults) over %d connections; want more than %d requests over at most %d",
			st.Requests, st.Requests-st.OK, dials.Load(), days, workers)
	}
}
