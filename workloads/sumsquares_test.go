package workloads

import (
	"math/big"
	"testing"
)

func TestSumOfSquaresAgreesWithTheFormula(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 1000, 3_037_000, 3_037_001, 5_000_000} {
		// The loop in one chunk, the loop shared among k chunks, the closed form.
		one := SumOfSquares(Chunk{0, n})
		want := SumOfSquaresFormula(int64(n))
		if one.Big().Cmp(want) != 0 {
			t.Errorf("SumOfSquares(0..%d) = %v, formula %v", n, one, want)
		}
		for _, k := range []int{2, 7} {
			var s Sum128
			for _, c := range Chunks(n, k) {
				s = s.Add(SumOfSquares(c))
			}
			if s != one {
				t.Errorf("n=%d in %d chunks: %v, in one: %v", n, k, s, one)
			}
		}
	}
}

func TestSumOfSquaresOutgrowsInt64(t *testing.T) {
	// 3,037,000 squares still fit in int64; 5,000,000 do not: the high word must carry.
	if s := SumOfSquares(Chunk{0, 3_037_000}); s.Hi != 0 {
		t.Errorf("n=3,037,000 should fit in 64 bits, got %+v", s)
	}
	s := SumOfSquares(Chunk{0, 5_000_000})
	if s.Hi == 0 {
		t.Fatalf("n=5e6 should overflow 64 bits, got %+v", s)
	}
	if got, want := s.String(), "41666654166667500000"; got != want {
		t.Errorf("n=5e6: %s, want %s", got, want)
	}
}

func TestSum128EdgeCases(t *testing.T) {
	max64 := Sum128{Lo: ^uint64(0)}
	if got := max64.Add(Sum128{Lo: 1}); got != (Sum128{Hi: 1}) {
		t.Errorf("carry: %+v", got)
	}
	if got := (Sum128{}).String(); got != "0" {
		t.Errorf("zero: %q", got)
	}
	want := new(big.Int).Lsh(big.NewInt(1), 64)
	if got := (Sum128{Hi: 1}).Big(); got.Cmp(want) != 0 {
		t.Errorf("2^64: %v", got)
	}
	if got := SumOfSquares(Chunk{5, 2}); got != (Sum128{}) {
		t.Errorf("reversed chunk: %+v", got)
	}
	if got := SumOfSquares(Chunk{-3, 2}); got != (Sum128{Lo: 1}) {
		t.Errorf("negative bound: %+v, want 0²+1² = 1", got)
	}
	if got := SumOfSquaresFormula(-1); got.Sign() != 0 {
		t.Errorf("formula(-1) = %v", got)
	}
}

func BenchmarkSumOfSquares(b *testing.B) {
	const n = 10_000_000
	for b.Loop() {
		SumOfSquares(Chunk{0, n})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
}
