package stats

import (
	"fmt"
	"math"
	"time"
)

// Defaults of a zero [Policy].
const (
	// DefaultBudget is the time the timed runs of one comparison may take, all
	// strategies together: short enough for a live demo, long enough for 10 runs of
	// a 100 ms job under 3 strategies.
	DefaultBudget = 3 * time.Second
	// DefaultMaxRuns caps the repetitions per strategy when runs are cheap: 10 gives a
	// 95 % interval of the median between the 2nd and 9th fastest runs, and more buys
	// little for a notebook.
	DefaultMaxRuns = 10
	// Grace is how far over budget a plan may go to reach the fewest runs that allow a
	// verdict: when those fit in Grace × budget, they are worth the wait; past that,
	// the budget wins and the verdicts are "?".
	Grace = 1.5
)

// Policy picks the number of timed repetitions of a comparison when the user gives none,
// as IPython's %timeit picks its loop count: from a time budget and how long one run
// took during the warm-up. The zero Policy uses [DefaultBudget], [DefaultMaxRuns] and
// [Alpha].
type Policy struct {
	// Budget is the time all timed runs of all strategies may take; <= 0 means
	// DefaultBudget.
	Budget time.Duration
	// MaxRuns caps the runs per strategy; <= 0 means DefaultMaxRuns. A cap below
	// MinRuns(Alpha) is obeyed, and the plan says the verdicts will be "?".
	MaxRuns int
	// Alpha is the significance level the verdicts will use; <= 0 or >= 1 means Alpha.
	Alpha float64
}

// Plan is a [Policy]'s decision.
type Plan struct {
	// Runs is the number of timed repetitions per strategy, at least 1.
	Runs int
	// Estimate is how long those runs should take: Runs × run × strategies (0 when
	// the run's duration was unknown).
	Estimate time.Duration
	// Verdict reports whether Runs per side allows a significant verdict against the
	// baseline ([MinRuns]); when false every verdict will be "?".
	Verdict bool
	// CI reports whether Runs gives a finite 95 % confidence interval of the median
	// ([CIRuns]).
	CI bool
	// Note is "" or one sentence for the reader: why there are too few runs for a
	// verdict or an interval, or that the plan goes over budget to reach a verdict.
	Note string
}

// Plan decides the repetitions for strategies strategies (the baseline included) whose
// single run takes run, as measured during the warm-up; when the strategies differ, pass
// the mean of their warm-up runs, so that run × strategies is what one round-robin round
// of timed runs costs. The rule, in order:
//
//   - as many rounds as fit in the budget, at most MaxRuns;
//   - if that is fewer than MinRuns(Alpha) (4 at 0.05), MinRuns rounds when they fit in
//     [Grace] × budget: a verdict is worth a short overrun;
//   - otherwise as many as fit, and at least 1: every strategy runs once, however long.
//
// A run <= 0 (not measured, or too fast for the clock) gives MaxRuns; strategies < 1
// counts as 1. Plan is a pure function of its arguments.
func (p Policy) Plan(run time.Duration, strategies int) Plan {
	budget, maxRuns, alpha := p.Budget, p.MaxRuns, p.Alpha
	if budget <= 0 {
		budget = DefaultBudget
	}
	if maxRuns <= 0 {
		maxRuns = DefaultMaxRuns
	}
	if alpha <= 0 || alpha >= 1 {
		alpha = Alpha
	}
	strategies = max(strategies, 1)
	need, needCI := MinRuns(alpha), CIRuns(Confidence)

	round := run * time.Duration(strategies)
	if run <= 0 || round/time.Duration(strategies) != run { // unknown, or overflow
		round = 0
	}
	n := maxRuns
	if round > 0 {
		n = int(min(int64(budget/round), int64(maxRuns)))
	}
	overrun := false
	if n < need && need <= maxRuns && float64(need)*float64(round) <= Grace*float64(budget) {
		n, overrun = need, true
	}
	n = max(n, 1)

	plan := Plan{Runs: n, Estimate: round * time.Duration(n), Verdict: n >= need, CI: n >= needCI}
	perRound := fmt.Sprintf("one run of each of %d strategies takes %s", strategies, roundDuration(round))
	if strategies == 1 {
		perRound = fmt.Sprintf("one run takes %s", roundDuration(round))
	}
	switch {
	case overrun:
		plan.Note = fmt.Sprintf("%s: %d runs each, about %s, go over the %s budget because fewer can never show a significant difference",
			perRound, n, roundDuration(plan.Estimate), roundDuration(budget))
	case !plan.Verdict && n == maxRuns:
		plan.Note = fmt.Sprintf("%d runs each (the cap) are too few for a verdict at alpha=%g: %d are needed, verdicts will be \"?\"", n, alpha, need)
	case !plan.Verdict && round > budget:
		plan.Note = fmt.Sprintf("%s, more than the %s budget: 1 run each, too few for a verdict (%d needed, about %s): verdicts will be \"?\"",
			perRound, roundDuration(budget), need, roundDuration(round*time.Duration(need)))
	case !plan.Verdict:
		plan.Note = fmt.Sprintf("%s: the %s budget allows %d run%s each, too few for a verdict (%d needed, about %s): verdicts will be \"?\"",
			perRound, roundDuration(budget), n, plural(n), need, roundDuration(round*time.Duration(need)))
	case !plan.CI:
		plan.Note = fmt.Sprintf("%d runs each allow a verdict but no %g %% interval of the median (%d runs needed)", n, 100*Confidence, needCI)
	}
	return plan
}

// CIRuns is the smallest sample for which [Summarize]'s interval of the median is finite
// at the given confidence level: the widest interval, from the fastest run to the
// slowest, holds the median with probability 1 - 2^(1-n). CIRuns(0.95) is 6.
func CIRuns(confidence float64) int {
	n := 1
	for n < 64 && 1-math.Pow(2, float64(1-n)) < confidence {
		n++
	}
	return n
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// roundDuration prints d with at most three significant digits ("3.6s", "450ms").
func roundDuration(d time.Duration) string {
	for _, unit := range []time.Duration{time.Second, time.Millisecond, time.Microsecond} {
		if d >= unit {
			r := unit / 100
			if d >= 10*unit {
				r = unit / 10
			}
			if d >= 100*unit {
				r = unit
			}
			return d.Round(max(r, 1)).String()
		}
	}
	return d.String()
}
