package kernelext

import (
	"fmt"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
)

// inTurn runs each of n subjects (strategies, worker counts) warmup times untimed, then
// timed runs taken in turn, one of each subject per round, so that a slow moment of the
// machine does not land on one subject only. runOnce runs subject i, says how it went in
// what ("warm-up 1/1", "run 2/3"), and returns false to stop everything. planned, if not
// nil, learns how many runs there are in all once that is known.
//
// repeat rounds are timed; when repeat is 0 the count is planned like %timeit from how
// long a run took, the warm-ups' (or, with none, the first timed round's): enough runs for
// a verdict within stats.DefaultBudget. inTurn returns the plan's note for the reader, ""
// when there is nothing to say.
func inTurn(n, warmup, repeat int, runOnce func(i int, timed bool, what string) bool, planned func(runs int)) (note string) {
	var spent time.Duration
	var runs int
	timedOnce := func(i int, timed bool, what string) bool {
		start := time.Now()
		ok := runOnce(i, timed, what)
		spent += time.Since(start)
		runs++
		return ok
	}
	for i := range n {
		for w := range warmup {
			if !timedOnce(i, false, fmt.Sprintf("warm-up %d/%d", w+1, warmup)) {
				return ""
			}
		}
	}
	rounds, first := repeat, 0
	if repeat == 0 && warmup == 0 {
		// Nothing timed yet: the first round tells how long a run takes.
		for i := range n {
			if !timedOnce(i, true, "run 1") {
				return ""
			}
		}
		first = 1
	}
	if repeat == 0 {
		plan := stats.Policy{}.Plan(spent/time.Duration(max(runs, 1)), n)
		rounds, note = plan.Runs, plan.Note
	}
	if planned != nil {
		planned(n * (warmup + rounds))
	}
	for r := first; r < rounds; r++ {
		for i := range n {
			if !runOnce(i, true, fmt.Sprintf("run %d/%d", r+1, rounds)) {
				return note
			}
		}
	}
	return note
}
