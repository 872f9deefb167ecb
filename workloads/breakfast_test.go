package workloads

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMakeBreakfast(t *testing.T) {
	k := Kitchen{Minute: 2 * time.Millisecond}
	tests := []struct {
		name    string
		async   bool
		minutes float64 // the talk's total
	}{
		{"synchronous", false, 9},
		{"asynchronous", true, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := k.MakeBreakfast(context.Background(), tt.async)
			if err != nil {
				t.Fatalf("MakeBreakfast error: %v", err)
			}
			// Sleeps never end early, but a busy machine may end them late: bound the total
			// by the steps' own measured durations rather than by the clock.
			if got := k.TalkMinutes(b.Total); got < tt.minutes {
				t.Errorf("total = %.2f minutes, want at least %v", got, tt.minutes)
			}
			var sum time.Duration
			for _, s := range b.Steps {
				sum += s.End - s.Start
			}
			if tt.async && b.Total >= sum {
				t.Errorf("asynchronous breakfast took %v, no less than its steps one after the other (%v)", b.Total, sum)
			}
			if !tt.async && b.Total < sum {
				t.Errorf("synchronous breakfast took %v, less than its steps one after the other (%v)", b.Total, sum)
			}
			wantSteps := []struct {
				name, who string
				minutes   float64
			}{{"brew coffee", "coffee machine", BrewMinutes}, {"toast slice 1", "toaster", ToastMinutes}, {"toast slice 2", "toaster", ToastMinutes}}
			if want := map[bool]string{false: "synchronous", true: "asynchronous"}[tt.async]; b.Name != want {
				t.Errorf("breakfast named %q, want %q", b.Name, want)
			}
			if len(b.Steps) != len(wantSteps) {
				t.Fatalf("steps = %+v, want %d", b.Steps, len(wantSteps))
			}
			for i, w := range wantSteps {
				s := b.Steps[i]
				if s.Name != w.name || s.Who != w.who {
					t.Errorf("step %d is %q by %q, want %q by %q", i, s.Name, s.Who, w.name, w.who)
				}
				if got := k.TalkMinutes(s.End - s.Start); got < w.minutes {
					t.Errorf("%s took %.2f minutes, want at least %v", s.Name, got, w.minutes)
				}
				if s.Start < 0 || s.End > b.Total {
					t.Errorf("%s runs %v..%v, outside breakfast 0..%v", s.Name, s.Start, s.End, b.Total)
				}
			}
			brew, toast1, toast2 := b.Steps[0], b.Steps[1], b.Steps[2]
			if overlaps(toast1, toast2) {
				t.Errorf("one toaster toasted two slices at once: %+v, %+v", toast1, toast2)
			}
			if got := overlaps(brew, toast1) && overlaps(brew, toast2); got != tt.async {
				t.Errorf("toasting while brewing = %v, want %v; steps %+v", got, tt.async, b.Steps)
			}
			if !tt.async && (toast1.Start < brew.End || toast2.Start < toast1.End) {
				t.Errorf("synchronous steps overlap: %+v", b.Steps)
			}
		})
	}
}

// overlaps reports whether a and b were under way at the same time.
func overlaps(a, b Step) bool {
	return a.Start < b.End && b.Start < a.End
}

func TestMakeBreakfastCancelled(t *testing.T) {
	// A 500 ms minute makes breakfast take seconds unless cancellation works.
	k := Kitchen{Minute: 500 * time.Millisecond}
	tests := []struct {
		name     string
		async    bool
		timeout  time.Duration // 0: cancelled before starting
		want     error
		wantStep string
	}{
		{"synchronous, cancelled before", false, 0, context.Canceled, "brew coffee"},
		{"asynchronous, cancelled before", true, 0, context.Canceled, "brew coffee"},
		{"synchronous, deadline while brewing", false, 10 * time.Millisecond, context.DeadlineExceeded, "brew coffee"},
		{"asynchronous, deadline while toasting", true, 10 * time.Millisecond, context.DeadlineExceeded, "brew coffee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			if tt.timeout > 0 {
				ctx, cancel = context.WithTimeout(context.Background(), tt.timeout)
			} else {
				cancel()
			}
			defer cancel()
			start := time.Now()
			b, err := k.MakeBreakfast(ctx, tt.async)
			if elapsed := time.Since(start); elapsed > 250*time.Millisecond {
				t.Errorf("returned after %v, want promptly", elapsed)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantStep) {
				t.Errorf("error %q does not name %q", err, tt.wantStep)
			}
			if len(b.Steps) != 0 {
				t.Errorf("finished steps = %+v, want none", b.Steps)
			}
		})
	}
}
