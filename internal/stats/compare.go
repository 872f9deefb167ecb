package stats

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"
)

// Alpha is the significance level [Compare] uses, as benchstat's default: a difference
// is reported when the p-value is at most Alpha.
const Alpha = 0.05

// Comparison is the Mann-Whitney U test of a sample against a baseline, as benchstat
// runs it ([benchmath.AssumeNothing]).
type Comparison struct {
	// Base and New summarize the baseline and the compared sample.
	Base, New Summary
	// P is the two-sided p-value of the hypothesis that both samples come from the
	// same distribution: exact for up to 50 values a side (25 with ties), from the
	// normal approximation beyond. It is 1 when the test cannot run (an empty
	// sample, or every value of both samples equal).
	P float64
	// Alpha is the significance level: the difference is significant when P <= Alpha.
	Alpha float64
	// Delta is the relative change of the medians, New/Base - 1 (-0.45 is 45 % less
	// time), whether or not it is significant. NaN when a sample is empty or the
	// baseline median is 0 (0 when both medians are 0).
	Delta float64
	// Warning is "" or why the verdict is "?": a sample is empty, or n1+n2 runs can
	// never reach P <= Alpha however different the runs are (3+3 at 0.05: the
	// smallest possible p is 0.100).
	Warning string
}

// Compare tests sample x against baseline base at significance level [Alpha]. NaN
// values are dropped first; ties are handled by the test (benchmath's exact tie-aware
// distribution). Neither slice is modified.
func Compare[T Number](base, x []T) Comparison { return CompareAlpha(base, x, Alpha) }

// CompareAlpha is [Compare] at significance level alpha; an alpha outside (0, 1) means
// [Alpha].
func CompareAlpha[T Number](base, x []T, alpha float64) Comparison {
	if alpha <= 0 || alpha >= 1 {
		alpha = Alpha
	}
	b, n := withoutNaN(base), withoutNaN(x)
	c := Comparison{Base: summarize(b, Confidence), New: summarize(n, Confidence), P: 1, Alpha: alpha, Delta: math.NaN()}
	n1, n2 := len(b), len(n)
	switch {
	case n1 == 0 || n2 == 0:
		c.Warning = fmt.Sprintf("no runs to compare (n=%d+%d)", n1, n2)
		return c
	case c.Base.Median == c.New.Median:
		c.Delta = 0
	case c.Base.Median != 0:
		c.Delta = c.New.Median/c.Base.Median - 1
	}
	th := benchmath.Thresholds{CompareAlpha: alpha}
	// NewSample sorts in place: b and n are our own copies.
	r := benchmath.AssumeNothing.Compare(benchmath.NewSample(b, &th), benchmath.NewSample(n, &th))
	c.P = r.P
	if minP := MinP(n1, n2); minP > alpha {
		need := MinRuns(alpha)
		c.Warning = fmt.Sprintf("%d+%d runs can never show a difference at alpha=%g (the smallest possible p is %.3f): need %d+%d", n1, n2, alpha, minP, need, need)
	}
	return c
}

// N1 is the size of the baseline sample, NaNs excluded.
func (c Comparison) N1() int { return c.Base.N }

// N2 is the size of the compared sample, NaNs excluded.
func (c Comparison) N2() int { return c.New.N }

// Significant reports whether the samples differ at level Alpha (P <= Alpha).
func (c Comparison) Significant() bool { return c.P <= c.Alpha && c.Base.N > 0 && c.New.N > 0 }

// Decidable reports whether the sample sizes allow a significant result at all; when
// they do not, the verdict is "?".
func (c Comparison) Decidable() bool {
	return c.Base.N > 0 && c.New.N > 0 && MinP(c.Base.N, c.New.N) <= c.Alpha
}

// Verdict is the delta column of benchstat: the change of the median as a signed
// percentage ("-45.21%", "0.00%" when the distributions differ but not their medians)
// when significant, "~" when not, and "?" when it cannot be told
// (too few runs for significance at Alpha, an empty sample, or a significant change from
// a zero median).
func (c Comparison) Verdict() string {
	switch {
	case !c.Decidable():
		return "?"
	case !c.Significant():
		return "~"
	case math.IsNaN(c.Delta):
		return "?"
	case c.Delta == 0:
		return "0.00%"
	}
	return fmt.Sprintf("%+.2f%%", 100*c.Delta)
}

// String is the verdict with its evidence, as benchstat prints it but always with both
// sample sizes: "-45.21% (p=0.008 n=5+5)", "~ (p=0.310 n=5+5)", "? (p=0.100 n=3+3)",
// "? (n=0+5)" when a sample is empty.
func (c Comparison) String() string {
	if c.Base.N == 0 || c.New.N == 0 {
		return fmt.Sprintf("%s (n=%d+%d)", c.Verdict(), c.Base.N, c.New.N)
	}
	return fmt.Sprintf("%s (p=%.3f n=%d+%d)", c.Verdict(), c.P, c.Base.N, c.New.N)
}

// MinP is the smallest two-sided p-value the Mann-Whitney U test can give for samples of
// n1 and n2 values, reached when they do not overlap at all: 2 / C(n1+n2, n1), at most 1.
// MinP(5, 5) = 2/252 = 0.0079, MinP(3, 3) = 0.1. It is 1 when n1 or n2 is 0.
func MinP(n1, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	// C(n1+n2, n1) as a float: exact while it fits in 53 bits, and when it does not
	// the p-value is far below any alpha anyway.
	c := 1.0
	for i := 1; i <= min(n1, n2); i++ {
		c = c * float64(max(n1, n2)+i) / float64(i)
	}
	return min(1, 2/c)
}

// MinRuns is the smallest number of runs per side for which the Mann-Whitney U test can
// be significant at level alpha: 4 for 0.05 (4+4 can reach p=0.029; 3+3 at best 0.100),
// 5 for 0.01. It is 1 for alpha >= 1 and at most 64 (reached for alpha near 0).
func MinRuns(alpha float64) int {
	for n := 1; n < 64; n++ {
		if MinP(n, n) <= alpha {
			return n
		}
	}
	return 64
}
