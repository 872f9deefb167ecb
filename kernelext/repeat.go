package kernelext

import "fmt"

// inTurn runs each of n subjects (strategies, worker counts) warmup times untimed, then
// repeat timed runs taken in turn, one of each subject per round, so that a slow moment of
// the machine does not land on one subject only. runOnce runs subject i, says how it went
// in what ("warm-up 1/1", "run 2/3"), and returns false to stop everything.
func inTurn(n, warmup, repeat int, runOnce func(i int, timed bool, what string) bool) {
	for i := range n {
		for w := range warmup {
			if !runOnce(i, false, fmt.Sprintf("warm-up %d/%d", w+1, warmup)) {
				return
			}
		}
	}
	for r := range repeat {
		for i := range n {
			if !runOnce(i, true, fmt.Sprintf("run %d/%d", r+1, repeat)) {
				return
			}
		}
	}
}
