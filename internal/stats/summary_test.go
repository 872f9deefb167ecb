package stats

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// oneTo returns 1..n, shuffled, so that the tests see unsorted input.
func oneTo(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return xs
}

func TestSummarizeKnownIntervals(t *testing.T) {
	// The distribution-free interval of the median of n values is [x(k), x(n+1-k)],
	// holding the median with probability 1 - 2·P(Bin(n, 1/2) < k). Textbook values:
	// n=6: [x1, x6] at 1 - 2/64; n=10: [x2, x9] at 1 - 2·11/1024; n=20: [x6, x15]
	// at 1 - 2·21700/2^20 = 0.9586.
	for _, c := range []struct {
		n              int
		median, lo, hi float64
		confidence     float64
	}{
		{6, 3.5, 1, 6, 62.0 / 64},
		{10, 5.5, 2, 9, 1002.0 / 1024},
		{20, 10.5, 6, 15, 1 - 2*21700.0/(1<<20)},
	} {
		s := Summarize(oneTo(c.n))
		if s.N != c.n || s.Median != c.median || s.Lo != c.lo || s.Hi != c.hi || math.Abs(s.Confidence-c.confidence) > 1e-12 || s.Warning != "" {
			t.Errorf("n=%d: got %+v, want median %v in [%v, %v] at %v", c.n, s, c.median, c.lo, c.hi, c.confidence)
		}
		if !s.HasCI() {
			t.Errorf("n=%d: HasCI false", c.n)
		}
	}
}

func TestSummarizeTooFew(t *testing.T) {
	for n := 1; n < 6; n++ {
		s := Summarize(oneTo(n))
		if s.HasCI() || !(math.IsInf(s.Lo, -1) || math.IsInf(s.Hi, 1)) {
			t.Errorf("n=%d: interval [%v, %v], want an infinite bound", n, s.Lo, s.Hi)
		}
		if want := "need >= 6 samples for confidence interval at level 0.95"; s.Warning != want {
			t.Errorf("n=%d: warning %q, want %q", n, s.Warning, want)
		}
		if s.String() != Summarize(oneTo(n)).String() || s.RangePercent() != "∞" {
			t.Errorf("n=%d: RangePercent %q, want ∞", n, s.RangePercent())
		}
	}
	if got := Summarize([]float64{42}); got.Median != 42 || got.N != 1 {
		t.Errorf("n=1: %+v", got)
	}
	if CIRuns(Confidence) != 6 {
		t.Errorf("CIRuns(0.95) = %d, want 6", CIRuns(Confidence))
	}
}

func TestSummarizeEdges(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		s := Summarize[float64](nil)
		if s.N != 0 || !math.IsNaN(s.Median) || s.HasCI() || s.Warning == "" || s.String() != "no values" {
			t.Errorf("Summarize(nil) = %+v", s)
		}
	})
	t.Run("NaN dropped", func(t *testing.T) {
		xs := append(oneTo(6), math.NaN())
		if s := Summarize(xs); s.N != 6 || s.Median != 3.5 {
			t.Errorf("got %+v, want n=6 median 3.5", s)
		}
	})
	t.Run("ties", func(t *testing.T) {
		s := Summarize([]float64{2, 2, 2, 2, 2, 2})
		if s.Median != 2 || s.Lo != 2 || s.Hi != 2 || s.RangePercent() != "0%" {
			t.Errorf("got %+v, %s", s, s.RangePercent())
		}
	})
	t.Run("durations are in nanoseconds", func(t *testing.T) {
		ds := []time.Duration{1, 2, 3, 4, 5, 6}
		if s := Summarize(ds); s.Median != 3.5 || s.Lo != 1 {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("input untouched", func(t *testing.T) {
		xs := []float64{3, 1, 2}
		Summarize(xs)
		if xs[0] != 3 || xs[1] != 1 {
			t.Errorf("input sorted: %v", xs)
		}
	})
}

func TestSummaryString(t *testing.T) {
	// As benchstat prints: how far the interval reaches, relative to the median.
	if got := Summarize(oneTo(10)).String(); got != "5.5 ± 64%" {
		t.Errorf("String = %q, want %q", got, "5.5 ± 64%")
	}
	if got := Summarize([]float64{1, 2, 3}).String(); got != "2 ± ∞" {
		t.Errorf("String = %q, want %q", got, "2 ± ∞")
	}
}
