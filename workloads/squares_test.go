package workloads

import (
	"slices"
	"testing"
)

func TestSquaresAgree(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000, 100_003} {
		want := make([]int, n)
		for i := range want {
			want[i] = i * i
		}
		if got := SquaresAppend(n); !slices.Equal(got, want) {
			t.Errorf("SquaresAppend(%d) differs", n)
		}
		if got := SquaresPrealloc(n); !slices.Equal(got, want) {
			t.Errorf("SquaresPrealloc(%d) differs", n)
		}
		for _, k := range []int{1, 2, 3, 8, 64} {
			out := make([]int, n)
			written := 0
			for _, c := range Chunks(n, k) {
				written += SquaresInto(out, c)
			}
			if written != n || !slices.Equal(out, want) {
				t.Errorf("chunked squares n=%d k=%d: wrote %d, equal %v", n, k, written, slices.Equal(out, want))
			}
		}
	}
}

func TestChunksCoverTheRangeEvenly(t *testing.T) {
	for _, tc := range []struct {
		n, k  int
		sizes []int
	}{
		{10, 3, []int{4, 3, 3}},
		{2, 8, []int{1, 1}},
		{0, 4, []int{0}},
		{5, 0, []int{5}},
	} {
		chunks := Chunks(tc.n, tc.k)
		var sizes []int
		next := 0
		for _, c := range chunks {
			if c.Lo != next {
				t.Errorf("Chunks(%d, %d) = %v: gap or overlap at %d", tc.n, tc.k, chunks, c.Lo)
			}
			sizes = append(sizes, c.Hi-c.Lo)
			next = c.Hi
		}
		if next != max(tc.n, 0) || !slices.Equal(sizes, tc.sizes) {
			t.Errorf("Chunks(%d, %d) = %v, want sizes %v", tc.n, tc.k, chunks, tc.sizes)
		}
	}
}

func BenchmarkSquares(b *testing.B) {
	const n = 1_000_000
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			SquaresAppend(n)
		}
	})
	b.Run("prealloc", func(b *testing.B) {
		for b.Loop() {
			SquaresPrealloc(n)
		}
	})
}

func TestPowers(t *testing.T) {
	if got := Powers(2, 5); !slices.Equal(got, []int{100, 1000, 10_000, 100_000}) {
		t.Errorf("Powers(2, 5) = %v", got)
	}
	if got := Powers(3, 2); len(got) != 0 {
		t.Errorf("Powers(3, 2) = %v", got)
	}
}
