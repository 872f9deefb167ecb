package stats

import (
	"strings"
	"testing"
	"time"
)

func TestRunWarning(t *testing.T) {
	const ms = time.Millisecond
	for _, c := range []struct {
		name string
		runs []time.Duration
		want string // a part of the warning; "" means none
	}{
		{"none", nil, ""},
		{"one run", []time.Duration{ms}, ""},
		{"steady", []time.Duration{100 * ms, 104 * ms, 98 * ms, 101 * ms, 99 * ms}, ""},
		{"noisy, under 4x", []time.Duration{100 * ms, 250 * ms, 98 * ms, 390 * ms, 99 * ms}, ""},
		{"4x spread", []time.Duration{100 * ms, 400 * ms, 98 * ms, 101 * ms, 99 * ms},
			"The slowest run took 4.1 times longer than the fastest (400ms vs 98ms). This could mean that an intermediate result is being cached"},
		{"two runs far apart", []time.Duration{10 * ms, 50 * ms}, "5.0 times longer"},
		{"spread under a microsecond is ignored", []time.Duration{100, 900, 120}, ""},
		{"first run cold", []time.Duration{250 * ms, 100 * ms, 98 * ms, 101 * ms, 99 * ms},
			"The first run took 2.5 times as long as the median of the others (250ms vs 99.5ms)"},
		{"first run cold wins over spread", []time.Duration{900 * ms, 100 * ms, 98 * ms, 101 * ms, 99 * ms}, "consider more warm-up runs"},
		{"first run slower but not 2x", []time.Duration{190 * ms, 100 * ms, 98 * ms, 101 * ms, 99 * ms}, ""},
		{"first run 2x but not the slowest", []time.Duration{200 * ms, 100 * ms, 98 * ms, 210 * ms, 99 * ms}, ""},
		{"first of two is spread, not cold", []time.Duration{50 * ms, 10 * ms}, "times longer than the fastest"},
		{"zero runs", []time.Duration{0, 0, 0}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := RunWarning(c.runs)
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("RunWarning(%v) = %q, want %q", c.runs, got, c.want)
			}
		})
	}
}
