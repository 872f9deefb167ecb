package python

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The talk's network I/O case: talk_air_temperature.py, the talk's requests +
// ThreadPoolExecutor client, run against an air-temperature API given by its
// address (in this repository, a local airtemp.Server on 127.0.0.1).

//go:embed talk_air_temperature.py
var airTempScript string

// AirTempScriptName is the file name the air-temperature script is written under (and
// its name in python/).
const AirTempScriptName = "talk_air_temperature.py"

// AirTempScript returns the Python source of talk_air_temperature.py, to show in a
// notebook.
func AirTempScript() string { return airTempScript }

// requestsOnly is what talk_air_temperature.py needs.
var requestsOnly = needs{[]string{"requests"}, "requests", "requests"}

// FindAirTemp returns a Python 3 (>= 3.9) that can import requests, looked for as
// [Find] looks: $SPEEDUP_PYTHON (and then only it), the repository's .venv, python3
// on PATH.
func FindAirTemp() (string, error) { return find(starts(), requestsOnly) }

// AirTempOptions say what [RunAirTemp] fetches and how. The zero value fetches the
// talk's 100 days from 2020-01-01 on 40 threads, once, without the talk's 1 s pause,
// retrying failures for ever with the talk's waits.
type AirTempOptions struct {
	Start   string        // first day, YYYY-MM-DD; "" means 2020-01-01 (airtemp.DefaultStart)
	Days    int           // consecutive days; 0 means 100
	Workers int           // ThreadPoolExecutor(max_workers=...); 0 means 40
	Pause   time.Duration // sleep after each answer; 0 means none (the talk: time.sleep(1))
	// Session gives each thread one requests.Session, which keeps its connection
	// alive between requests; without it, as in the talk, every request opens a new
	// connection.
	Session bool

	// The retrying package's wait_exponential_multiplier and wait_exponential_max:
	// after the n-th failed attempt the script waits WaitMultiplier·2ⁿ, at most
	// WaitMax. Zero means the talk's 1 s and 10 s.
	WaitMultiplier, WaitMax time.Duration
	MaxAttempts             int           // requests per day at most; 0 means no limit, as in the talk
	Timeout                 time.Duration // per request; 0 means 30 s

	Repeat int  // timed runs; 0 means 1
	Warmup int  // untimed runs first; 0 means none
	Log    bool // every task logs "<thread>: running <date>" and "done with" on stderr, as the talk's did

	// Stderr, if set, receives the script's stderr as it runs (a line per run, and
	// the task's log lines with Log).
	Stderr io.Writer
}

func (o AirTempOptions) args() ([]string, error) {
	if o.Days < 0 || o.Workers < 0 || o.Pause < 0 || o.WaitMultiplier < 0 || o.WaitMax < 0 ||
		o.MaxAttempts < 0 || o.Timeout < 0 || o.Repeat < 0 || o.Warmup < 0 {
		return nil, errors.New("python: AirTempOptions must not be negative")
	}
	if o.Start != "" {
		if _, err := time.Parse(time.DateOnly, o.Start); err != nil {
			return nil, fmt.Errorf("python: AirTempOptions.Start %q is not a YYYY-MM-DD date", o.Start)
		}
	}
	or := func(v, def int) string { return strconv.Itoa(cmp.Or(v, def)) }
	ms := func(d, def time.Duration) string {
		return strconv.FormatFloat(float64(cmp.Or(d, def))/float64(time.Millisecond), 'f', -1, 64)
	}
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }
	args := []string{
		"--start", cmp.Or(o.Start, "2020-01-01"),
		"--days", or(o.Days, 100),
		"--workers", or(o.Workers, 40),
		"--pause", secs(o.Pause),
		"--wait-multiplier-ms", ms(o.WaitMultiplier, time.Second),
		"--wait-max-ms", ms(o.WaitMax, 10*time.Second),
		"--max-attempts", strconv.Itoa(o.MaxAttempts),
		"--timeout", secs(cmp.Or(o.Timeout, 30*time.Second)),
		"--repeat", or(o.Repeat, 1),
		"--warmup", strconv.Itoa(o.Warmup),
	}
	if o.Session {
		args = append(args, "--session")
	}
	if o.Log {
		args = append(args, "--log")
	}
	return args, nil
}

// AirTempResult is the script's report on one [RunAirTemp].
type AirTempResult struct {
	Python   string  `json:"python"`   // versions, e.g. "3.11.7"
	Requests string  `json:"requests"` // e.g. "2.34.2"
	CPUs     int     `json:"cpus"`     // os.cpu_count()
	BaseURL  string  `json:"base_url"`
	Start    string  `json:"start"`
	Days     int     `json:"days"`
	Workers  int     `json:"workers"`
	Session  bool    `json:"session"`
	Pause    float64 `json:"pause"` // seconds

	Runs    []AirTempRun   `json:"runs"`    // the timed runs
	Results []AirTempDay   `json:"results"` // of the last run, in date order, failed days left out
	Errors  []AirTempError `json:"errors"`  // days of the last run that failed, in date order
}

// AirTempRun is one timed run, in seconds.
type AirTempRun struct {
	Wall     float64 `json:"wall"`     // time.perf_counter() around the pool
	CPU      float64 `json:"cpu"`      // time.process_time(): the Python process, all its threads
	Attempts int     `json:"attempts"` // requests of the days that succeeded
}

// AirTempDay sums one day up as airtemp.DayResult does: the same counts, and the mean,
// minimum and maximum of the readings summed in the same order, so they can be
// compared exactly.
type AirTempDay struct {
	Date     string   `json:"date"`
	Stations int      `json:"stations"`
	Items    int      `json:"items"`
	Readings int      `json:"readings"`
	Mean     float64  `json:"mean"`
	Min      float64  `json:"min"`
	Max      float64  `json:"max"`
	Bytes    int      `json:"bytes"` // of the talk's json.dumps(content, sort_keys=True)
	Attempts int      `json:"attempts"`
	Retries  []string `json:"retries"` // why each failed attempt failed, e.g. "attempt 1: HTTPError: 503 Server Error: ..."
}

// AirTempError is a day the script gave up on (only with MaxAttempts).
type AirTempError struct {
	Date  string `json:"date"`
	Error string `json:"error"`
}

// WallTimes returns the timed runs' wall times.
func (r *AirTempResult) WallTimes() []time.Duration {
	out := make([]time.Duration, len(r.Runs))
	for i, run := range r.Runs {
		out[i] = time.Duration(run.Wall * float64(time.Second))
	}
	return out
}

// MedianWall is the median wall time of the timed runs.
func (r *AirTempResult) MedianWall() time.Duration {
	return median(r.values(func(x AirTempRun) float64 { return x.Wall }))
}

// MedianCPU is the median CPU time of the Python process over the timed runs.
func (r *AirTempResult) MedianCPU() time.Duration {
	return median(r.values(func(x AirTempRun) float64 { return x.CPU }))
}

func (r *AirTempResult) values(f func(AirTempRun) float64) []float64 {
	out := make([]float64, len(r.Runs))
	for i, run := range r.Runs {
		out[i] = f(run)
	}
	return out
}

// CPUPerRequest is the median CPU time per request: each run's CPU time over its
// requests, failed attempts included.
func (r *AirTempResult) CPUPerRequest() time.Duration {
	return median(r.values(func(x AirTempRun) float64 { return x.CPU / float64(max(x.Attempts, 1)) }))
}

// WriteTable writes a plain-text summary: the set-up, wall and CPU time (median and
// spread) and the days that failed.
func (r *AirTempResult) WriteTable(w io.Writer) {
	conn := "requests.get, a new connection per request (the talk's)"
	if r.Session {
		conn = "a requests.Session per thread, connections kept alive"
	}
	fmt.Fprintf(w, "Python %s, requests %s, %d CPUs: %d days from %s at %s, ThreadPoolExecutor(%d), %s, pause %g s\n",
		r.Python, r.Requests, r.CPUs, r.Days, r.Start, r.BaseURL, r.Workers, conn, r.Pause)
	spread := func(f func(AirTempRun) float64) string {
		v := r.values(f)
		if len(v) < 2 {
			return ""
		}
		return fmt.Sprintf(" (%.3f-%.3f s)", slices.Min(v), slices.Max(v))
	}
	fmt.Fprintf(w, "wall %.3f s%s, CPU %.3f s%s, %.0f µs of CPU per request, %d runs\n",
		r.MedianWall().Seconds(), spread(func(x AirTempRun) float64 { return x.Wall }),
		r.MedianCPU().Seconds(), spread(func(x AirTempRun) float64 { return x.CPU }),
		float64(r.CPUPerRequest())/float64(time.Microsecond), len(r.Runs))
	for _, e := range r.Errors {
		fmt.Fprintf(w, "failed %s: %s\n", e.Date, e.Error)
	}
}

// RunAirTemp runs the talk's Python client (talk_air_temperature.py) with python
// against the API at baseURL, e.g. a local airtemp.Server's URL(), and returns its
// report. python is an interpreter with requests, as [FindAirTemp] returns. Days the
// script gives up on are in [AirTempResult.Errors], not an error; a script that fails
// is an error ending with the last lines of its stderr. When ctx is cancelled,
// RunAirTemp kills the script and returns an error wrapping ctx.Err().
func RunAirTemp(ctx context.Context, python, baseURL string, opts AirTempOptions) (*AirTempResult, error) {
	args, err := opts.args()
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return nil, fmt.Errorf("python: base URL %q: want http://host:port", baseURL)
	}
	args = append([]string{baseURL, "--json", "--die-with-parent"}, args...)
	out, err := runScript(ctx, python, AirTempScriptName, airTempScript, args, map[string][]byte{}, opts.Stderr)
	if err != nil {
		return nil, err
	}
	var res AirTempResult
	if err := json.Unmarshal(out.stdout, &res); err != nil {
		return nil, fmt.Errorf("python: reading the report of %s: %v%s", AirTempScriptName, err, suffix(out.stderr))
	}
	return &res, nil
}
