package charts

import (
	"fmt"
	"strings"
	"testing"
)

func TestWithUsage(t *testing.T) {
	samples := []UsageSample{{T: 0, CPUCores: 0.5, RSSBytes: 30e6}, {T: 2.5, CPUCores: 1.8, RSSBytes: 40e6}}
	plain := Timeline("t", spanFixture(20, 2))
	c := Timeline("t", spanFixture(20, 2)).WithUsage(2, samples)
	o := spec(t, c)
	if n := len(o["grid"].([]any)); n != 2 {
		t.Errorf("%d grids, want 2", n)
	}
	x := o["xAxis"].([]any)
	if len(x) != 2 || fmt.Sprint(x[0].(map[string]any)["max"]) != "2.5" || fmt.Sprint(x[1].(map[string]any)["max"]) != "2.5" {
		t.Errorf("x axes %v: want two, both up to the last sample (2.5)", x)
	}
	if n := len(o["yAxis"].([]any)); n != 3 {
		t.Errorf("%d y axes, want the lanes, cores and MB", n)
	}
	hasAll(t, "option", optionJSON(c), `"xAxisIndex":[0,1]`, `"gridIndex":1`, `"yAxisIndex":2`, `"formatter":"2 cores"`, `"overflow":"truncate"`)
	hasAll(t, "meta", metaJSON(c), `"cores":2`)
	if fmt.Sprint(c.libs) != "[usage timeline]" {
		t.Errorf("libs = %v, want [usage timeline]", c.libs)
	}
	if c.heightPx() <= plain.heightPx() {
		t.Errorf("height %d, want more than the timeline's %d", c.heightPx(), plain.heightPx())
	}
	f := c.fragment(false)
	if n := strings.Count(f, `<table class="speedup-fallback"`); n != 2 {
		t.Errorf("%d fallback tables, want the lanes' and resource use", n)
	}
	checkHTML(t, f, false)

	before := optionJSON(c)
	if c.WithUsage(4, samples); optionJSON(c) != before {
		t.Error("a second WithUsage changed the chart")
	}
	b := Bars("b", "", []string{"x"}, []float64{1})
	if before := optionJSON(b); optionJSON(b.WithUsage(2, samples)) != before {
		t.Error("WithUsage changed a bar chart")
	}
}
