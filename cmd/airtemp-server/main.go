// Command airtemp-server serves the synthetic air-temperature API of package
// airtemp on the loopback interface, a stand-in for data.gov.sg that works
// offline, with the latency and the faults you ask for:
//
//	airtemp-server -latency 200ms -jitter 100ms -error-rate 0.05 -429-rate 0.02
//	curl 'http://127.0.0.1:8080/v1/environment/air-temperature?date=2020-01-01'
//
// It prints its URL, and its counts when it stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/speedup-go/speedup/workloads/airtemp"
)

func main() {
	var cfg airtemp.ServerConfig
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	flag.DurationVar(&cfg.Resolution, "resolution", airtemp.DefaultResolution, "time between two items of a day (the real API: 1m)")
	flag.DurationVar(&cfg.Latency, "latency", 0, "time before each answer")
	flag.DurationVar(&cfg.Jitter, "jitter", 0, "extra time before each answer, uniform in [0, jitter)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of latencies and faults")
	flag.Float64Var(&cfg.ErrorRate, "error-rate", 0, "share of answers that are 500, 502 or 503")
	flag.Float64Var(&cfg.TooManyRate, "429-rate", 0, "share of answers that are 429 Too Many Requests")
	flag.Float64Var(&cfg.DropRate, "drop-rate", 0, "share of connections closed mid-headers")
	flag.Float64Var(&cfg.TruncateRate, "truncate-rate", 0, "share of connections closed mid-body")
	flag.Float64Var(&cfg.SlowRate, "slow-rate", 0, "share of bodies trickled over -slow-body")
	flag.IntVar(&cfg.FailFirst, "fail-first", 0, "fail the first N requests of every date with -fail-with")
	failWith := flag.String("fail-with", "503", "fault of the -fail-first requests: 500, 502, 503, 429, drop, truncate or slow")
	flag.DurationVar(&cfg.RetryAfter, "retry-after", 0, "Retry-After of a 429 (default 1s)")
	flag.DurationVar(&cfg.SlowBody, "slow-body", 0, "how long a slow body takes (default 2s)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: airtemp-server [flags]\n\nServes the synthetic data.gov.sg air-temperature API, %s?date=YYYY-MM-DD.\n\n", airtemp.Path)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}

	for f := airtemp.Fault500; f <= airtemp.FaultSlow; f++ {
		if f.String() == *failWith {
			cfg.FailWith = f
		}
	}
	if cfg.FailWith == airtemp.NoFault {
		fmt.Fprintf(os.Stderr, "airtemp-server: -fail-with %q is not a fault\n", *failWith)
		os.Exit(2)
	}

	srv, err := airtemp.Start(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("serving %s\ntry: curl '%s%s?date=%s'\n", srv.URL(), srv.URL(), airtemp.Path, airtemp.DefaultStart)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	<-ctx.Done()
	stop()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	st := srv.Stats()
	counts, _ := json.Marshal(struct {
		Requests, OK, Rejected int
		Faults                 any
		Dates                  int
	}{st.Requests, st.OK, st.Rejected, st.Faults, len(st.Attempts)})
	fmt.Printf("stopped: %s\n", counts)
}
