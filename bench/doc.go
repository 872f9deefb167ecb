// Package bench holds benchmarks that measure the project's workloads against
// what they ideally take, and against the talk's own Python; it has no code of
// its own, only tests.
//
// BenchmarkNetworkVsIdeal runs the talk's network I/O case, one request per
// day, against a local airtemp.Server with a fixed latency L and no faults,
// running in a process of its own, on W goroutines, and reports the wall time
// as a multiple of the ideal ceil(N/W)·L ("x-ideal") and of the roofline
// max(ceil(N/W)·L, N·(client + server CPU per request)/cores) measured in the
// same run ("x-roofline"), what one request alone takes beyond L ("lone-µs")
// and the wall time over the floor ceil(N/W)·(L + lone) ("x-floor"), each
// side's CPU per request, and Go's wall time over the talk's Python client's on
// the same days ("go/py"):
//
//	go test -run '^$' -bench 'NetworkVsIdeal/N=(100|1000)$/W=(40|100)$' -benchtime 5x ./bench/
//
// BenchmarkImagesGoVsPython resizes synthetic chest X-rays under every Go
// strategy, plain and optimized (xray/jpegdc), and with the talk's Python, plain and
// with Pillow's draft, on the same files, and reports images per second and the ratio
// of the best Go strategy to Python's ProcessPoolExecutor.
//
// BenchmarkOverheadGoVsPython measures what each strategy costs per task (20,000
// tasks that do nothing) beside Python's ThreadPoolExecutor and ProcessPoolExecutor.
//
// make bench runs all three three times; bench/table turns the output into one table
// of Go ÷ Python.
package bench
