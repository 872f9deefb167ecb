package charts

import (
	"encoding/json"
	"math"
	"testing"
)

func TestNumbers(t *testing.T) {
	tests := []struct {
		x        float64
		num, sec any
		text     string
	}{
		{977.88, json.Number("977.88"), json.Number("977.88"), "977.9"},
		{0.1 + 0.2, json.Number("0.3"), json.Number("0.3"), "0.3"},
		{12.345678, json.Number("12.3457"), json.Number("12.3457"), "12.35"},
		{123456.7, json.Number("123457"), json.Number("123456.7"), "123457"},
		{-0.00001, json.Number("-1e-05"), json.Number("0"), "-1e-05"},
		{math.NaN(), nil, nil, "–"},
		{math.Inf(-1), nil, nil, "–"},
	}
	for _, tt := range tests {
		if got := num(tt.x); got != tt.num {
			t.Errorf("num(%v) = %v, want %v", tt.x, got, tt.num)
		}
		if got := sec(tt.x); got != tt.sec {
			t.Errorf("sec(%v) = %v, want %v", tt.x, got, tt.sec)
		}
		if got := fmtNum(tt.x); got != tt.text {
			t.Errorf("fmtNum(%v) = %q, want %q", tt.x, got, tt.text)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tt := range []struct{ x, want float64 }{
		{0.7, 0.8}, {1, 1}, {1.1, 1.2}, {3, 3}, {31.32, 40}, {44, 50}, {0.013, 0.015}, {9.5, 10}, {0, 1}, {math.NaN(), 1},
	} {
		if got := niceCeil(tt.x); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("niceCeil(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestOptionTree(t *testing.T) {
	o := map[string]any{"series": []any{map[string]any{"a": nil, "data": []any{nil, 1}}}}
	set(o, "series.0.renderItem", fnRef("x", 1))
	set(o, "tooltip.formatter", fnRef("y"))
	dropNulls(o)
	got, _ := json.Marshal(o)
	want := `{"series":[{"data":[null,1],"renderItem":{"$fn":"x","args":[1]}}],"tooltip":{"formatter":{"$fn":"y"}}}`
	if string(got) != want {
		t.Errorf("tree = %s, want %s", got, want)
	}
	if get(o, "series.0.data.1") != 1 || get(o, "series.1") != nil || get(o, "tooltip.formatter.$fn") != "y" {
		t.Error("get does not find what set put")
	}
}
