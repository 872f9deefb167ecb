package stats

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Units of the two metrics every comparison has, in benchstat's base units: seconds of
// wall time and of CPU time per run of the job. The Go benchmark format writes them as
// "ns/op" and "cpu-ns/op", which benchstat reads back as these.
const (
	UnitWall = "sec/op"
	UnitCPU  = "cpu-sec/op"
)

// Report is a comparison as plain data, ready to export: one [Row] per strategy, each
// with its samples. The zero Report is valid and exports no rows; [NewReport] fills in
// the machine.
type Report struct {
	// GOOS, GOARCH, CPU and Pkg are the "goos:", "goarch:", "cpu:" and "pkg:" header
	// lines of the Go benchmark format, also in the JSON; empty ones are left out.
	GOOS, GOARCH, CPU, Pkg string
	// Procs is GOMAXPROCS. When above 1 the benchmark format appends "-Procs" to the
	// names, as go test does, and benchstat reads it back as GOMAXPROCS.
	Procs int
	// Baseline is the index of the row the others are compared against in the JSON
	// (Compare, per unit). Out of range means no comparisons.
	Baseline int
	// Rows are exported in order.
	Rows []Row
}

// Row is one strategy of a comparison.
type Row struct {
	// Name is "job/strategy", e.g. "toast/sequential"; slashes separate the parts of
	// a benchmark name, as in go test.
	Name string
	// Metrics are the row's samples, one per unit; rows need not have the same
	// units, nor metrics the same number of values.
	Metrics []Metric
}

// Metric is one measured quantity of a row, one value per timed run, in run order.
type Metric struct {
	// Unit is in benchstat's base units: [UnitWall], [UnitCPU], "images/s", "B/op".
	// Units whose numerator is "sec" are written as "ns" in the benchmark format.
	Unit string
	// Values holds one value per run; a NaN stands for a run that measured nothing
	// (see each writer for how it is written).
	Values []float64
}

// NewReport returns an empty Report describing this machine: runtime.GOOS,
// runtime.GOARCH, the processor's model name (from /proc/cpuinfo; "" where there is
// none) and GOMAXPROCS.
func NewReport() *Report {
	return &Report{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPU: cpuName(), Procs: runtime.GOMAXPROCS(0)}
}

func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// WriteBench writes r in the Go benchmark format that go test -bench prints and
// benchstat reads: the header lines, then one line per row and run,
//
//	BenchmarkToast/sequential-2	1	123456789 ns/op	98765432 cpu-ns/op	12.5 images/s
//
// The name gets "Benchmark" and an upper-case first letter, as a benchmark function
// would; white space becomes '_'. The iteration count is 1: one op is one run of the
// job. NaN and infinite values are left out of their line, and a run with no value left
// gets no line. Values have 12 significant digits.
//
// benchstat compares columns: name rows "job/strategy=NAME" and
//
//	benchstat -col /strategy toast.txt
//
// prints the strategies side by side with the baseline (the first one) as "base", or
// write one file per strategy and pass the files.
func (r *Report) WriteBench(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, h := range [][2]string{{"goos", r.GOOS}, {"goarch", r.GOARCH}, {"pkg", r.Pkg}, {"cpu", r.CPU}} {
		if v := strings.TrimSpace(h[1]); v != "" {
			fmt.Fprintf(bw, "%s: %s\n", h[0], v)
		}
	}
	for _, row := range r.Rows {
		name := benchName(row.Name, r.Procs)
		for run := range row.runs() {
			var line strings.Builder
			for _, m := range row.Metrics {
				if run >= len(m.Values) || math.IsNaN(m.Values[run]) || math.IsInf(m.Values[run], 0) {
					continue
				}
				unit, factor := testingUnit(m.Unit)
				fmt.Fprintf(&line, "\t%s %s", strconv.FormatFloat(m.Values[run]*factor, 'g', 12, 64), unit)
			}
			if line.Len() > 0 {
				fmt.Fprintf(bw, "%s\t1%s\n", name, line.String())
			}
		}
	}
	return bw.Flush()
}

// benchName is "Benchmark" + name with an upper-case first letter, no white space and
// the GOMAXPROCS suffix.
func benchName(name string, procs int) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, name)
	if r, size := utf8.DecodeRuneInString(name); size > 0 {
		name = string(unicode.ToUpper(r)) + name[size:]
	}
	if procs > 1 {
		name += "-" + strconv.Itoa(procs)
	}
	return "Benchmark" + name
}

// testingUnit undoes benchstat's tidying of times: a "sec" in the numerator becomes
// "ns" ("sec/op" → "ns/op", "cpu-sec/op" → "cpu-ns/op"), with the factor to scale by.
func testingUnit(unit string) (string, float64) {
	num, denom, _ := strings.Cut(unit, "/")
	parts := strings.Split(num, "-")
	for i, p := range parts {
		if p == "sec" {
			parts[i] = "ns"
			out := strings.Join(parts, "-")
			if strings.Contains(unit, "/") {
				out += "/" + denom
			}
			return out, 1e9
		}
	}
	return unit, 1
}

// runs is the number of runs of the row: its longest metric.
func (row Row) runs() int {
	n := 0
	for _, m := range row.Metrics {
		n = max(n, len(m.Values))
	}
	return n
}

// metric returns the row's first metric of the given unit; none for a nil row.
func (row *Row) metric(unit string) (Metric, bool) {
	if row == nil {
		return Metric{}, false
	}
	for _, m := range row.Metrics {
		if m.Unit == unit {
			return m, true
		}
	}
	return Metric{}, false
}

// WriteCSV writes one record per row and run: "name", "run" (from 1), then one column
// per unit, in the order units first appear in the rows:
//
//	name,run,sec/op,cpu-sec/op,images/s
//	toast/sequential,1,0.123456789,0.098765432,12.5
//
// A cell is empty when the row has no such metric or fewer values; NaN is written "NaN"
// and infinities "+Inf"/"-Inf", as strconv.ParseFloat reads them. A report without rows
// writes the header only.
func (r *Report) WriteCSV(w io.Writer) error {
	var units []string
	col := map[string]int{}
	for _, row := range r.Rows {
		for _, m := range row.Metrics {
			if _, ok := col[m.Unit]; !ok {
				col[m.Unit] = len(units)
				units = append(units, m.Unit)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"name", "run"}, units...)); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for run := range row.runs() {
			rec := make([]string, 2+len(units))
			rec[0], rec[1] = row.Name, strconv.Itoa(run+1)
			filled := make([]bool, len(units))
			for _, m := range row.Metrics {
				if c := col[m.Unit]; run < len(m.Values) && !filled[c] {
					rec[2+c], filled[c] = strconv.FormatFloat(m.Values[run], 'g', -1, 64), true
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes r as one indented JSON object: the machine, the confidence level and
// alpha, the baseline's name, and per row and metric the values, their [Summary], the
// [RunWarning] for time units, and for the rows other than the baseline the [Comparison]
// with the baseline's metric of the same unit:
//
//	{"goos": "linux", ..., "confidence": 0.95, "alpha": 0.05, "baseline": "toast/sequential",
//	 "rows": [{"name": "toast/pool", "metrics": [{"unit": "sec/op", "values": [0.11, ...],
//	   "summary": {"n": 5, "median": 0.11, "lo": null, "hi": 0.123, "confidence": 0.96875,
//	               "warning": "need >= 6 samples ..."},
//	   "vs_baseline": {"p": 0.0079, "delta": -0.4521, "significant": true,
//	                   "verdict": "-45.21% (p=0.008 n=5+5)"}}]}]}
//
// JSON has no NaN or infinity: those values (a missing interval, an undefined delta) are
// null. Empty fields (warnings, pkg) are left out.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{GOOS: r.GOOS, GOARCH: r.GOARCH, CPU: r.CPU, Pkg: r.Pkg, Procs: r.Procs,
		Confidence: Confidence, Alpha: Alpha, Rows: []jsonRow{}}
	var base *Row
	if r.Baseline >= 0 && r.Baseline < len(r.Rows) {
		base = &r.Rows[r.Baseline]
		out.Baseline = base.Name
	}
	for i, row := range r.Rows {
		jr := jsonRow{Name: row.Name, Metrics: []jsonMetric{}}
		for _, m := range row.Metrics {
			jm := jsonMetric{Unit: m.Unit, Values: make([]jsonFloat, len(m.Values)), Summary: newJSONSummary(Summarize(m.Values))}
			for k, v := range m.Values {
				jm.Values[k] = jsonFloat(v)
			}
			if isTime(m.Unit) {
				jm.Warning = RunWarning(durations(m.Values))
			}
			if bm, ok := base.metric(m.Unit); ok && i != r.Baseline {
				c := Compare(bm.Values, m.Values)
				jm.VsBaseline = &jsonComparison{P: jsonFloat(c.P), Delta: jsonFloat(c.Delta), Significant: c.Significant(),
					Verdict: c.String(), Warning: c.Warning}
			}
			jr.Metrics = append(jr.Metrics, jm)
		}
		out.Rows = append(out.Rows, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// isTime reports whether unit measures time in seconds ("sec/op", "cpu-sec/op").
func isTime(unit string) bool {
	_, factor := testingUnit(unit)
	return factor != 1
}

// durations converts seconds to durations, NaNs and infinities dropped.
func durations(secs []float64) []time.Duration {
	out := make([]time.Duration, 0, len(secs))
	for _, s := range secs {
		if !math.IsNaN(s) && !math.IsInf(s, 0) {
			out = append(out, time.Duration(math.Round(s*1e9)))
		}
	}
	return out
}

type jsonReport struct {
	GOOS       string    `json:"goos,omitempty"`
	GOARCH     string    `json:"goarch,omitempty"`
	CPU        string    `json:"cpu,omitempty"`
	Pkg        string    `json:"pkg,omitempty"`
	Procs      int       `json:"gomaxprocs,omitempty"`
	Confidence float64   `json:"confidence"`
	Alpha      float64   `json:"alpha"`
	Baseline   string    `json:"baseline,omitempty"`
	Rows       []jsonRow `json:"rows"`
}

type jsonRow struct {
	Name    string       `json:"name"`
	Metrics []jsonMetric `json:"metrics"`
}

type jsonMetric struct {
	Unit       string          `json:"unit"`
	Values     []jsonFloat     `json:"values"`
	Summary    jsonSummary     `json:"summary"`
	Warning    string          `json:"warning,omitempty"`
	VsBaseline *jsonComparison `json:"vs_baseline,omitempty"`
}

type jsonSummary struct {
	N          int       `json:"n"`
	Median     jsonFloat `json:"median"`
	Lo         jsonFloat `json:"lo"`
	Hi         jsonFloat `json:"hi"`
	Confidence float64   `json:"confidence"`
	Warning    string    `json:"warning,omitempty"`
}

func newJSONSummary(s Summary) jsonSummary {
	return jsonSummary{N: s.N, Median: jsonFloat(s.Median), Lo: jsonFloat(s.Lo), Hi: jsonFloat(s.Hi), Confidence: s.Confidence, Warning: s.Warning}
}

type jsonComparison struct {
	P           jsonFloat `json:"p"`
	Delta       jsonFloat `json:"delta"`
	Significant bool      `json:"significant"`
	Verdict     string    `json:"verdict"`
	Warning     string    `json:"warning,omitempty"`
}

// jsonFloat is a float64 that encodes NaN and infinities as null and decodes null as
// NaN.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = jsonFloat(v)
	return err
}
