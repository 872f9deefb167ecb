package airtemp

import (
	"context"
	"os"
	"time"
)

// EnvURL names the environment variable through which [Talk] tells its clients where the
// local server listens: worker processes of kernelext re-run the program without its main,
// but they inherit its environment.
const EnvURL = "SPEEDUP_AIRTEMP_URL"

// Talk is the talk's network experiment at a chosen pace: the same requests, retries and
// pauses, with one of the talk's seconds lasting Second here (the talk: time.Second; a
// notebook: a few milliseconds).
type Talk struct {
	Second  time.Duration // how long one of the talk's seconds lasts; 0 means time.Second
	Latency float64       // how long the server takes to answer, in talk seconds (the talk: about 8.8)
	Pause   float64       // the pause after each answer, in talk seconds (the talk's time.sleep(1))
}

// Seconds converts talk seconds to this experiment's time.
func (t Talk) Seconds(s float64) time.Duration {
	second := t.Second
	if second <= 0 {
		second = time.Second
	}
	return time.Duration(s * float64(second))
}

// Client is the talk's client at this pace: it asks the server whose address is in
// $SPEEDUP_AIRTEMP_URL (set by [Talk.Serve]), waits 1 talk second before the first retry,
// doubling up to 10, gives up after 8 attempts, and pauses [Talk.Pause] after each answer.
func (t Talk) Client() *Client {
	return &Client{
		BaseURL:         os.Getenv(EnvURL),
		InitialInterval: t.Seconds(1),
		MaxInterval:     t.Seconds(10),
		MaxAttempts:     8,
		Pause:           t.Seconds(t.Pause),
	}
}

// Fetch is [Talk.Client]'s Fetch, shaped as a task for package kernelext:
//
//	var fetchDay = kernelext.NewTask("fetch day", talk.Fetch)
func (t Talk) Fetch(ctx context.Context, date string) (DayResult, error) {
	return t.Client().Fetch(ctx, date)
}

// Serve starts a local API server that answers in [Talk.Latency] talk seconds, with the
// faults of cfg (its Latency is replaced), and points this program's clients and those of
// its worker processes at it ($SPEEDUP_AIRTEMP_URL). Close the server when done.
func (t Talk) Serve(cfg ServerConfig) (*Server, error) {
	cfg.Latency = t.Seconds(t.Latency)
	srv, err := Start(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.Setenv(EnvURL, srv.URL()); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}
