package airtemp

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestTalkServesAndFetchesAtItsPace(t *testing.T) {
	talk := Talk{Second: time.Millisecond, Latency: 20, Pause: 5}
	srv, err := talk.Serve(ServerConfig{Seed: 1, FailFirst: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if os.Getenv(EnvURL) != srv.URL() {
		t.Fatalf("$%s = %q, want %q", EnvURL, os.Getenv(EnvURL), srv.URL())
	}
	start := time.Now()
	day, err := talk.Fetch(context.Background(), "2020-01-01")
	took := time.Since(start)
	if err != nil || day.Attempts != 2 || day.Stations == 0 {
		t.Fatalf("Fetch = %+v, %v", day, err)
	}
	// Two answers of 20 ms, a retry after 1 talk second (±50 %) and a pause of 5 ms.
	if took < 45*time.Millisecond {
		t.Errorf("Fetch took %v, less than its latencies and pause", took)
	}
	if c := talk.Client(); c.MaxInterval != 10*time.Millisecond || c.Pause != 5*time.Millisecond {
		t.Errorf("client at the talk's pace: %+v", c)
	}
}

func TestRecoveredCountsWhatRetriesBroughtBack(t *testing.T) {
	clean := []DayResult{{Date: "a", Readings: 10, Mean: 27}, {Date: "b", Readings: 10, Mean: 28}, {Date: "c", Readings: 10, Mean: 29}}
	faulty := []DayResult{{Date: "a", Readings: 10, Mean: 27, Attempts: 3}, {}, {Date: "c", Readings: 9, Mean: 29, Attempts: 1}}
	if got, want := Recovered(clean, faulty), (Recovery{Days: 3, Fetched: 2, Same: 1, Retries: 2}); got != want {
		t.Errorf("Recovered = %+v, want %+v", got, want)
	}
	if n := (Stats{Faults: map[Fault]int{Fault503: 2, FaultDrop: 3}}).Injected(); n != 5 {
		t.Errorf("Injected = %d", n)
	}
	if l := (Talk{Second: time.Millisecond, Latency: 8, Pause: 2}).Limit(100, 40); l != 30*time.Millisecond {
		t.Errorf("Limit(100, 40) = %v, want 3 rounds of 10 ms", l)
	}
}
