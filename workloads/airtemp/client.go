package airtemp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/speedup-go/speedup/internal/wait"
)

// Defaults of a [Client] whose fields are zero.
const (
	DefaultInitialInterval = 1 * time.Second  // the talk's first wait
	DefaultMaxInterval     = 10 * time.Second // the talk's longest wait
	DefaultMultiplier      = 2.0
	DefaultJitter          = 0.5
	DefaultMaxAttempts     = 6 // five retries: waits of about 1, 2, 4, 8 and 10 s
	DefaultMaxRetryAfter   = time.Minute
	DefaultTimeout         = 30 * time.Second // per attempt, in NewHTTPClient
	DefaultMaxConns        = 100              // per host, in the default HTTP client
)

// maxBody bounds a response body: a real day (1440 items) is about 1 MB.
const maxBody = 32 << 20

// Client fetches days from the air-temperature API with retry and exponential
// backoff, as the talk did. Fields left zero take the Default values above,
// except BaseURL, which must be set; a Client is safe for concurrent use once
// its fields are set and not changed.
//
// Which failures are retried:
//
//   - 5xx statuses, and 429 Too Many Requests: retried. Their Retry-After
//     (delta-seconds, also with a decimal fraction, or an HTTP-date) replaces
//     the backoff wait for that retry and is honoured as given, not capped by
//     MaxInterval, since retrying earlier only earns another 429; when it asks
//     for more than MaxRetryAfter the day fails at once instead of waiting.
//   - Transport failures: connection refused or reset, a connection closed
//     before or during the response, a body cut short (Content-Length or
//     chunking unmet, or JSON that ends mid-value), timeouts of the HTTP
//     client: retried.
//   - Other 4xx statuses (400 for a bad date, 404, …): not retried; asking
//     again would get the same answer.
//   - A complete 200 body that is not the expected JSON: not retried, as a
//     server bug that asking again rarely fixes.
//
// Between attempts the Client waits InitialInterval, then Multiplier times
// longer each time, never longer than MaxInterval, each wait spread by ±Jitter
// (so that workers that failed together do not retry together) and then
// capped at MaxInterval again. It gives up after MaxAttempts requests, or when
// the next wait would end after MaxElapsedTime (when set).
type Client struct {
	// BaseURL is the API's address without the path, e.g. a [Server]'s URL()
	// or [DataGovSG]. It has no default, so that nothing reaches the internet
	// unless asked to: tests, benchmarks and notebooks use a local Server.
	BaseURL string
	// HTTP sends the requests; nil means a client shared by all Clients,
	// NewHTTPClient(DefaultMaxConns). Its Timeout bounds each attempt.
	HTTP *http.Client

	InitialInterval time.Duration // first wait; 0 means 1 s
	MaxInterval     time.Duration // longest wait; 0 means 10 s
	Multiplier      float64       // growth of the wait; ≤ 1 means 2
	Jitter          float64       // spread of each wait, ±50 % for 0.5; 0 means 0.5, < 0 none
	MaxAttempts     int           // requests per day at most; 0 means 6, < 0 no limit
	MaxElapsedTime  time.Duration // stop retrying a day after this long; 0 means no limit
	MaxRetryAfter   time.Duration // longest Retry-After honoured; 0 means 1 minute

	// Pause is how long Fetch waits after each successful request: the
	// talk's time.sleep(1). Zero means no pause.
	Pause time.Duration

	// OnRetry, when set, is called before each wait between attempts, on the
	// goroutine running Day: attempt is the number of the request that
	// failed, err why, wait how long the Client will wait.
	OnRetry func(date string, attempt int, err error, wait time.Duration)
}

// NewHTTPClient returns an HTTP client for up to conns concurrent requests to
// one host: it keeps that many connections alive between requests (Go's
// default keeps only 2, so a larger pool would open and close a connection
// per request), opens no more than that many (each costs a file descriptor,
// and the process has `ulimit -n` of them), and gives each attempt
// [DefaultTimeout]. conns ≤ 0 means [DefaultMaxConns].
func NewHTTPClient(conns int) *http.Client {
	if conns <= 0 {
		conns = DefaultMaxConns
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns
	t.MaxIdleConnsPerHost = conns
	t.MaxConnsPerHost = conns
	return &http.Client{Transport: t, Timeout: DefaultTimeout}
}

var defaultHTTP = sync.OnceValue(func() *http.Client { return NewHTTPClient(DefaultMaxConns) })

// DayResult sums up one day fetched by [Client.Fetch]. It has only exported
// plain fields, so it crosses process boundaries with encoding/gob.
type DayResult struct {
	Date     string
	Stations int      // stations in the metadata
	Items    int      // moments with readings
	Readings int      // readings over all items and stations
	Mean     float64  // °C over all readings; 0 when there are none
	Min, Max float64  // °C; 0 when there are no readings
	Attempts int      // requests it took, 1 when the first succeeded
	Retries  []string // why each failed attempt failed, e.g. "attempt 1: HTTP 503 Service Unavailable"
}

// Fetch fetches one day as [Client.Day] does, with the same requests, retries
// and errors, pauses for c.Pause as the talk did, and sums the day up. It is
// shaped as a task for package kernelext:
//
//	fetch := kernelext.NewTask("fetch", client.Fetch)
//
// It reads the sums straight from the JSON instead of decoding a [Response]
// first, which takes a twentieth of the CPU time and allocates nothing, and
// falls back to decoding for any body that is not plainly the API's shape;
// either way the DayResult is the one summing up Day's Response would give.
//
// If ctx is done during a request, a wait or the pause, Fetch returns at once
// with the zero DayResult and an error naming the date and wrapping ctx.Err().
func (c *Client) Fetch(ctx context.Context, date string) (DayResult, error) {
	var res DayResult
	st, err := c.day(ctx, date, func(body []byte) error {
		var err error
		res, err = summarizeBody(date, body)
		return err
	})
	if err != nil {
		return DayResult{}, err
	}
	if err := wait.Sleep(ctx, c.Pause); err != nil {
		return DayResult{}, &Error{Date: date, Attempts: st.attempts, Err: err, kind: stopped, pause: true}
	}
	res.Attempts, res.Retries = st.attempts, st.retries
	return res, nil
}

// summarizeBody sums up a 200 answer's body: straight from the JSON when
// summarizeJSON can, else by decoding it into a Response as Day does, with
// the same errors.
func summarizeBody(date string, body []byte) (DayResult, error) {
	if res, ok := summarizeJSON(date, body); ok {
		return res, nil
	}
	r, err := decodeResponse(body)
	if err != nil {
		return DayResult{}, err
	}
	return summarize(date, r), nil
}

func summarize(date string, r *Response) DayResult {
	res := DayResult{Date: date, Stations: len(r.Metadata.Stations), Items: len(r.Items)}
	sum := 0.0
	res.Min, res.Max = math.Inf(1), math.Inf(-1)
	for _, it := range r.Items {
		for _, rd := range it.Readings {
			res.Readings++
			sum += rd.Value
			res.Min, res.Max = min(res.Min, rd.Value), max(res.Max, rd.Value)
		}
	}
	if res.Readings == 0 {
		res.Min, res.Max = 0, 0
		return res
	}
	res.Mean = sum / float64(res.Readings)
	return res
}

// Day fetches the readings of one day, YYYY-MM-DD, retrying as the [Client]
// documentation describes.
//
// A date that is not a valid day fails at once, with an error wrapping
// [ErrInvalidDate], and no request. Every other failure is an [*Error] with
// the date, the number of attempts and the cause: the last attempt's error
// after the last attempt; the failure itself when it is not retried; ctx's
// error, wrapped, when ctx is done, which stops a request or a wait at once.
func (c *Client) Day(ctx context.Context, date string) (*Response, error) {
	var r *Response
	_, err := c.day(ctx, date, func(body []byte) error {
		var err error
		r, err = decodeResponse(body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

type dayState struct {
	attempts int
	retries  []string
}

// day makes the attempts for one date, handing each 200 answer's body to
// decode, which must not keep it: a decode error is the attempt's error. The
// body is complete, and at most maxBody long.
func (c *Client) day(ctx context.Context, date string, decode func(body []byte) error) (dayState, error) {
	var st dayState
	if _, err := ParseDate(date); err != nil {
		return st, fmt.Errorf("airtemp: %w", err)
	}
	if c.BaseURL == "" {
		return st, errors.New("airtemp: Client.BaseURL is empty: set it to a local Server's URL() (or to DataGovSG to ask the real API)")
	}
	u, err := url.Parse(strings.TrimSuffix(c.BaseURL, "/") + Path)
	if err != nil {
		return st, fmt.Errorf("airtemp: bad BaseURL: %w", err)
	}
	u.RawQuery = url.Values{"date": {date}}.Encode()
	target := u.String()
	if err := ctx.Err(); err != nil {
		return st, &Error{Date: date, Err: err, kind: stopped}
	}

	var (
		last      error
		permanent bool
	)
	op := func() (struct{}, error) {
		st.attempts++
		err := c.get(ctx, target, decode)
		if err == nil {
			return struct{}{}, nil
		}
		last, permanent = err, false
		var ra *retryAfter
		switch {
		case errors.As(err, new(*backoff.PermanentError)):
			permanent = true
		case errors.As(err, &ra) && ra.wait > c.maxRetryAfter():
			permanent = true
			err = fmt.Errorf("%w: waiting that long is more than MaxRetryAfter (%v)", err, c.maxRetryAfter())
			last = err
			return struct{}{}, backoff.Permanent(err)
		}
		return struct{}{}, err
	}
	notify := func(err error, wait time.Duration) {
		st.retries = append(st.retries, fmt.Sprintf("attempt %d: %v", st.attempts, err))
		if c.OnRetry != nil {
			c.OnRetry(date, st.attempts, err, wait)
		}
	}
	opts := []backoff.RetryOption{
		backoff.WithBackOff(c.backOff()),
		backoff.WithMaxElapsedTime(c.MaxElapsedTime),
		backoff.WithNotify(notify),
	}
	if n := c.maxAttempts(); n > 0 {
		opts = append(opts, backoff.WithMaxTries(uint(n)))
	}
	start := time.Now()
	_, err = backoff.Retry(ctx, op, opts...)
	if err == nil {
		return st, nil
	}
	e := &Error{Date: date, Attempts: st.attempts, Err: last}
	switch {
	case ctx.Err() != nil:
		e.kind, e.last = stopped, last
		e.Err = ctx.Err()
		if cause := context.Cause(ctx); cause != ctx.Err() {
			e.Err = fmt.Errorf("%w: %w", ctx.Err(), cause)
		}
	case permanent:
		e.kind = notRetried
	default:
		e.kind = exhausted
		if n := c.maxAttempts(); n <= 0 || st.attempts < n {
			e.elapsed = time.Since(start).Round(time.Millisecond)
		}
	}
	return st, e
}

// get makes one attempt, handing a 200 answer's body to decode. Its errors
// wrapped in backoff.Permanent are not retried; a *retryAfter in the chain
// sets the next wait.
func (c *Client) get(ctx context.Context, target string, decode func(body []byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return backoff.Permanent(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "speedup-airtemp (github.com/speedup-go/speedup)")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP()
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Connection refused, reset, closed, timed out: retried. The URL is
		// the same for every attempt; keep the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
		se := &StatusError{Code: resp.StatusCode, Status: resp.Status, Message: errorMessage(body)}
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
			return backoff.Permanent(se)
		}
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			se.RetryAfter = d
			return &retryAfter{err: se, wait: d, ra: &backoff.RetryAfterError{Duration: d}}
		}
		return se
	}

	buf := getBuffer(resp.ContentLength)
	defer putBuffer(buf)
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxBody+1)); err != nil {
		return fmt.Errorf("reading the body: %w", err) // cut short: retried
	}
	if buf.Len() > maxBody {
		return backoff.Permanent(fmt.Errorf("body larger than %d MB", maxBody>>20))
	}
	return decode(buf.Bytes())
}

// decodeResponse decodes a 200 answer's body. A body that ends early is an
// error to retry; one that is not the expected JSON is a *MalformedError,
// wrapped in backoff.Permanent.
func decodeResponse(body []byte) (*Response, error) {
	var r Response
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&r); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("truncated JSON (%d bytes): %w", len(body), err)
		}
		return nil, backoff.Permanent(&MalformedError{Err: err, Bytes: len(body)})
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, backoff.Permanent(&MalformedError{Err: errors.New("data after the JSON value"), Bytes: len(body)})
	}
	return &r, nil
}

// Bodies are read into buffers that are reused: a run of requests then
// allocates no memory for them once the first few have been read.
var bodies sync.Pool

// maxPooled is the largest buffer kept for reuse: a real day is about 1 MB.
const maxPooled = 2 << 20

// getBuffer returns an empty buffer with room for a body of n bytes (n < 0:
// unknown) and for the read that finds its end.
func getBuffer(n int64) *bytes.Buffer {
	buf, _ := bodies.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	if n >= 0 && n <= maxBody {
		buf.Grow(int(n) + bytes.MinRead)
	}
	return buf
}

func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooled {
		return
	}
	buf.Reset()
	bodies.Put(buf)
}

func (c *Client) backOff() backoff.BackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     c.InitialInterval,
		MaxInterval:         c.MaxInterval,
		Multiplier:          c.Multiplier,
		RandomizationFactor: c.Jitter,
	}
	if b.InitialInterval <= 0 {
		b.InitialInterval = DefaultInitialInterval
	}
	if b.MaxInterval <= 0 {
		b.MaxInterval = DefaultMaxInterval
	}
	if b.Multiplier <= 1 {
		b.Multiplier = DefaultMultiplier
	}
	switch {
	case b.RandomizationFactor == 0:
		b.RandomizationFactor = DefaultJitter
	case b.RandomizationFactor < 0:
		b.RandomizationFactor = 0
	}
	b.RandomizationFactor = min(b.RandomizationFactor, 1)
	return &capped{b: b, max: b.MaxInterval}
}

// capped caps the randomized waits too: the library caps the interval before
// adding jitter, so 10 s ± 50 % could wait 15 s.
type capped struct {
	b   *backoff.ExponentialBackOff
	max time.Duration
}

func (c *capped) Reset() { c.b.Reset() }
func (c *capped) NextBackOff() time.Duration {
	d := c.b.NextBackOff()
	if d == backoff.Stop {
		return d
	}
	return min(d, c.max)
}

func (c *Client) maxAttempts() int {
	if c.MaxAttempts == 0 {
		return DefaultMaxAttempts
	}
	return c.MaxAttempts
}

func (c *Client) maxRetryAfter() time.Duration {
	if c.MaxRetryAfter <= 0 {
		return DefaultMaxRetryAfter
	}
	return c.MaxRetryAfter
}

// Error is why [Client.Day] or [Client.Fetch] failed for one date.
type Error struct {
	Date     string // the date asked for
	Attempts int    // requests made for it
	// Err is the cause: the last attempt's error (a *StatusError for HTTP
	// statuses, a *MalformedError for bad JSON), or ctx's error when the
	// context stopped the day.
	Err error

	kind    errorKind
	last    error         // the last attempt's error, when stopped
	elapsed time.Duration // when MaxElapsedTime ended the retries
	pause   bool          // stopped during the pause
}

type errorKind int

const (
	exhausted errorKind = iota
	notRetried
	stopped
)

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "airtemp %s: ", e.Date)
	switch e.kind {
	case exhausted:
		fmt.Fprintf(&b, "giving up after %s", attempts(e.Attempts))
		if e.elapsed > 0 {
			fmt.Fprintf(&b, " in %v", e.elapsed)
		}
		fmt.Fprintf(&b, ", last error: %v", e.Err)
	case notRetried:
		fmt.Fprintf(&b, "%v (attempt %d, not retried)", e.Err, e.Attempts)
	case stopped:
		where := "after " + attempts(e.Attempts)
		if e.pause {
			where = "in the pause after the request"
		}
		fmt.Fprintf(&b, "stopped %s: %v", where, e.Err)
		if e.last != nil {
			fmt.Fprintf(&b, " (last error: %v)", e.last)
		}
	}
	return b.String()
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Retried reports whether the failure was of a kind that is retried: false
// for statuses like 400 and 404 and for malformed JSON.
func (e *Error) Retried() bool { return e.kind != notRetried }

// StatusError is an answer other than 200 OK.
type StatusError struct {
	Code       int           // e.g. 503
	Status     string        // e.g. "503 Service Unavailable"
	Message    string        // the body's "message", or the start of a non-JSON body
	RetryAfter time.Duration // the Retry-After of a 429 or 5xx, when it had one
}

func (e *StatusError) Error() string {
	s := "HTTP " + e.Status
	if e.Status == "" {
		s = fmt.Sprintf("HTTP %d", e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (Retry-After %v)", e.RetryAfter)
	}
	return s
}

// MalformedError is a complete 200 answer whose body is not the expected JSON.
type MalformedError struct {
	Err   error // from encoding/json
	Bytes int   // body length
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("malformed JSON in a %d-byte body: %v", e.Bytes, e.Err)
}

func (e *MalformedError) Unwrap() error { return e.Err }

// retryAfter carries a Retry-After to backoff.Retry, which takes it as
// the next wait, while printing as the status error it came with.
type retryAfter struct {
	err  error
	wait time.Duration
	ra   *backoff.RetryAfterError
}

func (r *retryAfter) Error() string   { return r.err.Error() }
func (r *retryAfter) Unwrap() []error { return []error{r.err, r.ra} }

// errorMessage pulls a readable message out of an error body: the API's
// {"code":…,"message":"…"}, or the first line of anything else.
func errorMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return m.Message
	}
	s, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// parseRetryAfter reads a Retry-After header: delta-seconds as RFC 9110 has
// it, also with a decimal fraction ("0.25", which [Server] sends for waits
// shorter than a second), or an HTTP-date, as a wait from now. Negative or
// past values mean no wait.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		secs = min(max(secs, 0), float64(math.MaxInt64/int64(time.Second)))
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
