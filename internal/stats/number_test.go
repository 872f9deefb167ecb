package stats

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Run("odd", func(t *testing.T) {
		if got := Median([]float64{5, 1, 4, 2, 3}); got != 3 {
			t.Errorf("Median = %v, want 3", got)
		}
	})
	t.Run("even is the mean of the middle two", func(t *testing.T) {
		if got := Median([]float64{4, 1, 3, 2}); got != 2.5 {
			t.Errorf("Median = %v, want 2.5", got)
		}
	})
	t.Run("durations", func(t *testing.T) {
		ds := []time.Duration{3 * time.Second, time.Second, 2 * time.Second}
		if got := Median(ds); got != 2*time.Second {
			t.Errorf("Median = %v, want 2s", got)
		}
	})
	t.Run("integers round down", func(t *testing.T) {
		for _, c := range []struct {
			in   []int64
			want int64
		}{
			{[]int64{1, 2}, 1},
			{[]int64{-4, -3}, -4},
			{[]int64{-3, 4}, 0},
			{[]int64{math.MaxInt64, math.MaxInt64 - 1}, math.MaxInt64 - 1},
		} {
			if got := Median(c.in); got != c.want {
				t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
			}
		}
		if got := Median([]uint8{255, 253}); got != 254 {
			t.Errorf("Median(uint8 255, 253) = %v, want 254 (no overflow)", got)
		}
	})
	t.Run("infinities", func(t *testing.T) {
		if got := Median([]float64{math.Inf(1), math.Inf(1)}); !math.IsInf(got, 1) {
			t.Errorf("Median(+Inf, +Inf) = %v", got)
		}
	})
	t.Run("one", func(t *testing.T) {
		if got := Median([]int{7}); got != 7 {
			t.Errorf("Median = %v, want 7", got)
		}
	})
	t.Run("empty is zero", func(t *testing.T) {
		if got := Median[time.Duration](nil); got != 0 {
			t.Errorf("Median(nil) = %v", got)
		}
	})
	t.Run("NaN", func(t *testing.T) {
		if got := Median([]float64{1, math.NaN(), 3}); !math.IsNaN(got) {
			t.Errorf("Median with NaN = %v, want NaN", got)
		}
	})
	t.Run("input untouched", func(t *testing.T) {
		in := []float64{3, 1, 2}
		Median(in)
		if !slices.Equal(in, []float64{3, 1, 2}) {
			t.Errorf("Median sorted its input: %v", in)
		}
	})
}

func TestMinMax(t *testing.T) {
	ds := []time.Duration{3, 1, 2}
	if Min(ds) != 1 || Max(ds) != 3 {
		t.Errorf("Min, Max = %v, %v; want 1, 3", Min(ds), Max(ds))
	}
	if Min([]int(nil)) != 0 || Max([]float32{}) != 0 {
		t.Error("Min or Max of nothing is not 0")
	}
	if !math.IsNaN(Min([]float64{1, math.NaN()})) || !math.IsNaN(Max([]float64{math.NaN(), 1})) {
		t.Error("Min or Max ignored a NaN")
	}
	if !slices.Equal(ds, []time.Duration{3, 1, 2}) {
		t.Errorf("input modified: %v", ds)
	}
}

func TestSeconds(t *testing.T) {
	got := Seconds([]time.Duration{1500 * time.Millisecond, time.Microsecond})
	if !slices.Equal(got, []float64{1.5, 1e-6}) {
		t.Errorf("Seconds = %v", got)
	}
	if got := Seconds(nil); got == nil || len(got) != 0 {
		t.Errorf("Seconds(nil) = %#v, want an empty slice", got)
	}
	if got := Float64s([]int{1, 2}); !slices.Equal(got, []float64{1, 2}) {
		t.Errorf("Float64s = %v", got)
	}
}
