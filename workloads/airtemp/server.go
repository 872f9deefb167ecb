package airtemp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/speedup-go/speedup/internal/wait"
)

// Fault is a failure a [Server] injects into a response.
type Fault int

const (
	NoFault       Fault = iota // the day, whole and on time
	Fault500                   // 500 Internal Server Error
	Fault502                   // 502 Bad Gateway
	Fault503                   // 503 Service Unavailable
	Fault429                   // 429 Too Many Requests, with Retry-After
	FaultDrop                  // the connection closed in the middle of the status line and headers
	FaultTruncate              // the connection closed after half the body
	FaultSlow                  // the body trickled out over ServerConfig.SlowBody
)

var faultNames = [...]string{"none", "500", "502", "503", "429", "drop", "truncate", "slow"}

// String names the fault as Stats prints it: "503", "429", "drop", …
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText makes faults readable as JSON map keys.
func (f Fault) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// ServerConfig sets up a [Server]. The zero ServerConfig serves on a free
// port of 127.0.0.1, at once and without faults.
//
// Latency and faults are deterministic: they depend on Seed, the date and the
// attempt (how many requests that date has had so far, this one included),
// never on timing or on other dates, so a run gets the same latencies and
// faults whatever its concurrency, as long as each date's attempts come one
// after the other, as a retrying client's do.
type ServerConfig struct {
	// Addr is where to listen; empty means "127.0.0.1:0", a free port of the
	// loopback interface.
	Addr string
	// Resolution is the time between two items of a day; 0 means
	// [DefaultResolution], 10 minutes. The real API has one item a minute.
	Resolution time.Duration

	// Every request waits Latency plus a uniform share of Jitter, [0, Jitter),
	// before it is answered, faults included.
	Latency, Jitter time.Duration

	// Seed varies latencies and faults between runs; the readings depend on
	// the date alone.
	Seed uint64

	// Fault rates, each a probability in [0, 1] for every request after the
	// FailFirst ones, summing to at most 1.
	ErrorRate    float64 // 500, 502 or 503, equally likely
	TooManyRate  float64 // 429 Too Many Requests with Retry-After
	DropRate     float64 // the connection closes mid-headers
	TruncateRate float64 // the connection closes mid-body
	SlowRate     float64 // the body takes SlowBody to arrive

	// FailFirst fails the first FailFirst attempts of every date with
	// FailWith (NoFault means Fault503), whatever the rates: with FailFirst
	// at least a client's attempts, every day fails.
	FailFirst int
	FailWith  Fault

	// RetryAfter is the Retry-After of a 429; 0 means 1 s. Whole seconds are
	// sent as delta-seconds, shorter waits with a decimal fraction ("0.05"),
	// which [Client] understands but RFC 9110 does not define.
	RetryAfter time.Duration
	// SlowBody is how long a slow body takes to arrive; 0 means 2 s.
	SlowBody time.Duration

	// onRequest, for tests, is called for each request to the endpoint
	// with a valid date once its fault is chosen, before its latency.
	onRequest func(date string, attempt int, f Fault)
}

// Stats counts what a [Server] did. Requests = OK + Rejected + the sum of Faults.
type Stats struct {
	Requests int            // requests received
	OK       int            // days served whole and on time (slow bodies, counted in Faults, arrive whole too unless the client gives up)
	Rejected int            // 400 (bad or missing date), 404 (other paths), 405 (methods other than GET)
	Faults   map[Fault]int  // faults injected, by kind
	Attempts map[string]int // requests received per valid date
}

// Server is a local stand-in for the air-temperature API: [Path] with
// ?date=YYYY-MM-DD answers with the JSON of [SyntheticDay], after the
// configured latency, unless the configuration injects a fault. A bad date
// gets 400 and {"code":4,"message":"…"}, as the real API answers. It keeps
// the JSON of the days it has served, up to 64 MB, so that a day asked for
// again costs it little more than the HTTP exchange.
type Server struct {
	cfg    ServerConfig
	ln     net.Listener
	http   *http.Server
	cancel context.CancelFunc
	served chan struct{} // closed when Serve returns

	mu       sync.Mutex
	closed   bool
	handlers sync.WaitGroup
	hijacked map[net.Conn]struct{}
	stats    Stats

	closeOnce sync.Once
	closeErr  error

	days dayCache // the JSON of the days served so far
}

// Start starts a Server with cfg and returns once it accepts connections.
func Start(cfg ServerConfig) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Resolution <= 0 {
		cfg.Resolution = DefaultResolution
	}
	if cfg.FailWith == NoFault {
		cfg.FailWith = Fault503
	}
	if cfg.RetryAfter == 0 {
		cfg.RetryAfter = time.Second
	}
	if cfg.SlowBody <= 0 {
		cfg.SlowBody = 2 * time.Second
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("airtemp: server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		ln:       ln,
		cancel:   cancel,
		served:   make(chan struct{}),
		hijacked: map[net.Conn]struct{}{},
		stats:    Stats{Faults: map[Fault]int{}, Attempts: map[string]int{}},
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		defer close(s.served)
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

func (cfg ServerConfig) check() error {
	sum := 0.0
	for _, r := range []float64{cfg.ErrorRate, cfg.TooManyRate, cfg.DropRate, cfg.TruncateRate, cfg.SlowRate} {
		if !(r >= 0 && r <= 1) {
			return fmt.Errorf("airtemp: server: fault rate %v is not in [0, 1]", r)
		}
		sum += r
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("airtemp: server: fault rates sum to %v, more than 1", sum)
	}
	if cfg.FailWith < NoFault || cfg.FailWith > FaultSlow {
		return fmt.Errorf("airtemp: server: FailWith %v is not a fault", cfg.FailWith)
	}
	if cfg.Latency < 0 || cfg.Jitter < 0 {
		return errors.New("airtemp: server: negative latency or jitter")
	}
	return nil
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234", to use as
// [Client.BaseURL].
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Stats returns a copy of the server's counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Faults = maps.Clone(s.stats.Faults)
	st.Attempts = maps.Clone(s.stats.Attempts)
	return st
}

// Close stops the server: it stops listening, cuts every connection, idle,
// in a response, slow or hijacked, makes requests still waiting out their
// latency return, and waits for every handler to return. Later calls do
// nothing and return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		hijacked := make([]net.Conn, 0, len(s.hijacked))
		for c := range s.hijacked {
			hijacked = append(hijacked, c)
		}
		s.mu.Unlock()

		s.closeErr = s.http.Close()
		s.cancel()
		for _, c := range hijacked {
			_ = c.Close()
		}
		s.handlers.Wait()
		<-s.served
	})
	return s.closeErr
}

// serve answers one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.handlers.Add(1)
	defer s.handlers.Done()
	s.stats.Requests++
	reject := func(code int, msg string) {
		s.stats.Rejected++
		s.mu.Unlock()
		writeJSONError(w, code, msg)
	}
	switch {
	case r.URL.Path != Path:
		reject(http.StatusNotFound, fmt.Sprintf("no such endpoint %s; this server has %s?date=YYYY-MM-DD", r.URL.Path, Path))
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		reject(http.StatusMethodNotAllowed, "only GET is allowed")
		return
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		reject(http.StatusBadRequest, "date is required, as date=YYYY-MM-DD")
		return
	}
	if _, err := ParseDate(date); err != nil {
		reject(http.StatusBadRequest, err.Error())
		return
	}
	s.stats.Attempts[date]++
	attempt := s.stats.Attempts[date]
	f := s.fault(date, attempt)
	if f == NoFault {
		s.stats.OK++
	} else {
		s.stats.Faults[f]++
	}
	s.mu.Unlock()
	if s.cfg.onRequest != nil {
		s.cfg.onRequest(date, attempt, f)
	}

	ctx := r.Context() // done when the client goes away or the server closes
	if wait.Sleep(ctx, s.latency(date, attempt)) != nil {
		panic(http.ErrAbortHandler) // close the connection, answer nothing
	}
	switch f {
	case Fault500, Fault502, Fault503:
		code := map[Fault]int{Fault500: 500, Fault502: 502, Fault503: 503}[f]
		writeJSONError(w, code, "injected fault")
		return
	case Fault429:
		if d := s.cfg.RetryAfter; d >= 0 {
			w.Header().Set("Retry-After", formatRetryAfter(d))
		}
		writeJSONError(w, http.StatusTooManyRequests, "injected fault")
		return
	}
	body, release, err := s.body(date)
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer release()
	switch f {
	case FaultDrop:
		s.hangUp(w, []byte("HTTP/1.1 200 OK\r\nContent-Type: appl"))
	case FaultTruncate:
		head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		s.hangUp(w, append([]byte(head), body[:len(body)/2]...))
	case FaultSlow:
		s.trickle(ctx, w, body)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}
}

// body returns the JSON of the date's day, to be released once written.
func (s *Server) body(date string) (body []byte, release func(), err error) {
	if b, ok := s.days.get(date); ok {
		return b, func() {}, nil
	}
	day, err := SyntheticDay(date, s.cfg.Resolution)
	if err != nil {
		return nil, nil, err
	}
	buf, err := marshalDay(day)
	if err != nil {
		return nil, nil, err
	}
	if b, ok := s.days.add(date, *buf); ok {
		releaseDay(buf)
		return b, func() {}, nil
	}
	return *buf, func() { releaseDay(buf) }, nil
}

// fault chooses the fault of a date's attempt.
func (s *Server) fault(date string, attempt int) Fault {
	if attempt <= s.cfg.FailFirst {
		return s.cfg.FailWith
	}
	u := unit(hashSeed(s.cfg.Seed, attempt, date, "fault"))
	c := s.cfg
	for _, k := range []struct {
		rate float64
		f    Fault
	}{{c.ErrorRate, Fault500}, {c.TooManyRate, Fault429}, {c.DropRate, FaultDrop}, {c.TruncateRate, FaultTruncate}, {c.SlowRate, FaultSlow}} {
		if u < k.rate {
			if k.f == Fault500 {
				return Fault500 + Fault(hashSeed(s.cfg.Seed, attempt, date, "5xx")%3)
			}
			return k.f
		}
		u -= k.rate
	}
	return NoFault
}

func (s *Server) latency(date string, attempt int) time.Duration {
	d := s.cfg.Latency
	if s.cfg.Jitter > 0 {
		d += time.Duration(unit(hashSeed(s.cfg.Seed, attempt, date, "latency")) * float64(s.cfg.Jitter))
	}
	return d
}

// hangUp takes the connection over, writes the start of a response and
// closes it. Having sent a few bytes matters: Go's http.Transport silently
// retries a GET whose reused connection closes before any byte of answer, and
// the client could not count the attempt.
func (s *Server) hangUp(w http.ResponseWriter, partial []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("airtemp: server: the ResponseWriter cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	s.hijacked[conn] = struct{}{}
	s.mu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = conn.Write(partial)
	_ = conn.Close()
	s.mu.Lock()
	delete(s.hijacked, conn)
	s.mu.Unlock()
}

// trickle writes body in 20 pieces spread over SlowBody, stopping when the
// client goes away or the server closes.
func (s *Server) trickle(ctx context.Context, w http.ResponseWriter, body []byte) {
	const pieces = 20
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	rc := http.NewResponseController(w)
	for i := range pieces {
		if i > 0 && wait.Sleep(ctx, s.cfg.SlowBody/pieces) != nil {
			panic(http.ErrAbortHandler)
		}
		piece := body[len(body)*i/pieces : len(body)*(i+1)/pieces]
		if _, err := w.Write(piece); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

func formatRetryAfter(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	apiCode := code
	if code == http.StatusBadRequest {
		apiCode = 4 // the real API's code for a bad request
	}
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{apiCode, msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
