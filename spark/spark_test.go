package spark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"

	"github.com/speedup-go/speedup/workloads"
)

// --- without a server ---------------------------------------------------------------------

func TestRemoteFromEnvironment(t *testing.T) {
	t.Setenv("SPARK_REMOTE", "")
	if got := Remote(); got != DefaultRemote {
		t.Errorf("Remote() with no SPARK_REMOTE = %q, want %q", got, DefaultRemote)
	}
	t.Setenv("SPARK_REMOTE", " sc://spark-master:15002 ")
	if got := Remote(); got != "sc://spark-master:15002" {
		t.Errorf("Remote() = %q", got)
	}
}

func TestConnectWithNoServerSaysHowToStartOne(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	remote := "sc://" + ln.Addr().String()
	ln.Close()
	t0 := time.Now()
	_, err = Connect(context.Background(), remote)
	var ns *NoServerError
	if !errors.As(err, &ns) {
		t.Fatalf("Connect(%s) = %v, want a *NoServerError", remote, err)
	}
	if time.Since(t0) > 5*time.Second {
		t.Errorf("Connect took %v to find nobody home", time.Since(t0))
	}
	for _, want := range []string{remote, "make spark", "make spark-stop", "SPARK_REMOTE=sc://"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %q:\n%v", want, err)
		}
	}
	if _, err := Connect(context.Background(), "http://example"); err == nil || errors.As(err, &ns) {
		t.Errorf("a non-sc:// address should be refused as malformed, got %v", err)
	}
}

func TestSumOfSquaresSQL(t *testing.T) {
	for _, tc := range []struct {
		n     int64
		parts int
		want  []string
	}{
		{1000, 0, []string{"FROM range(0, 1000)", "shiftright(id * id, 32)", "id * id & 4294967295"}},
		{1000, 4, []string{"FROM range(0, 1000, 1, 4)"}},
		{-5, 0, []string{"FROM range(0, 0)"}},
		{MaxBigintRows, 0, []string{"shiftright"}},
		{MaxBigintRows + 1, 2, []string{"DECIMAL(38,0)", "FROM range(0, 2147483649, 1, 2)"}},
	} {
		got := SumOfSquaresSQL(tc.n, tc.parts)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("SumOfSquaresSQL(%d, %d) = %q, lacks %q", tc.n, tc.parts, got, w)
			}
		}
	}
}

func TestBigInt(t *testing.T) {
	huge, _ := new(big.Int).SetString("333333283333335000000", 10) // Σ i², n = 1e7: beyond int64
	for _, tc := range []struct {
		in   any
		want *big.Int
	}{
		{decimal128.FromBigInt(huge), huge},
		{decimal128.FromI64(-42), big.NewInt(-42)},
		{decimal256.FromBigInt(huge), huge},
		{int64(math.MaxInt64), big.NewInt(math.MaxInt64)},
		{int32(-7), big.NewInt(-7)},
		{int16(300), big.NewInt(300)},
		{int8(-1), big.NewInt(-1)},
		{uint64(math.MaxUint64), new(big.Int).SetUint64(math.MaxUint64)},
		{huge, huge},
	} {
		got, err := BigInt(tc.in)
		if err != nil || got.Cmp(tc.want) != 0 {
			t.Errorf("BigInt(%T %v) = %v, %v; want %v", tc.in, tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []any{nil, "12", 1.5} {
		if got, err := BigInt(bad); err == nil {
			t.Errorf("BigInt(%T %v) = %v, want an error", bad, bad, got)
		}
	}
}

// goLoop is the aggregation as a plain Go loop: a real engine, not a stand-in.
var goLoop = Engine{Name: "Go loop", Sum: func(_ context.Context, n int64) (*big.Int, error) {
	return workloads.SumOfSquares(workloads.Chunk{Lo: 0, Hi: int(n)}).Big(), nil
}}

func TestSweepTimesAndChecksEveryEngine(t *testing.T) {
	wrong := Engine{Name: "off by one", Sum: func(_ context.Context, n int64) (*big.Int, error) {
		return workloads.SumOfSquares(workloads.Chunk{Lo: 0, Hi: int(n) + 1}).Big(), nil
	}}
	failing := Engine{Name: "failing", Sum: func(context.Context, int64) (*big.Int, error) { return nil, errors.New("boom") }}
	sizes := []int64{10, 1000, 5_000_000}
	runs, err := Sweep(context.Background(), []Engine{goLoop, wrong, failing}, sizes, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 9 {
		t.Fatalf("%d runs, want 3 engines × 3 sizes", len(runs))
	}
	for _, r := range runs[:3] {
		if r.Err != nil || len(r.Times) != 3 || r.Sum.Cmp(workloads.SumOfSquaresFormula(r.N)) != 0 || r.Median() <= 0 {
			t.Errorf("Go loop n=%d: %+v", r.N, r)
		}
	}
	for _, r := range runs[3:] {
		if r.Err == nil || len(r.Times) != 0 {
			t.Errorf("%s n=%d should have failed at once: %+v", r.Engine, r.N, r)
		}
	}
	if !strings.Contains(runs[3].Err.Error(), "want 285") { // Σ i², i < 10
		t.Errorf("the wrong answer's error should give the right one: %v", runs[3].Err)
	}
	var b strings.Builder
	WriteTable(&b, runs)
	for _, want := range []string{"Go loop", "1e3", "5000000", "(3 runs)", "FAILED"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, b.String())
		}
	}
	curves := Curves(runs, true)
	if len(curves) != 1 || len(curves[0].Points) != 3 || curves[0].Points[2].X != 5e6 {
		t.Errorf("Curves: %+v", curves)
	}
}

func TestSweepBudgetAndCancel(t *testing.T) {
	slow := Engine{Name: "slow", Sum: func(_ context.Context, n int64) (*big.Int, error) {
		time.Sleep(30 * time.Millisecond)
		return workloads.SumOfSquaresFormula(n), nil
	}}
	runs, _ := Sweep(context.Background(), []Engine{slow}, []int64{1}, 10, 50*time.Millisecond)
	if got := len(runs[0].Times); got != 2 {
		t.Errorf("a 50 ms budget for 30 ms calls should allow 2 calls, got %d", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	runs, err := Sweep(ctx, []Engine{slow}, []int64{1, 2}, 1, 0)
	if !errors.Is(err, context.Canceled) || len(runs) != 0 {
		t.Errorf("cancelled sweep: %d runs, %v", len(runs), err)
	}
}

func TestFitCostAndCrossover(t *testing.T) {
	// An engine of 0.3 s + 2 ns/row and one of 1 µs + 1 ns/row, each call slowed by noise but
	// one: the fastest call is exact.
	var runs []Run
	noisy := func(secs float64) []time.Duration {
		d := time.Duration(secs * 1e9)
		return []time.Duration{d + 400*time.Millisecond, d, d + 3*time.Second}
	}
	for _, n := range []int64{1e3, 1e5, 1e7, 1e9} {
		runs = append(runs,
			Run{Engine: "remote", N: n, Times: noisy(0.3 + 2e-9*float64(n))},
			Run{Engine: "local", N: n, Times: noisy(1e-6 + 1e-9*float64(n))},
			Run{Engine: "local", N: 10 * n, Err: errors.New("failed runs do not count")})
	}
	remote, err := FitCost(runs, "remote")
	if err != nil || math.Abs(remote.Fixed-0.3) > 1e-5 || math.Abs(remote.PerRow-2e-9) > 1e-12 {
		t.Fatalf("FitCost(remote) = %v, %v", remote, err)
	}
	local, _ := FitCost(runs, "local")
	if math.Abs(local.PerRow-1e-9) > 1e-12 || local.Fixed > 2e-6 {
		t.Fatalf("FitCost(local) = %v", local)
	}
	if _, err := FitCost(runs[:1], "remote"); err == nil {
		t.Error("one size cannot tell a fixed cost from a per-row one")
	}
	if _, ok := Crossover(local, remote); ok {
		t.Error("a remote engine slower per row should never win")
	}
	if m := MachinesToWin(local, remote); math.Abs(m-2) > 0.01 {
		t.Errorf("MachinesToWin = %v, want 2", m)
	}
	// On 4 machines: 0.3 + 0.5n ns = 1µs + 1n ns  ⇒  n ≈ 6e8.
	n, ok := Crossover(local, remote.On(4))
	if !ok || math.Abs(n-(0.3-1e-6)/0.5e-9) > 1e6 {
		t.Errorf("Crossover on 4 machines = %v, %v; want ~6e8", n, ok)
	}
	if f := Faster(remote, local); f.Engine != "local" || Faster(local, local).Engine != "local" {
		t.Errorf("Faster(remote, local) = %v", f)
	}
	if s := remote.String(); s != "remote: 300 ms + 2 ns/row" {
		t.Errorf("Cost.String() = %q", s)
	}
}

func TestSizes(t *testing.T) {
	if got := Sizes(3, 5); len(got) != 3 || got[0] != 1000 || got[2] != 100_000 {
		t.Errorf("Sizes(3, 5) = %v", got)
	}
	if got := Sizes(5, 3); len(got) != 0 {
		t.Errorf("Sizes(5, 3) = %v, want none", got)
	}
}

func TestExp(t *testing.T) {
	for n, want := range map[int64]string{1: "1e0", 1000: "1e3", 1_000_000_000: "1e9", 5_000_000: "5000000", 0: "0"} {
		if got := Exp(n); got != want {
			t.Errorf("Exp(%d) = %q, want %q", n, got, want)
		}
	}
}

// --- against a real server ------------------------------------------------------------------

// session connects to the server at Remote(). Without one the test is skipped, loudly; with
// SPEEDUP_SPARK_REQUIRED=1 (the notebook tests set it, having started a server) it fails.
func session(t *testing.T) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Connect(ctx, "")
	if err != nil {
		if os.Getenv("SPEEDUP_SPARK_REQUIRED") == "1" {
			t.Fatalf("SPEEDUP_SPARK_REQUIRED=1 but: %v", err)
		}
		msg := fmt.Sprintf("!!!! SKIPPED: no Spark Connect server at %s: the tests against a real server did NOT run (make spark starts one)", Remote())
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	return s
}

func TestServerSumsAgreeWithGo(t *testing.T) {
	s := session(t)
	ctx := context.Background()
	if !strings.HasPrefix(s.Version, "4.") {
		t.Errorf("server version %q, want Spark 4", s.Version)
	}
	// Around the BIGINT overflow of a plain sum (n ≈ 3.04e6), and with several partitions.
	for _, tc := range []struct {
		n     int64
		parts int
	}{{0, 0}, {1, 0}, {10, 3}, {3_037_000, 0}, {5_000_000, 2}, {20_000_000, 7}} {
		got, err := s.SumOfSquares(ctx, tc.n, tc.parts)
		want := goLoop
		w, _ := want.Sum(ctx, tc.n)
		if err != nil || got.Cmp(w) != 0 {
			t.Errorf("Spark n=%d parts=%d: %v, %v; the Go loop: %v", tc.n, tc.parts, got, err, w)
		}
	}
}

func TestServerDecimalPath(t *testing.T) {
	s := session(t)
	ctx := context.Background()
	// The DECIMAL(38,0) query (used above 2³¹ rows) on a size that is quick to sum.
	got, err := s.sumOfSquares(ctx, 5_000_000, 0, true)
	if want := workloads.SumOfSquaresFormula(5_000_000); err != nil || got.Cmp(want) != 0 {
		t.Errorf("DECIMAL sum: %v, %v; want %v", got, err, want)
	}
	// A decimal beyond int64 and a negative one arrive as decimal128.Num.
	df, err := s.Sql(ctx, "SELECT CAST('123456789012345678901234567890' AS DECIMAL(38,0)) AS a, CAST(-5 AS DECIMAL(10,0)) AS b")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := df.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rows[0].At(0).(decimal128.Num); !ok {
		t.Errorf("a DECIMAL(38,0) arrived as %T, want decimal128.Num", rows[0].At(0))
	}
	for i, want := range []string{"123456789012345678901234567890", "-5"} {
		if v, err := BigInt(rows[0].At(i)); err != nil || v.String() != want {
			t.Errorf("column %d: %v, %v; want %s", i, v, err, want)
		}
	}
}

func TestServerRefusesAnOverflowingBigintSum(t *testing.T) {
	// Why SumOfSquaresSQL splits the squares: Spark 4's ANSI mode fails the plain sum.
	s := session(t)
	ctx := context.Background()
	df, err := s.Sql(ctx, "SELECT sum(id * id) FROM range(0, 5000000)")
	if err == nil {
		_, err = df.Collect(ctx)
	}
	if err == nil || !strings.Contains(strings.ToUpper(err.Error()), "OVERFLOW") {
		t.Errorf("an int64 sum past 9.2e18 should fail with an overflow error in ANSI mode, got %v", err)
	}
}

func TestServerSweep(t *testing.T) {
	s := session(t)
	spark := Engine{Name: "Spark", Sum: func(ctx context.Context, n int64) (*big.Int, error) { return s.SumOfSquares(ctx, n, 0) }}
	runs, err := Sweep(context.Background(), []Engine{goLoop, spark}, []int64{1, 1_000_000}, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Err != nil || len(r.Times) != 2 {
			t.Errorf("%s n=%d: %d runs, %v", r.Engine, r.N, len(r.Times), r.Err)
		}
	}
	// A query of one row costs Spark planning, scheduling and round trips: far more than a loop.
	if loop, spark := runs[0].Median(), runs[2].Median(); spark < 100*loop || spark < time.Millisecond {
		t.Errorf("one row: Spark %v, the Go loop %v; Spark's fixed cost should dwarf the loop's", spark, loop)
	}
	sparkCost, err := FitCost(runs, "Spark")
	if err != nil {
		t.Error(err)
	}
	t.Logf("%v (server %s, Spark %s)", sparkCost, s.Remote, s.Version)
}

func TestRunsRoundTripThroughJSON(t *testing.T) {
	huge := workloads.SumOfSquaresFormula(1e9)
	runs := []Run{
		{Engine: "Spark", N: 1e9, Times: []time.Duration{3 * time.Second, 2 * time.Second}, Sum: huge},
		{Engine: "Spark", N: 10, Err: errors.New("boom")},
	}
	data, err := json.Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	var got []Run
	if err := json.Unmarshal(data, &got); err != nil || len(got) != 2 {
		t.Fatalf("json.Unmarshal: %v, %v", got, err)
	}
	if got[0].Sum.Cmp(huge) != 0 || got[0].Median() != 2500*time.Millisecond || got[1].Err.Error() != "boom" || got[1].Sum != nil {
		t.Errorf("round trip changed the runs: %+v", got)
	}
}

func TestLocalStartup(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SPEEDUP_SPARK_STATE", dir)
	if _, err := LocalStartup("/nowhere"); err == nil {
		t.Error("no ready file should be an error")
	}
	ready := "remote=sc://127.0.0.1:15002\npid=12\nstart_seconds=17.5\nstarted_at=2026-12-01T15:00:00Z\nspark=4.3.0\nmaster=local[2]\n"
	if err := os.WriteFile(dir+"/server.ready", []byte(ready), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LocalStartup("/nowhere")
	if err != nil || s.Remote != DefaultRemote || s.Took != 17500*time.Millisecond || s.Version != "4.3.0" || s.Master != "local[2]" || s.At.Hour() != 15 {
		t.Errorf("LocalStartup = %+v, %v", s, err)
	}
}

func TestModelCurves(t *testing.T) {
	local := Cost{Engine: "2 goroutines", PerRow: 1e-9}
	remote := Cost{Engine: "Spark", Fixed: 0.3, PerRow: 2e-9}
	cs := ModelCurves(local, remote, []float64{1, 10}, 3, 5)
	if len(cs) != 3 || cs[1].Name != "Spark on 1 machine" || cs[2].Name != "Spark on 10 machines" {
		t.Fatalf("curves: %+v", cs)
	}
	if len(cs[0].Points) != 5 || cs[0].Points[4].X != 1e5 {
		t.Errorf("points every half decade from 1e3 to 1e5: %+v", cs[0].Points)
	}
	if got, want := cs[2].Points[0].Y, 0.3+2e-9*1e3/10; math.Abs(got-want) > 1e-12 {
		t.Errorf("Spark on 10 machines at 1e3: %v, want %v", got, want)
	}
}
