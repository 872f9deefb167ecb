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
