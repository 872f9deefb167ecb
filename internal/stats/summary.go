package stats

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"
)

// Confidence is the confidence level of the intervals [Summarize] computes, as
// benchstat's default.
const Confidence = 0.95

// Summary describes one sample (the repetitions of one measurement) as benchstat does:
// its median and the distribution-free confidence interval of the median.
type Summary struct {
	// N is the number of values summarized (NaNs are not counted).
	N int
	// Median is the sample's median; NaN when N is 0.
	Median float64
	// Lo and Hi bound the confidence interval of the median. When N is too small for
	// an interval at level Confidence (N < 6 at 95 %), Lo is -Inf or Hi is +Inf (or
	// both; n=5 gives [-Inf, max]) and Warning says so, as benchstat does, rather than
	// guess.
	Lo, Hi float64
	// Confidence is the interval's actual level, at least the one asked for when the
	// interval is finite (for N = 6, 0.969: the interval is then [min, max]).
	Confidence float64
	// Warning is "" or why the interval is infinite, e.g. "need >= 6 samples for
	// confidence interval at level 0.95", or that the sample is empty.
	Warning string
}

// Summarize is [benchmath.AssumeNothing]'s summary of xs at 95 % confidence: the median
// and the confidence interval of the median, bounded by two order statistics of xs
// (ties are no problem: bounds may equal the median). NaN values are dropped first. An
// empty sample gives N = 0, a NaN median, an infinite interval and a warning. xs is not
// modified.
func Summarize[T Number](xs []T) Summary {
	return summarize(withoutNaN(xs), Confidence)
}

func summarize(values []float64, confidence float64) Summary {
	if len(values) == 0 {
		return Summary{Median: math.NaN(), Lo: math.Inf(-1), Hi: math.Inf(1), Confidence: 1, Warning: "no values"}
	}
	th := benchmath.DefaultThresholds
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &th), confidence)
	out := Summary{N: len(values), Median: s.Center, Lo: s.Lo, Hi: s.Hi, Confidence: s.Confidence}
	if len(s.Warnings) > 0 {
		out.Warning = s.Warnings[0].Error()
	}
	return out
}

// HasCI reports whether the confidence interval is finite.
func (s Summary) HasCI() bool { return !math.IsInf(s.Lo, 0) && !math.IsInf(s.Hi, 0) }

// RangePercent is benchstat's "± x%" figure: how far the interval reaches from the
// median, as a percentage of it ("4%"). It is "∞" without an interval, "?" when the
// interval crosses zero, "0%" when all values are 0.
func (s Summary) RangePercent() string {
	return benchmath.Summary{Center: s.Median, Lo: s.Lo, Hi: s.Hi}.PctRangeString()
}

// String is benchstat's cell, "1.234 ± 4%" (the median with up to four significant
// digits, in the caller's unit), "1.234 ± ∞" without an interval, "no values" for an empty sample.
func (s Summary) String() string {
	if s.N == 0 {
		return "no values"
	}
	return fmt.Sprintf("%.4g ± %s", s.Median, s.RangePercent())
}
