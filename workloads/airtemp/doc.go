// Package airtemp is the talk's network I/O case: a day of Singapore air
// temperatures from the data.gov.sg API, fetched with retry and exponential
// backoff, and a local [Server] that stands in for that API.
//
// The talk asked GET /v1/environment/air-temperature?date=YYYY-MM-DD for 100
// consecutive days, paused 1 s after each answer and retried failures with
// exponential backoff (1 s growing to at most 10 s): 977.88 s one day after the
// other, 46.83 s on a ThreadPoolExecutor of 40 threads. Here [Client.Fetch] is
// one such request, shaped as a task for package kernelext,
//
//	c := &airtemp.Client{BaseURL: srv.URL(), Pause: time.Second}
//	fetch := kernelext.NewTask("fetch", c.Fetch)
//	run, err := kernelext.Map(ctx, kernelext.Goroutines(40), fetch, airtemp.Dates("", 100))
//
// and [Dates] lists the days. That Client, set up at run time, serves
// kernelext.Goroutines; worker processes of kernelext.Processes re-execute the
// program and see only package-level state and the environment, so for them
// create the task at package level and pass the server's URL in an environment
// variable, as notebooks/02_network_io.ipynb does. [Client.Day] returns the
// decoded [Response];
// [Client.Fetch] sums it up as a [DayResult], which also says how many attempts
// the day took and why the failed ones failed.
//
// # Offline by design
//
// Nothing here reaches the internet unless asked to: a [Client] has no default
// address, and tests, benchmarks and notebooks always point it at a [Server] on
// 127.0.0.1, which serves the same JSON shape with deterministic synthetic
// readings ([SyntheticDay]) after a configurable latency, and injects faults
// (5xx, 429 with Retry-After, connections dropped mid-response, bodies
// trickled slowly) at configurable rates, deterministically per date and
// attempt. Setting BaseURL to [DataGovSG] asks the real API, if it is there.
//
// The command cmd/airtemp-server serves the same synthetic API from a terminal.
package airtemp
