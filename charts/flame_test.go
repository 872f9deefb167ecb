package charts

import (
	"fmt"
	"math"
	"testing"
)

func TestFlameNormalizes(t *testing.T) {
	got := normalizeFlame(FlameNode{Name: "a", Value: 1, Children: []FlameNode{
		{Name: "b", Value: 2},
		{Name: "c", Value: math.NaN()},
		{Name: "d", Value: -1, Children: []FlameNode{{Name: "e", Value: 0.5}}},
	}})
	// b kept; c dropped; d raised to its child's 0.5; a raised to 2.5.
	want := FlameNode{Name: "a", Value: 2.5, Children: []FlameNode{
		{Name: "b", Value: 2},
		{Name: "d", Value: 0.5, Children: []FlameNode{{Name: "e", Value: 0.5}}},
	}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("normalizeFlame = %v, want %v", got, want)
	}
}

// A root with many tiny children: below 0.1 % each, they make one "(other)" frame; too many
// frames of 0.1 % or more, and the threshold rises.
func TestFlamePrunes(t *testing.T) {
	tiny := FlameNode{Name: "root", Value: 1}
	for i := range 5000 {
		tiny.Children = append(tiny.Children, FlameNode{Name: fmt.Sprint("f", i), Value: 1.0 / 5000})
	}
	frames, names, _ := layoutFlame(normalizeFlame(tiny))
	if len(frames) != 2 || names[1] != otherName {
		t.Errorf("%d frames named %v, want root and (other)", len(frames), names)
	}

	many := FlameNode{Name: "root", Value: 1}
	for i := range 900 {
		kid := FlameNode{Name: fmt.Sprint("f", i), Value: 1.0 / 900}
		for k := range 10 {
			kid.Children = append(kid.Children, FlameNode{Name: fmt.Sprint("g", k), Value: 1.0 / 9000})
		}
		many.Children = append(many.Children, kid)
	}
	frames, _, depth := layoutFlame(normalizeFlame(many))
	if len(frames) > maxFlameFrames || depth != 2 {
		t.Errorf("%d frames %d deep, want at most %d, 2 deep", len(frames), depth, maxFlameFrames)
	}
}

func TestPackageOf(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/x/y.(*T).M": "github.com/x/y",
		"runtime.mallocgc":      "runtime",
		"image/jpeg.decode":     "image/jpeg",
		"main.main.func1":       "main",
		"[unknown]":             "[unknown]",
	} {
		if got := packageOf(in); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", in, got, want)
		}
	}
	c := flameColors([]string{"runtime.a", "runtime.b", "image/jpeg.c", otherName})
	if c[0] != c[1] || c[0] == c[2] || c[3] != "#c8c8c8" {
		t.Errorf("colors %v: want one per package, gray for (other)", c)
	}
}
