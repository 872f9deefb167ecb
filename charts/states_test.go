package charts

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Many spans: merged within the budget, the subtitle says how; the fallback still sums
// every span.
func TestStatesMerges(t *testing.T) {
	var spans []StateSpan
	r, start := rand.New(rand.NewPCG(1, 2)), 0.0
	for i := range 3 * maxStateSpans {
		state := []string{"running", "runnable"}[i%2]
		spans = append(spans, StateSpan{Lane: fmt.Sprint("G", i%3), State: state, Label: fmt.Sprint("span ", i), Start: start, End: start + 0.0009})
		start += 0.001 + r.ExpFloat64()*0.002
	}
	c := States("busy", "ms", nil, spans, nil)
	rows := 0
	for _, s := range seriesOf(t, spec(t, c)) {
		rows += len(s["data"].([]any))
	}
	if rows > maxStateSpans || rows < maxStateSpans/10 {
		t.Errorf("%d spans drawn, want at most %d, and not merged more than needed", rows, maxStateSpans)
	}
	hasAll(t, "option", optionJSON(c), fmt.Sprintf(`"subtext":"%d spans drawn as %d: gaps under`, len(spans), rows))
	// Each lane spends 10,000 × 0.0009 = 9 ms in each state.
	for _, row := range fallbackRows(t, c.fragment(false))[:3] {
		if row[1] != "9" || row[2] != "9" {
			t.Errorf("fallback row %q, want 9 ms in each state", row)
		}
	}
	f := c.fragment(false)
	t.Logf("%d spans with distinct labels: %d drawn, a fragment of %d bytes", len(spans), rows, len(f))
	if len(f) > 600_000 {
		t.Errorf("fragment of %d bytes, budget 600,000", len(f))
	}
}

func TestStateStyles(t *testing.T) {
	got := stateStyles([]StateStyle{{Name: "a", Color: "#abc"}, {Name: "b", Color: "url(x)"}, {Name: "a", Color: "red"}},
		[]StateSpan{{State: "c"}, {State: "a"}})
	want := []StateStyle{{Name: "a", Color: "#abc"}, {Name: "b", Color: statePalette[1]}, {Name: "c", Color: statePalette[2]}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stateStyles = %v, want %v", got, want)
	}
	if got := stateLanes([]string{"GC", "P0"}, []StateSpan{{Lane: "G10"}, {Lane: "P0"}, {Lane: "G2"}}); strings.Join(got, ",") != "GC,P0,G2,G10" {
		t.Errorf("stateLanes = %v, want GC,P0,G2,G10", got)
	}
}
