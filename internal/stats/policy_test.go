package stats

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyPlan(t *testing.T) {
	const ms = time.Millisecond
	for _, c := range []struct {
		name       string
		policy     Policy
		run        time.Duration
		strategies int
		runs       int
		verdict    bool
		ci         bool
		note       string // a part of the note; "" means no note
	}{
		// The default policy: 3 s for all timed runs, at most 10 each, alpha 0.05 (a
		// verdict needs 4 runs a side, an interval of the median 6).
		{"cheap runs hit the cap", Policy{}, 1 * ms, 3, 10, true, true, ""},
		{"unmeasurable runs hit the cap", Policy{}, 0, 3, 10, true, true, ""},
		{"10 rounds fit exactly", Policy{}, 100 * ms, 3, 10, true, true, ""},
		{"6 rounds fit", Policy{}, 150 * ms, 3, 6, true, true, ""},
		{"5 rounds: verdict, no interval", Policy{}, 200 * ms, 3, 5, true, false, "no 95 % interval"},
		{"4 rounds: just a verdict", Policy{}, 250 * ms, 3, 4, true, false, "no 95 % interval"},
		{"3 fit, 4 in 1.5x budget", Policy{}, 300 * ms, 3, 4, true, false, "over the 3s budget"},
		{"4 rounds take exactly 1.5x", Policy{}, 375 * ms, 3, 4, true, false, "over the 3s budget"},
		{"beyond grace: 2 runs, no verdict", Policy{}, 400 * ms, 3, 2, false, false, `verdicts will be "?"`},
		{"1 s runs: 1 each", Policy{}, time.Second, 3, 1, false, false, "allows 1 run each"},
		{"longer than the budget: still 1", Policy{}, 5 * time.Second, 3, 1, false, false, "takes 15s, more than the 3s budget: 1 run each"},
		{"one strategy", Policy{}, 500 * ms, 1, 6, true, true, ""},
		{"two strategies", Policy{}, 500 * ms, 2, 4, true, false, "over the 3s budget"},
		{"no strategies counts as one", Policy{}, 500 * ms, 0, 6, true, true, ""},
		{"bigger budget", Policy{Budget: 30 * time.Second}, time.Second, 3, 10, true, true, ""},
		{"bigger cap", Policy{MaxRuns: 20}, 10 * ms, 3, 20, true, true, ""},
		{"cap below a verdict", Policy{MaxRuns: 3}, 10 * ms, 3, 3, false, false, "(the cap) are too few"},
		{"stricter alpha needs 5", Policy{Alpha: 0.01}, 250 * ms, 3, 5, true, false, "over the 3s budget"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.policy.Plan(c.run, c.strategies)
			if p.Runs != c.runs || p.Verdict != c.verdict || p.CI != c.ci {
				t.Errorf("Plan(%v, %d) = %d runs (verdict %v, CI %v), want %d (%v, %v); note %q",
					c.run, c.strategies, p.Runs, p.Verdict, p.CI, c.runs, c.verdict, c.ci, p.Note)
			}
			if c.note == "" && p.Note != "" || !strings.Contains(p.Note, c.note) {
				t.Errorf("note %q, want one with %q", p.Note, c.note)
			}
			if want := c.run * time.Duration(max(c.strategies, 1)*c.runs); p.Estimate != want {
				t.Errorf("estimate %v, want %v", p.Estimate, want)
			}
		})
	}
}

func TestPolicyNoteReads(t *testing.T) {
	got := Policy{}.Plan(time.Second, 3).Note
	want := `one run of each of 3 strategies takes 3s: the 3s budget allows 1 run each, too few for a verdict (4 needed, about 12s): verdicts will be "?"`
	if got != want {
		t.Errorf("note\n%s\nwant\n%s", got, want)
	}
}
