package kernelext

import (
	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/internal/usage"
)

// resources is what one run used besides time: memory, and CPU over time.
type resources struct {
	sampler   *usage.Sampler // nil where sampling is not supported
	heap0     uint64
	samples   []usage.Sample
	peakRSS   int64  // of this process and its workers, in bytes
	allocated uint64 // bytes allocated by this process and its workers
}

// watchResources starts sampling the CPU and memory of this process and its workers.
func watchResources() *resources {
	r := &resources{heap0: usage.HeapAllocated()}
	r.sampler, _ = usage.Start(usage.DefaultInterval) // unsupported: no samples, no peak
	return r
}

// stop ends the sampling; workers is what the worker processes allocated.
func (r *resources) stop(workers uint64) {
	r.allocated = usage.HeapAllocated() - r.heap0 + workers
	if r.sampler != nil {
		rep := r.sampler.Stop()
		r.samples, r.peakRSS = rep.Samples, rep.PeakRSS
	}
}

// usageSamples converts samples for a chart.
func usageSamples(ss []usage.Sample) []charts.UsageSample {
	out := make([]charts.UsageSample, len(ss))
	for i, s := range ss {
		out[i] = charts.UsageSample{T: s.T.Seconds(), CPUCores: s.Cores, RSSBytes: float64(s.RSS)}
	}
	return out
}
