package python

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

//go:embed talk_executors.py
var executorsScript string

// Executor cases that RunExecutors measures, by name.
const (
	Threads           = "threads-chunksize-1"     // ThreadPoolExecutor.map
	ProcessesOneByOne = "processes-chunksize-1"   // ProcessPoolExecutor.map, chunksize=1 (its default)
	ProcessesChunked  = "processes-chunksize-100" // ProcessPoolExecutor.map, chunksize=100
)

// ExecutorsResult is what talk_executors.py measured: the wall time of each timed run of
// each case, pool start-up included.
type ExecutorsResult struct {
	Python  string
	Tasks   int
	Workers int
	Runs    map[string][]float64 // seconds, per case
}

// PerTask is the median wall time of a case's runs divided by the number of tasks.
func (r *ExecutorsResult) PerTask(name string) time.Duration {
	return time.Duration(float64(median(r.Runs[name])) / float64(max(r.Tasks, 1)))
}

// RunExecutors runs talk_executors.py with python: tasks trivial tasks mapped by
// ThreadPoolExecutor(workers) and by ProcessPoolExecutor(workers) with chunksize 1 and 100,
// after a warm-up, repeat timed runs each. It needs only Python's standard library.
func RunExecutors(ctx context.Context, python string, tasks, workers, repeat int) (*ExecutorsResult, error) {
	args := []string{"--tasks", strconv.Itoa(tasks), "--workers", strconv.Itoa(workers), "--repeat", strconv.Itoa(max(repeat, 1)), "--die-with-parent"}
	out, err := runScript(ctx, python, "talk_executors.py", executorsScript, args, map[string][]byte{}, nil)
	if err != nil {
		return nil, err
	}
	var res ExecutorsResult
	if err := json.Unmarshal(out.stdout, &res); err != nil {
		return nil, fmt.Errorf("python: reading the report of talk_executors.py: %v%s", err, suffix(out.stderr))
	}
	return &res, nil
}
