// Package stats turns repeated timings into verdicts: the median of a sample with its
// 95 % confidence interval, a Mann-Whitney U test against a baseline with benchstat's
// "-45.21% (p=0.008 n=5+5)" or "~", how many repetitions a time budget allows (like
// IPython's %timeit), a warning when runs disagree wildly, and exports that benchstat,
// spreadsheets and scripts read.
//
// The statistics are those of golang.org/x/perf/benchmath with its AssumeNothing
// assumption, the ones benchstat prints, so a table in a notebook and benchstat run on
// the exported results agree. The package only computes: it measures nothing and draws
// nothing.
//
// Samples are slices in the caller's unit (a []time.Duration is in nanoseconds). No
// function modifies its input. NaN values are dropped by [Summarize] and [Compare] and
// make [Median], [Min] and [Max] return NaN.
package stats
