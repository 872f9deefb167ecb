package spark

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Startup is what scripts/spark.sh wrote when its server became ready (<state>/server.ready).
type Startup struct {
	Remote  string        // the address the server listens on
	Took    time.Duration // from launching the JVM to accepting connections
	At      time.Time     // when it became ready
	Version string        // pyspark's (so Spark's) version
	Master  string        // e.g. local[2]
}

// LocalStartup reads the ready file of the server that scripts/spark.sh started from the
// checkout at repo: $SPEEDUP_SPARK_STATE/server.ready if that is set, else
// repo/build/spark/server.ready. It fails when no such server runs (the file is removed
// when the server stops).
func LocalStartup(repo string) (Startup, error) {
	dir := os.Getenv("SPEEDUP_SPARK_STATE")
	if dir == "" {
		dir = filepath.Join(repo, "build", "spark")
	}
	f, err := os.Open(filepath.Join(dir, "server.ready"))
	if err != nil {
		return Startup{}, err
	}
	defer f.Close()
	var s Startup
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "remote":
			s.Remote = v
		case "start_seconds":
			secs, _ := strconv.ParseFloat(v, 64)
			s.Took = time.Duration(secs * float64(time.Second))
		case "started_at":
			s.At, _ = time.Parse(time.RFC3339, v)
		case "spark":
			s.Version = v
		case "master":
			s.Master = v
		}
	}
	if s.Remote == "" || s.Took == 0 {
		return s, fmt.Errorf("spark: %s is not a ready file of scripts/spark.sh", f.Name())
	}
	return s, sc.Err()
}

// runJSON is Run as stored between notebook cells (each cell is a new process).
type runJSON struct {
	Engine string
	N      int64
	Times  []time.Duration
	Sum    string
	Err    string `json:",omitempty"`
}

// SaveRuns writes runs to path as JSON, for a later cell to [LoadRuns] them.
func SaveRuns(path string, runs []Run) error {
	out := make([]runJSON, len(runs))
	for i, r := range runs {
		out[i] = runJSON{Engine: r.Engine, N: r.N, Times: r.Times}
		if r.Sum != nil {
			out[i].Sum = r.Sum.String()
		}
		if r.Err != nil {
			out[i].Err = r.Err.Error()
		}
	}
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// LoadRuns reads what [SaveRuns] wrote. Errors come back as plain errors with the same text.
func LoadRuns(path string) ([]Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var in []runJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("spark: %s: %w", path, err)
	}
	runs := make([]Run, len(in))
	for i, r := range in {
		runs[i] = Run{Engine: r.Engine, N: r.N, Times: r.Times}
		if r.Sum != "" {
			runs[i].Sum, _ = new(big.Int).SetString(r.Sum, 10)
		}
		if r.Err != "" {
			runs[i].Err = errors.New(r.Err)
		}
	}
	return runs, nil
}
