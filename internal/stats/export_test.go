package stats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// report is a comparison as kernelext would hand it over: a baseline and a pool, wall
// and CPU seconds per run, and a throughput.
func report() *Report {
	return &Report{
		GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU @ 2.00GHz", Procs: 2,
		Rows: []Row{
			{Name: "toast/sequential", Metrics: []Metric{
				{UnitWall, []float64{0.2, 0.21, 0.205, 0.199, 0.202}},
				{UnitCPU, []float64{0.198, 0.207, 0.2, 0.197, 0.2}},
				{"images/s", []float64{500, 476.19, 487.8, 502.5, 495}},
			}},
			{Name: "toast/goroutines×4 on 2 cores", Metrics: []Metric{
				{UnitWall, []float64{0.111, 0.108, 0.123456789, 0.109, 0.11}},
				{UnitCPU, []float64{0.21, 0.2, 0.22, 0.2, 0.21}},
				{"images/s", []float64{900, 925, 810, 917, 909}},
			}},
		},
	}
}

const wantBench = `goos: linux
goarch: amd64
cpu: Test CPU @ 2.00GHz
BenchmarkToast/sequential-2	1	200000000 ns/op	198000000 cpu-ns/op	500 images/s
BenchmarkToast/sequential-2	1	210000000 ns/op	207000000 cpu-ns/op	476.19 images/s
BenchmarkToast/sequential-2	1	205000000 ns/op	200000000 cpu-ns/op	487.8 images/s
BenchmarkToast/sequential-2	1	199000000 ns/op	197000000 cpu-ns/op	502.5 images/s
BenchmarkToast/sequential-2	1	202000000 ns/op	200000000 cpu-ns/op	495 images/s
BenchmarkToast/goroutines×4_on_2_cores-2	1	111000000 ns/op	210000000 cpu-ns/op	900 images/s
BenchmarkToast/goroutines×4_on_2_cores-2	1	108000000 ns/op	200000000 cpu-ns/op	925 images/s
BenchmarkToast/goroutines×4_on_2_cores-2	1	123456789 ns/op	220000000 cpu-ns/op	810 images/s
BenchmarkToast/goroutines×4_on_2_cores-2	1	109000000 ns/op	200000000 cpu-ns/op	917 images/s
BenchmarkToast/goroutines×4_on_2_cores-2	1	110000000 ns/op	210000000 cpu-ns/op	909 images/s
`

func TestWriteBench(t *testing.T) {
	var buf bytes.Buffer
	if err := report().WriteBench(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != wantBench {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), wantBench)
	}
}

// TestWriteBenchRoundTrip reads the output back with benchfmt, the parser benchstat uses:
// same names, one result per run, values back in the report's units.
func TestWriteBenchRoundTrip(t *testing.T) {
	r := report()
	var buf bytes.Buffer
	if err := r.WriteBench(&buf); err != nil {
		t.Fatal(err)
	}
	rd := benchfmt.NewReader(&buf, "report.txt")
	i := 0
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			t.Fatalf("record %d: %v", i, rd.Result())
		}
		row, run := r.Rows[i/5], i%5
		base, parts := res.Name.Parts()
		name := string(base) + string(bytes.Join(parts[:len(parts)-1], nil))
		if want := "T" + strings.ReplaceAll(row.Name[1:], " ", "_"); name != want || string(parts[len(parts)-1]) != "-2" {
			t.Errorf("result %d: name %q (procs %q), want %q", i, name, parts[len(parts)-1], want)
		}
		if got := res.GetConfig("goos") + "/" + res.GetConfig("goarch") + "/" + res.GetConfig("cpu"); got != "linux/amd64/Test CPU @ 2.00GHz" {
			t.Errorf("result %d: config %q", i, got)
		}
		if len(res.Values) != len(row.Metrics) {
			t.Fatalf("result %d: %d values, want %d", i, len(res.Values), len(row.Metrics))
		}
		for k, v := range res.Values {
			m := row.Metrics[k]
			if v.Unit != m.Unit || math.Abs(v.Value-m.Values[run]) > 1e-11*math.Abs(m.Values[run]) {
				t.Errorf("result %d value %d: %v %s, want %v %s", i, k, v.Value, v.Unit, m.Values[run], m.Unit)
			}
		}
		i++
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if i != 10 {
		t.Errorf("%d results, want 10", i)
	}
}

// TestBenchstatReadsIt runs benchstat itself (from go.mod's golang.org/x/perf) on the
// export of a comparison whose rows are named job/strategy=NAME: "benchstat -col
// /strategy" must put the strategies side by side and print our verdict.
func TestBenchstatReadsIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchstat")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	r := report()
	for i := range r.Rows {
		r.Rows[i].Name = strings.Replace(r.Rows[i].Name, "toast/", "toast/strategy=", 1)
	}
	var buf bytes.Buffer
	if err := r.WriteBench(&buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "toast.txt")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(goTool, "run", "golang.org/x/perf/cmd/benchstat", "-col", "/strategy", file).CombinedOutput()
	if err != nil {
		t.Fatalf("benchstat: %v\n%s", err, out)
	}
	want := []string{"cpu: Test CPU @ 2.00GHz", "sequential", "goroutines×4_on_2_cores", "sec/op", "cpu-sec/op", "images/s", "Toast-2"}
	for k := range r.Rows[0].Metrics {
		// benchstat prints "n=5" for equal sizes where we print "n=5+5".
		c := Compare(r.Rows[0].Metrics[k].Values, r.Rows[1].Metrics[k].Values)
		want = append(want, strings.Replace(c.String(), "n=5+5", "n=5", 1))
	}
	for _, s := range want {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("benchstat output lacks %q:\n%s", s, out)
		}
	}
	t.Logf("benchstat -col /strategy:\n%s", out)
}

func TestWriteBenchEdges(t *testing.T) {
	r := &Report{Procs: 1, Rows: []Row{
		{Name: "pool-4", Metrics: []Metric{{UnitWall, []float64{1, math.NaN(), 3}}, {"B/op", []float64{10, math.Inf(1)}}}},
		{Name: "empty", Metrics: []Metric{{UnitWall, nil}}},
	}}
	var buf bytes.Buffer
	if err := r.WriteBench(&buf); err != nil {
		t.Fatal(err)
	}
	want := "BenchmarkPool-4\t1\t1000000000 ns/op\t10 B/op\n" +
		"BenchmarkPool-4\t1\t3000000000 ns/op\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := new(Report).WriteBench(&buf); err != nil || buf.Len() != 0 {
		t.Errorf("zero Report wrote %q, %v", buf.String(), err)
	}
}

func TestTestingUnit(t *testing.T) {
	for in, want := range map[string]string{
		"sec/op": "ns/op", "cpu-sec/op": "cpu-ns/op", "sec": "ns", "images/s": "images/s",
		"B/op": "B/op", "sec/sec": "ns/sec", "seconds/op": "seconds/op",
	} {
		if got, _ := testingUnit(in); got != want {
			t.Errorf("testingUnit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	r := report()
	r.Rows = append(r.Rows, Row{Name: "toast, quoted \"name\"", Metrics: []Metric{
		{"B/op", []float64{1, math.NaN()}}, {UnitWall, []float64{0.5}},
	}})
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "name,run,sec/op,cpu-sec/op,images/s,B/op" {
		t.Errorf("header %q", got)
	}
	if got := strings.Join(recs[1], ","); got != "toast/sequential,1,0.2,0.198,500," {
		t.Errorf("first record %q", got)
	}
	if got := strings.Join(recs[len(recs)-1], ","); got != `toast, quoted "name",2,,,,NaN` {
		t.Errorf("last record %q", got)
	}
	// Rebuild the report from the records.
	var back []Row
	run := 0
	for _, rec := range recs[1:] {
		if len(back) == 0 || back[len(back)-1].Name != rec[0] {
			back = append(back, Row{Name: rec[0]})
			run = 0
		}
		row := &back[len(back)-1]
		if run++; rec[1] != strconv.Itoa(run) {
			t.Errorf("%s: run %q, want %d", rec[0], rec[1], run)
		}
		for c, cell := range rec[2:] {
			if cell == "" {
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				t.Fatal(err)
			}
			unit := recs[0][2+c]
			k := 0
			for k < len(row.Metrics) && row.Metrics[k].Unit != unit {
				k++
			}
			if k == len(row.Metrics) {
				row.Metrics = append(row.Metrics, Metric{Unit: unit})
			}
			row.Metrics[k].Values = append(row.Metrics[k].Values, v)
		}
	}
	if len(back) != len(r.Rows) {
		t.Fatalf("%d rows back, want %d", len(back), len(r.Rows))
	}
	for i, row := range r.Rows {
		for _, m := range row.Metrics {
			got, ok := back[i].metric(m.Unit)
			if !ok || !sameFloats(got.Values, m.Values) {
				t.Errorf("row %q %s: got %v, want %v", row.Name, m.Unit, got.Values, m.Values)
			}
		}
	}
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestWriteJSON(t *testing.T) {
	r := report()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back jsonReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if back.GOOS != "linux" || back.CPU != r.CPU || back.Procs != 2 || back.Baseline != "toast/sequential" || back.Alpha != 0.05 || back.Confidence != 0.95 {
		t.Errorf("header: %+v", back)
	}
	if len(back.Rows) != 2 {
		t.Fatalf("%d rows", len(back.Rows))
	}
	for i, row := range r.Rows {
		jr := back.Rows[i]
		if jr.Name != row.Name || len(jr.Metrics) != len(row.Metrics) {
			t.Fatalf("row %d: %q with %d metrics", i, jr.Name, len(jr.Metrics))
		}
		for k, m := range row.Metrics {
			jm := jr.Metrics[k]
			vals := make([]float64, len(jm.Values))
			for j, v := range jm.Values {
				vals[j] = float64(v)
			}
			if jm.Unit != m.Unit || !sameFloats(vals, m.Values) {
				t.Errorf("%s %s: %v, want %v", row.Name, m.Unit, vals, m.Values)
			}
			s := Summarize(m.Values)
			if jm.Summary.N != 5 || float64(jm.Summary.Median) != s.Median || !math.IsNaN(float64(jm.Summary.Lo)) || jm.Summary.Warning != s.Warning {
				t.Errorf("%s %s summary: %+v, want %+v (infinite bounds as null)", row.Name, m.Unit, jm.Summary, s)
			}
			if i == 0 && jm.VsBaseline != nil {
				t.Errorf("baseline compared with itself: %+v", jm.VsBaseline)
			}
			if i == 1 {
				c := Compare(r.Rows[0].Metrics[k].Values, m.Values)
				if jm.VsBaseline == nil || jm.VsBaseline.Verdict != c.String() || float64(jm.VsBaseline.P) != c.P || jm.VsBaseline.Significant != c.Significant() {
					t.Errorf("%s %s vs baseline: %+v, want %s", row.Name, m.Unit, jm.VsBaseline, c)
				}
			}
		}
	}
	if v := back.Rows[1].Metrics[0].VsBaseline; v == nil || v.Verdict != "-45.54% (p=0.008 n=5+5)" {
		t.Errorf("wall verdict %+v", v)
	}
	if !strings.Contains(buf.String(), `"lo": null`) {
		t.Errorf("infinite bound not null:\n%s", buf.String())
	}
}

func TestWriteJSONEdges(t *testing.T) {
	r := &Report{Baseline: -1, Rows: []Row{{Name: "slow start", Metrics: []Metric{
		{UnitWall, []float64{2, 0.5, 0.5, 0.51, math.NaN()}},
		{"images/s", []float64{}},
	}}}}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back jsonReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	m := back.Rows[0].Metrics
	if back.Baseline != "" || m[0].VsBaseline != nil {
		t.Errorf("compared without a baseline: %s", buf.String())
	}
	if !strings.HasPrefix(m[0].Warning, "The first run took 4.0 times") {
		t.Errorf("warning %q", m[0].Warning)
	}
	if !math.IsNaN(float64(m[0].Values[4])) || m[0].Summary.N != 4 {
		t.Errorf("NaN value: %v, n=%d", m[0].Values, m[0].Summary.N)
	}
	if m[1].Summary.N != 0 || len(m[1].Values) != 0 || m[1].Warning != "" {
		t.Errorf("empty metric: %+v", m[1])
	}
	buf.Reset()
	if err := new(Report).WriteJSON(&buf); err != nil || !strings.Contains(buf.String(), `"rows": []`) {
		t.Errorf("zero Report: %v\n%s", err, buf.String())
	}
}
