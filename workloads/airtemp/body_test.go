package airtemp

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"
)

// TestSyntheticDaysUnchanged pins the synthetic data: notebooks, examples and the
// README quote its numbers, so making the server faster must not change a byte of
// what it serves.
func TestSyntheticDaysUnchanged(t *testing.T) {
	h := sha256.New()
	for _, tt := range []struct {
		res  time.Duration
		days int
	}{{time.Minute, 6}, {7 * time.Minute, 40}, {0, 120}, {time.Hour, 400}} {
		for _, d := range Dates("2019-11-20", tt.days) {
			day, err := SyntheticDay(d, tt.res)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(day)
			h.Write(b)
		}
	}
	const want = "f373bd63b9344d7f152f943c94e43a9c7ed34454ab9f5f71bfcd2cdcc0bfe803"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("the synthetic days changed: sha256 %s, want %s", got, want)
	}
}

// TestAppendDay wants the server's JSON to be json.Marshal's, byte for byte,
// for synthetic days and for Responses it must leave to json.Marshal.
func TestAppendDay(t *testing.T) {
	var days []*Response
	for _, res := range []time.Duration{time.Minute, 7 * time.Minute, 0, time.Hour, 24 * time.Hour} {
		for _, d := range Dates("2020-02-27", 5) {
			day, err := SyntheticDay(d, res)
			if err != nil {
				t.Fatal(err)
			}
			days = append(days, day)
		}
	}
	at := time.Date(2020, 1, 2, 3, 4, 5, 600, singapore)
	days = append(days,
		&Response{},
		&Response{Items: []Item{{}}},
		&Response{Items: []Item{{Timestamp: at, Readings: []Reading{{"S1", -0.0}, {"S2", 1e-7}, {"S3", 1e21}, {"S4", 123456.789}}}}},
		&Response{Items: []Item{{Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		&Response{Items: []Item{{Timestamp: time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", 5*3600+1800))}}},
		&Response{Metadata: Metadata{Stations: []Station{{ID: "<S&1>", Name: "Pulau \"Ubin\"\n", DeviceID: "é"}}, ReadingType: "\u2028"}},
		&Response{Metadata: Metadata{Stations: []Station{}}, Items: []Item{}, APIInfo: APIInfo{Status: "ok"}},
	)
	fast := 0
	for _, day := range days {
		want, wantErr := json.Marshal(day)
		buf, err := marshalDay(day)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("marshalDay error %v, json.Marshal %v", err, wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if string(*buf) != string(want) {
			t.Errorf("marshalDay wrote\n%.300s\njson.Marshal\n%.300s", *buf, want)
		}
		if _, ok := appendDay(nil, day); ok {
			fast++
		}
		releaseDay(buf)
	}
	if fast < 26 {
		t.Errorf("appendDay wrote %d of %d days, want all the synthetic ones", fast, len(days))
	}
}

func TestAppendFloat(t *testing.T) {
	check := func(f float64) {
		t.Helper()
		if got, want := string(appendFloat(nil, f)), strconv.FormatFloat(f, 'f', -1, 64); got != want {
			t.Fatalf("appendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	for k := -400000; k <= 400000; k++ {
		check(float64(k) / 10)
		check(math.Round(float64(k)/10*10) / 10)
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 0.05, 0.15, 1.3678, 103.9826, 1e20, 123456789012345.6, 1 << 53, 0.1 + 0.2, 27.3 + 1e-14} {
		check(f)
	}
}

// TestServerKeepsDays: a day served again is the same bytes, kept, and the
// cache stops growing at maxCached.
func TestServerKeepsDays(t *testing.T) {
	s := &Server{cfg: ServerConfig{Resolution: time.Hour}}
	first, release, err := s.body("2020-05-05")
	if err != nil {
		t.Fatal(err)
	}
	release()
	again, release, _ := s.body("2020-05-05")
	release()
	day, _ := SyntheticDay("2020-05-05", time.Hour)
	want, _ := json.Marshal(day)
	if string(first) != string(want) || &first[0] != &again[0] {
		t.Error("a day served twice is not the same kept JSON")
	}
	var c dayCache
	big := make([]byte, maxCached/3+1)
	for i, date := range Dates("", 3) {
		if _, ok := c.add(date, big); ok != (i < 2) {
			t.Errorf("add %d of a third of the cache: kept %v", i+1, ok)
		}
	}
}

// BenchmarkServerBody is the server's work for one day's answer, besides
// HTTP, when it has not served the day before.
func BenchmarkServerBody(b *testing.B) {
	for _, res := range []time.Duration{time.Hour, DefaultResolution} {
		s := &Server{cfg: ServerConfig{Resolution: res}}
		b.Run(res.String(), func(b *testing.B) {
			dates := Dates("", 100)
			i := 0
			for b.Loop() {
				day, _ := SyntheticDay(dates[i%len(dates)], s.cfg.Resolution)
				buf, err := marshalDay(day)
				if err != nil || len(*buf) == 0 {
					b.Fatal(err)
				}
				releaseDay(buf)
				i++
			}
		})
	}
}
