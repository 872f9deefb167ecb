// Package bench holds benchmarks that measure the project's workloads against
// what they ideally take; it has no code of its own, only tests.
//
// BenchmarkNetworkVsIdeal runs the talk's network I/O case, one request per
// day, against a local airtemp.Server with a fixed latency L and no faults, on
// W goroutines through kernelext.Map, and reports the wall time as a multiple
// of the ideal ceil(N/W)·L ("x-ideal") and the requests per second:
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/
package bench
