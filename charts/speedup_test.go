package charts

import (
	"math"
	"testing"
)

func TestSpeedupAxisMax(t *testing.T) {
	for _, tt := range []struct {
		bars []SpeedupBar
		want float64
	}{
		{[]SpeedupBar{{Speedup: 1, Ideal: 1}, {Speedup: 3.8, Ideal: 4}}, 5},        // all ideals fit
		{[]SpeedupBar{{Speedup: 1, Ideal: 1}, {Speedup: 1.6, Ideal: 40}}, 2.5},     // 40 is an arrow
		{[]SpeedupBar{{Speedup: 0.4, Ideal: 0.5}}, 1.2},                            // the 1× line shows
		{[]SpeedupBar{{Speedup: math.NaN(), Ideal: 8}, {Speedup: 2, Ideal: 2}}, 3}, // no bar counts for nothing
	} {
		if got := speedupAxisMax(tt.bars); got != tt.want {
			t.Errorf("speedupAxisMax(%v) = %v, want %v", tt.bars, got, tt.want)
		}
	}
}

func TestTimeChange(t *testing.T) {
	for in, want := range map[float64]string{2: "−50 %", 1: "0 %", 0.5: "+100 %", 20.88: "−95.2 %", 0: "–", math.NaN(): "–"} {
		if got := timeChange(in); got != want {
			t.Errorf("timeChange(%v) = %q, want %q", in, got, want)
		}
	}
}
