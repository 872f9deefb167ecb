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

// runJSON is Run as JSON: the sum as decimal digits, the error as its text.
type runJSON struct {
	Engine string
	N      int64
	Times  []time.Duration
	Sum    string
	Err    string `json:",omitempty"`
}

// MarshalJSON writes the run as JSON, so that a notebook can keep runs for a later cell
// (kernelext.Remember: each cell is a new program): the sum as decimal digits, the error as
// its text.
func (r Run) MarshalJSON() ([]byte, error) {
	out := runJSON{Engine: r.Engine, N: r.N, Times: r.Times}
	if r.Sum != nil {
		out.Sum = r.Sum.String()
	}
	if r.Err != nil {
		out.Err = r.Err.Error()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote; an error comes back as a plain error with the
// same text.
func (r *Run) UnmarshalJSON(data []byte) error {
	var in runJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("spark: a run: %w", err)
	}
	*r = Run{Engine: in.Engine, N: in.N, Times: in.Times}
	if in.Sum != "" {
		sum, ok := new(big.Int).SetString(in.Sum, 10)
		if !ok {
			return fmt.Errorf("spark: a run's sum %q is no integer", in.Sum)
		}
		r.Sum = sum
	}
	if in.Err != "" {
		r.Err = errors.New(in.Err)
	}
	return nil
}
