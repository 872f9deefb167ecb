package charts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/charts/internal/demo"
)

// The new kinds, from realistic inputs, stay small enough for a notebook output and quick
// to make.
func TestRealisticSizes(t *testing.T) {
	lanes, spans := demo.Trace(2, 100, 30_000, 1)
	tests := []struct {
		name   string
		make   func() *charts.Chart
		budget int // bytes of the fragment (without the bundle)
	}{
		{"flame of a 5,000-frame profile", func() *charts.Chart { return charts.Flame("CPU", "s", demo.Profile(5000, 1)) }, 120_000},
		{"flame of a 50,000-frame profile", func() *charts.Chart { return charts.Flame("CPU", "s", demo.Profile(50_000, 1)) }, 250_000},
		{"states of a trace of 30,000 spans", func() *charts.Chart { return charts.States("trace", "ms", lanes, spans, demo.States) }, 600_000},
		{"usage of 60 s at 10 Hz", func() *charts.Chart { return charts.Usage("usage", 2, demo.Usage(60, 10, 2, 1)) }, 40_000},
		{"timeline of 2,000 tasks with usage", func() *charts.Chart {
			return charts.Timeline("tasks", demo.Spans(2000, 4, 1)).WithUsage(2, demo.Usage(10, 10, 2, 1))
		}, 120_000},
	}
	for _, tt := range tests {
		t0 := time.Now()
		c := tt.make()
		f := c.Fragment(false)
		took := time.Since(t0)
		t.Logf("%s: %d bytes, made in %v", tt.name, len(f), took.Round(time.Millisecond))
		if len(f) > tt.budget {
			t.Errorf("%s: fragment of %d bytes, budget %d", tt.name, len(f), tt.budget)
		}
		if took > 2*time.Second {
			t.Errorf("%s: took %v to make", tt.name, took)
		}
	}
	if f := charts.States("trace", "ms", lanes, spans, demo.States).Fragment(false); !strings.Contains(f, "spans drawn as") {
		t.Error("a trace of 30,000 spans is not merged, or its subtitle does not say so")
	}
}
