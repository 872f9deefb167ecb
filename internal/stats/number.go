package stats

import (
	"slices"
	"time"
)

// Number is the element type of a sample: any integer or floating-point type, including
// named ones such as [time.Duration].
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64
}

// Median is the middle value of xs, or the mean of the two middle values when len(xs) is
// even. For integer types that mean is rounded down (toward the smaller value): the
// median of 1 ns and 2 ns is 1 ns. It is 0 for an empty slice and NaN when xs holds a
// NaN. xs is not modified.
func Median[T Number](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	if hasNaN(xs) {
		return xs[slices.IndexFunc(xs, isNaN[T])]
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return mean2(s[mid-1], s[mid])
}

// Min is the smallest value of xs: 0 for an empty slice, NaN when xs holds a NaN.
func Min[T Number](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	return slices.Min(xs)
}

// Max is the largest value of xs: 0 for an empty slice, NaN when xs holds a NaN.
func Max[T Number](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	return slices.Max(xs)
}

// Seconds converts durations to seconds, the unit of the exports ("sec/op"). An empty or
// nil slice gives an empty, non-nil one.
func Seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// Float64s converts a sample of any number type to float64, in order, NaNs included.
func Float64s[T Number](xs []T) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// mean2 is the mean of a <= b without overflow: exact for floating-point types, rounded
// down for integer types.
func mean2[T Number](a, b T) T {
	var half T = 1
	half /= 2
	if half != 0 { // floating point
		return a/2 + b/2
	}
	return a + (b-a)/2
}

func isNaN[T Number](x T) bool { return x != x }

func hasNaN[T Number](xs []T) bool { return slices.ContainsFunc(xs, isNaN[T]) }

// withoutNaN returns xs as float64 without its NaNs, as a new slice.
func withoutNaN[T Number](xs []T) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !isNaN(x) {
			out = append(out, float64(x))
		}
	}
	return out
}
