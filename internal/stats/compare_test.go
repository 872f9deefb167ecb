package stats

import (
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Exact two-sided Mann-Whitney p-values for 5+5 values without ties, from the null
// distribution of U (the counts of U = 0, 1, 2, ... among the C(10, 5) = 252 orderings
// are 1, 1, 2, 3, 5, 7, 9, 11, 14, 16, 18, ...): p = 2 · #{U <= u} / 252. scipy's
// mannwhitneyu(x, y, method="exact") gives the same.
func TestComparePValues(t *testing.T) {
	for _, c := range []struct {
		name    string
		base, x []float64
		p       float64
		verdict string
	}{
		{"5+5 apart, U=0", []float64{10, 11, 12, 13, 14}, []float64{5, 6, 7, 8, 9}, 2.0 / 252,
			"-41.67% (p=0.008 n=5+5)"},
		{"5+5 one swap, U=1", []float64{5, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 6}, 4.0 / 252,
			"-62.50% (p=0.016 n=5+5)"},
		{"5+5 two swaps, U=2", []float64{4, 7, 8, 9, 10}, []float64{1, 2, 3, 5, 6}, 8.0 / 252,
			"-62.50% (p=0.032 n=5+5)"},
		{"5+5 interleaved, U=10", []float64{2, 4, 6, 8, 10}, []float64{1, 3, 5, 7, 9}, 2 * 87.0 / 252,
			"~ (p=0.690 n=5+5)"},
		{"4+4 apart", []float64{1, 2, 3, 4}, []float64{5, 6, 7, 8}, 2.0 / 70,
			"+160.00% (p=0.029 n=4+4)"},
		{"3+3 apart can never be significant", []float64{1, 2, 3}, []float64{5, 6, 7}, 0.1,
			"? (p=0.100 n=3+3)"},
		{"3+5 apart", []float64{1, 2, 3}, []float64{5, 6, 7, 8, 9}, 2.0 / 56,
			"+250.00% (p=0.036 n=3+5)"},
		{"all equal", []float64{2, 2, 2, 2, 2}, []float64{2, 2, 2, 2, 2}, 1,
			"~ (p=1.000 n=5+5)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Compare(c.base, c.x)
			if !near(got.P, c.p) {
				t.Errorf("p = %v, want %v", got.P, c.p)
			}
			if got.String() != c.verdict {
				t.Errorf("String = %q, want %q", got.String(), c.verdict)
			}
			if rev := Compare(c.x, c.base); !near(rev.P, got.P) {
				t.Errorf("p depends on the order: %v vs %v", rev.P, got.P)
			}
		})
	}
}

func TestCompareVerdicts(t *testing.T) {
	t.Run("too few says so", func(t *testing.T) {
		c := Compare([]float64{1, 2, 3}, []float64{5, 6, 7})
		if c.Decidable() || c.Significant() || c.Verdict() != "?" {
			t.Errorf("3+3: decidable %v significant %v verdict %q", c.Decidable(), c.Significant(), c.Verdict())
		}
		if !strings.Contains(c.Warning, "3+3 runs can never show a difference at alpha=0.05") || !strings.Contains(c.Warning, "need 4+4") {
			t.Errorf("warning %q", c.Warning)
		}
	})
	t.Run("enough says nothing", func(t *testing.T) {
		if c := Compare(oneTo(5), oneTo(5)); c.Warning != "" || c.Verdict() != "~" {
			t.Errorf("5+5 identical: warning %q verdict %q", c.Warning, c.Verdict())
		}
	})
	t.Run("empty", func(t *testing.T) {
		c := Compare(nil, []float64{1, 2, 3, 4, 5})
		if c.String() != "? (n=0+5)" || c.P != 1 || c.Warning == "" || !math.IsNaN(c.Delta) {
			t.Errorf("got %q p=%v warning %q delta %v", c.String(), c.P, c.Warning, c.Delta)
		}
	})
	t.Run("NaN dropped", func(t *testing.T) {
		c := Compare([]float64{10, 11, math.NaN(), 12, 13, 14}, []float64{5, 6, 7, 8, 9})
		if c.N1() != 5 || c.N2() != 5 || !near(c.P, 2.0/252) {
			t.Errorf("n=%d+%d p=%v", c.N1(), c.N2(), c.P)
		}
	})
	t.Run("ties", func(t *testing.T) {
		c := Compare([]float64{1, 1, 2, 2, 3}, []float64{2, 3, 3, 4, 4})
		if !(c.P > 0.05 && c.P < 0.1) || c.Verdict() != "~" {
			t.Errorf("p = %v, verdict %q", c.P, c.Verdict())
		}
	})
	t.Run("zero baseline", func(t *testing.T) {
		c := Compare([]float64{0, 0, 0, 0, 0}, []float64{1, 2, 3, 4, 5})
		if c.Verdict() != "?" || !math.IsNaN(c.Delta) {
			t.Errorf("verdict %q delta %v", c.Verdict(), c.Delta)
		}
	})
	t.Run("same median, different spread", func(t *testing.T) {
		c := Comparison{Base: Summary{N: 5}, New: Summary{N: 5}, P: 0.01, Alpha: Alpha, Delta: 0}
		if c.Verdict() != "0.00%" {
			t.Errorf("verdict %q", c.Verdict())
		}
	})
	t.Run("alpha", func(t *testing.T) {
		// p = 0.016: significant at 0.05, not at 0.01.
		base, x := []float64{5, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 6}
		if c := CompareAlpha(base, x, 0.01); c.Verdict() != "~" || c.Alpha != 0.01 {
			t.Errorf("at 0.01: %q", c.String())
		}
	})
	t.Run("inputs untouched", func(t *testing.T) {
		base := []float64{14, 10, 12}
		Compare(base, []float64{3, 1, 2})
		if base[0] != 14 {
			t.Errorf("base sorted: %v", base)
		}
	})
}

func TestMinP(t *testing.T) {
	for _, c := range []struct {
		n1, n2 int
		p      float64
	}{
		{0, 5, 1}, {1, 1, 1}, {2, 2, 1.0 / 3}, {3, 3, 0.1}, {3, 4, 2.0 / 35}, {3, 5, 2.0 / 56},
		{4, 4, 2.0 / 70}, {5, 5, 2.0 / 252}, {2, 8, 2.0 / 45},
		{9, 9, 4.113533525298231e-05}, // benchmath's own table
	} {
		if got := MinP(c.n1, c.n2); !near(got, c.p) {
			t.Errorf("MinP(%d, %d) = %v, want %v", c.n1, c.n2, got, c.p)
		}
	}
	// MinP is what the test gives for samples that do not overlap.
	for n1 := 1; n1 <= 7; n1++ {
		for n2 := 1; n2 <= 7; n2++ {
			lo, hi := oneTo(n1), oneTo(n2)
			for i := range hi {
				hi[i] += 100
			}
			if got := Compare(lo, hi).P; !near(got, MinP(n1, n2)) {
				t.Errorf("%d+%d apart: p = %v, MinP = %v", n1, n2, got, MinP(n1, n2))
			}
		}
	}
}

func TestMinRuns(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		n     int
	}{{0.05, 4}, {0.01, 5}, {0.1, 3}, {0.001, 7}, {1, 1}, {0, 64}} {
		if got := MinRuns(c.alpha); got != c.n {
			t.Errorf("MinRuns(%v) = %d, want %d", c.alpha, got, c.n)
		}
	}
}
