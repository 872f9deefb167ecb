package airtemp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/speedup-go/speedup/internal/wait"
)

// fetchBefore is Fetch as it was before summarizeJSON: every body decoded
// into a Response with encoding/json, then summed up.
func fetchBefore(ctx context.Context, c *Client, date string) (DayResult, error) {
	var r *Response
	st, err := c.day(ctx, date, func(body []byte) error {
		var err error
		r, err = decodeResponse(body)
		return err
	})
	if err != nil {
		return DayResult{}, err
	}
	if err := wait.Sleep(ctx, c.Pause); err != nil {
		return DayResult{}, &Error{Date: date, Attempts: st.attempts, Err: err, kind: stopped, pause: true}
	}
	res := summarize(date, r)
	res.Attempts, res.Retries = st.attempts, st.retries
	return res, nil
}

// TestFetchSameAsBefore fetches many days from two servers set up alike, one
// with Fetch and one as Fetch did before, and wants the same DayResults, down
// to the last bit of every float and the reason of every retry. Faults depend
// on the server's seed, the date and the attempt, so both clients meet the
// same faults.
func TestFetchSameAsBefore(t *testing.T) {
	for _, tt := range []struct {
		name string
		days int
		cfg  ServerConfig
	}{
		{"default", 120, ServerConfig{}},
		{"hourly", 120, ServerConfig{Resolution: time.Hour}},
		{"every minute", 4, ServerConfig{Resolution: time.Minute}}, // the real API's 1440 items, ~900 kB
		{"faults", 120, ServerConfig{Seed: 3, ErrorRate: 0.1, TooManyRate: 0.05, DropRate: 0.05, TruncateRate: 0.05, SlowRate: 0.05,
			RetryAfter: time.Millisecond, SlowBody: 10 * time.Millisecond}},
	} {
		cfg := tt.cfg
		dates := Dates("2019-12-01", tt.days)
		t.Run(tt.name, func(t *testing.T) {
			now, before := startServer(t, cfg), startServer(t, cfg)
			cNow, cBefore := fastClient(t, now.URL()), fastClient(t, before.URL())
			cNow.MaxAttempts, cBefore.MaxAttempts = 3, 3 // some days fail: errors must agree too
			got := make([]DayResult, len(dates))
			want := make([]DayResult, len(dates))
			gotErr := make([]error, len(dates))
			wantErr := make([]error, len(dates))
			var wg sync.WaitGroup
			limit := make(chan struct{}, 8) // no timeouts on a busy machine
			for i, date := range dates {
				wg.Go(func() {
					limit <- struct{}{}
					defer func() { <-limit }()
					got[i], gotErr[i] = cNow.Fetch(context.Background(), date)
					want[i], wantErr[i] = fetchBefore(context.Background(), cBefore, date)
				})
			}
			wg.Wait()
			retried, failed := 0, 0
			for i, date := range dates {
				if fmt.Sprint(gotErr[i]) != fmt.Sprint(wantErr[i]) {
					t.Errorf("%s: error %v, before %v", date, gotErr[i], wantErr[i])
				}
				if !reflect.DeepEqual(got[i], want[i]) || math.Float64bits(got[i].Mean) != math.Float64bits(want[i].Mean) {
					t.Errorf("%s: %+v, before %+v", date, got[i], want[i])
				}
				if got[i].Attempts > 1 {
					retried++
				}
				if gotErr[i] != nil {
					failed++
				}
			}
			if cfg.ErrorRate > 0 && (retried == 0 || failed == 0) {
				t.Errorf("%d days retried and %d failed; want some of each, to compare retries and errors", retried, failed)
			}
		})
	}
}

// TestSummarizeJSONSameAsDecoding hands summarizeJSON days as the server
// writes them and many bodies made from them, broken or strange, and wants it
// either to give up or to agree with decoding the body with encoding/json and
// summing up the Response. It also counts the bodies it took, so that the
// fast path is not just always giving up.
func TestSummarizeJSONSameAsDecoding(t *testing.T) {
	var bodies [][]byte
	for _, res := range []time.Duration{time.Minute, time.Hour, 24 * time.Hour} {
		day, err := SyntheticDay("2020-03-01", res)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(day)
		bodies = append(bodies, b)
		indented, _ := json.MarshalIndent(day, "", "\t")
		bodies = append(bodies, indented)
	}
	for _, s := range handMade {
		bodies = append(bodies, []byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := bodies[2] // one item an hour
	for range 3000 {
		bodies = append(bodies, mutate(rng, base))
	}
	for i := 0; i < len(base); i += 37 {
		bodies = append(bodies, base[:i])
	}

	fast, agreeErr := 0, 0
	for _, b := range bodies {
		got, ok := summarizeJSON("2020-03-01", b)
		r, err := decodeResponse(b)
		if !ok {
			if err != nil {
				agreeErr++
			}
			continue
		}
		fast++
		if err != nil {
			t.Errorf("summarizeJSON took a body encoding/json refuses (%v):\n%.400s", err, b)
			continue
		}
		want := summarize("2020-03-01", r)
		if !reflect.DeepEqual(got, want) || math.Float64bits(got.Mean) != math.Float64bits(want.Mean) ||
			math.Float64bits(got.Min) != math.Float64bits(want.Min) {
			t.Errorf("summarizeJSON = %+v, decoding %+v, for\n%.400s", got, want, b)
		}
	}
	t.Logf("%d bodies: %d summed up straight, %d refused by both, %d left to encoding/json", len(bodies), fast, agreeErr, len(bodies)-fast-agreeErr)
	if fast < len(bodies)/10 {
		t.Errorf("only %d of %d bodies took the fast path", fast, len(bodies))
	}
}

// handMade are bodies at the edges of what the fast path accepts.
var handMade = []string{
	`{}`,
	` {"items":[]} `,
	`{"items":[{"readings":[]}]}`,
	`{"items":[{"readings":[{"value":-0}]}]}`,
	`{"items":[{"readings":[{"value":0},{"value":-0}]}]}`,
	`{"items":[{"readings":[{"value":1e2},{"value":1E-2},{"value":-2.5e+1}]}]}`,
	`{"items":[{"readings":[{"value":1e400}]}]}`,
	`{"items":[{"readings":[{"value":12345678901234567890.5}]}]}`,
	`{"items":[{"readings":[{"value":0.1000000000000000055511151231257827}]}]}`,
	`{"items":[{"readings":[{"value":"27.5"}]}]}`,
	`{"items":[{"readings":[{"value":null}]}]}`,
	`{"items":[{"readings":null}]}`,
	`{"items":null}`,
	`null`,
	`[]`,
	``,
	`   `,
	`{"items":[]}{}`,
	`{"items":[]} x`,
	`{"items":[],"items":[{"readings":[{"value":1}]}]}`,
	`{"Items":[{"readings":[{"value":1}]}]}`,
	`{"ITEMS":[{"readings":[{"value":1}]}]}`,
	"{\"\u017ftatus\":1,\"items\":[]}",
	`{"\u0069tems":[{"readings":[{"value":1}]}]}`,
	`{"extra":{"a":[1,2,{"b":null}],"c":true,"d":false},"items":[{"x":"y","readings":[{"value":3,"other":[]}]}]}`,
	`{"items":[{"timestamp":"2020-01-01T00:00:00+08:00","readings":[{"station_id":"S1","value":25}]}]}`,
	`{"items":[{"timestamp":"2020-01-01T24:00:00+08:00","readings":[]}]}`,
	`{"items":[{"timestamp":"2020-01-01 00:00:00+08:00","readings":[]}]}`,
	`{"items":[{"timestamp":"2020-01-01T00:00:00\u002b08:00","readings":[]}]}`,
	`{"items":[{"timestamp":20200101,"readings":[]}]}`,
	`{"items":[{"timestamp":null,"readings":[]}]}`,
	`{"metadata":{"stations":[{"id":"S1","location":{"latitude":1.3,"longitude":103.8}}],"reading_type":"DBT 1M F"}}`,
	`{"metadata":{"stations":[{"id":1}]}}`,
	`{"metadata":{"stations":[{"location":{"latitude":"1"}}]}}`,
	`{"metadata":{"stations":[{"location":{"latitude":1e999}}]}}`,
	`{"metadata":{"stations":[{}, {}, {}]},"metadata":{"reading_unit":"deg C"}}`,
	`{"metadata":{"stations":[{"name":"a\"b\\c\/d\b\f\n\r\t\u00e9"}]}}`,
	`{"metadata":{"stations":[{"name":"\x"}]}}`,
	"{\"metadata\":{\"stations\":[{\"name\":\"tab\there\"}]}}",
	"{\"metadata\":{\"stations\":[{\"name\":\"\xff\xfe not UTF-8\"}]}}",
	`{"api_info":{"status":"healthy"},"api_info":{"status":"healthy"}}`,
	`{"api_info":{"status":5}}`,
	`{"api_info":"healthy"}`,
	`{"items":[{"readings":[{"value":01}]}]}`,
	`{"items":[{"readings":[{"value":1.}]}]}`,
	`{"items":[{"readings":[{"value":.5}]}]}`,
	`{"items":[{"readings":[{"value":+1}]}]}`,
	`{"items":[{"readings":[{"value":1,}]}]}`,
	`{"items":[{"readings":[{"value":1}],}]}`,
	`{"items":[{"readings":[{"value" 1}]}]}`,
	`{"items":[{"readings":[{value:1}]}]}`,
	`{"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
}

// mutate changes a body a little: a byte replaced, removed or doubled, a
// stretch cut out, a key's case changed, a number rewritten, white space
// added, a value made null.
func mutate(rng *rand.Rand, b []byte) []byte {
	s := string(b)
	for range 1 + rng.IntN(2) {
		i := rng.IntN(len(s))
		switch rng.IntN(9) {
		case 0:
			s = s[:i] + string(`{}[]",:0123456789.eE+-nulltruefalse \t\n\\u`[rng.IntN(39)]) + s[i+1:]
		case 1:
			s = s[:i] + s[i+1:]
		case 2:
			s = s[:i] + s[i:i+1] + s[i:]
		case 3:
			j := min(len(s), i+rng.IntN(40))
			s = s[:i] + s[j:]
		case 4:
			key := []string{`"items"`, `"readings"`, `"value"`, `"stations"`, `"metadata"`, `"timestamp"`}[rng.IntN(6)]
			s = strings.Replace(s, key, strings.ToUpper(key[:2])+key[2:], 1+rng.IntN(2))
		case 5:
			j := strings.Index(s[i:], `"value":`)
			if j < 0 {
				continue
			}
			j += i + len(`"value":`)
			k := j + strings.IndexAny(s[j:], ",}")
			v, err := strconv.ParseFloat(s[j:k], 64)
			if err != nil {
				continue
			}
			forms := []string{strconv.FormatFloat(v, 'e', -1, 64), strconv.FormatFloat(v, 'f', 20, 64), "-" + s[j:k], s[j:k] + "0", "1e309", "null", `"` + s[j:k] + `"`}
			s = s[:j] + forms[rng.IntN(len(forms))] + s[k:]
		case 6:
			s = s[:i] + " \n\t\r"[rng.IntN(4):] + s[i:]
		case 7:
			j := strings.Index(s[i:], `":`)
			if j < 0 {
				continue
			}
			j += i + 2
			k := j + strings.IndexAny(s[j:], ",}")
			s = s[:j] + "null" + s[k:]
		case 8:
			s = s[:i] + `,"new":{"a":[1,"b",null]}` + s[i:]
		}
	}
	return []byte(s)
}

func TestExactFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for range 20000 {
		digits := 1 + rng.IntN(15)
		var b strings.Builder
		if rng.IntN(4) == 0 {
			b.WriteByte('-')
		}
		point := rng.IntN(digits + 1)
		for i := range digits {
			if i == point && i > 0 {
				b.WriteByte('.')
			}
			if i == 0 && point != 1 {
				b.WriteByte(byte('1' + rng.IntN(9)))
			} else {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		texts = append(texts, b.String())
	}
	texts = append(texts, "0", "-0", "0.1", "0.3", "24.0", "32.9", "999999999999999", "0.00000000000001", "1.00000000000000")
	for _, text := range texts {
		got, ok := exactFloat([]byte(text))
		want, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatalf("ParseFloat(%q): %v", text, err)
		}
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("exactFloat(%q) = %v, %v; ParseFloat %v", text, got, ok, want)
		}
	}
	for _, text := range []string{"1e5", "1234567890123456", "0.1234567890123456", "0.000000000000001"} {
		if _, ok := exactFloat([]byte(text)); ok {
			t.Errorf("exactFloat(%q) took it; want it left to ParseFloat", text)
		}
	}
}

// FuzzSummarizeJSON: go test -fuzz FuzzSummarizeJSON ./workloads/airtemp/
func FuzzSummarizeJSON(f *testing.F) {
	day, _ := SyntheticDay("2020-03-01", 6*time.Hour)
	b, _ := json.Marshal(day)
	f.Add(b)
	for _, s := range handMade {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := summarizeJSON("d", b)
		if !ok {
			return
		}
		r, err := decodeResponse(b)
		if err != nil {
			t.Fatalf("took a body encoding/json refuses: %v", err)
		}
		if want := summarize("d", r); !reflect.DeepEqual(got, want) {
			t.Fatalf("summarizeJSON = %+v, decoding %+v", got, want)
		}
	})
}

func TestSummarizeBodyErrors(t *testing.T) {
	_, err := summarizeBody("d", []byte(`{"items": [`))
	if err == nil || !strings.Contains(err.Error(), "truncated JSON") {
		t.Errorf("truncated body: %v, want a truncated-JSON error", err)
	}
	_, err = summarizeBody("d", []byte(`{"items": nope}`))
	var me *MalformedError
	if !errors.As(err, &me) || me.Bytes != 15 {
		t.Errorf("malformed body: %v, want a *MalformedError of 15 bytes", err)
	}
}

func BenchmarkSummarize(b *testing.B) {
	for _, res := range []time.Duration{time.Hour, DefaultResolution} {
		day, _ := SyntheticDay("2020-03-01", res)
		body, _ := json.Marshal(day)
		b.Run(fmt.Sprintf("json/%dkB", len(body)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r, err := decodeResponse(body)
				if err != nil {
					b.Fatal(err)
				}
				_ = summarize("2020-03-01", r)
			}
		})
		b.Run(fmt.Sprintf("scan/%dkB", len(body)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, ok := summarizeJSON("2020-03-01", body); !ok {
					b.Fatal("not summed up")
				}
			}
		})
	}
}
