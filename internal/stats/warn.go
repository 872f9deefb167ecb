package stats

import (
	"fmt"
	"time"
)

// Thresholds of [RunWarning].
const (
	// SpreadRatio is how many times longer than the fastest run the slowest may take
	// before the runs are said to disagree. It is IPython's %timeit threshold: %timeit
	// compares repetitions of about 0.2 s, each an average over many calls, as
	// comparable to our runs of a whole job (10 ms to seconds) as timings get. On a
	// 2-core machine of this project busy with other builds (load 9), 20 sets of 10
	// runs of 11–65 ms jobs (sequential, goroutine pools, sleeps) had their slowest
	// run 1.4 to 47 times the fastest: 4 flagged the 6 worst sets, where 2 would have
	// flagged 16 and taught the reader to ignore the warning.
	SpreadRatio = 4
	// FirstRunRatio is how many times longer than the median of the other runs the
	// first timed run may take, when it is also the slowest, before it is said to
	// have been cold. hyperfine flags the same case (with a modified z-score, which
	// on 5 tightly clustered runs fires for a first run 5 % slower); a ratio says
	// plainly what happened. In the measurements above, the first run took at most
	// 1.6 times the median of the rest in 19 sets of 20, and 2.7 times in one.
	FirstRunRatio = 2
)

// RunWarning says, in one or two sentences, when the timed runs of one strategy disagree
// wildly, or "" when they do not. runs must be in the order they ran. Two cases, the
// first taking precedence:
//
//   - the first run is the slowest and took at least [FirstRunRatio] times the median
//     of the others (needs 3 runs or more): it was cold, as hyperfine reports;
//   - the slowest run took at least [SpreadRatio] times as long as the fastest and
//     more than 1 µs (%timeit's rule): something was cached, or the machine was busy.
//
// Fewer than 2 runs, or a fastest run <= 0, give "". runs is not modified.
func RunWarning(runs []time.Duration) string {
	if len(runs) < 2 {
		return ""
	}
	fastest, slowest := Min(runs), Max(runs)
	if len(runs) >= 3 && runs[0] == slowest {
		if rest := Median(runs[1:]); rest > 0 && float64(runs[0]) >= FirstRunRatio*float64(rest) {
			return fmt.Sprintf("The first run took %.1f times as long as the median of the others (%s vs %s). "+
				"Caches, lazy initialization or workers may not have been warm until after it: consider more warm-up runs.",
				float64(runs[0])/float64(rest), roundDuration(runs[0]), roundDuration(rest))
		}
	}
	if fastest > 0 && slowest > time.Microsecond && float64(slowest) >= SpreadRatio*float64(fastest) {
		return fmt.Sprintf("The slowest run took %.1f times longer than the fastest (%s vs %s). "+
			"This could mean that an intermediate result is being cached, or that the machine was busy: the median is less trustworthy.",
			float64(slowest)/float64(fastest), roundDuration(slowest), roundDuration(fastest))
	}
	return ""
}
