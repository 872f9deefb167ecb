package workloads

import (
	"math/big"
	"math/bits"
)

// The aggregation the notebooks hand to a distributed engine (notebook 07): the sum of
// the squares of 0, 1, ..., n-1. It is the talk's squares loop reduced to one number, so
// it needs no memory for its input, and an exact answer is known in closed form,
// n(n-1)(2n-1)/6. The sum outgrows int64 from n ≈ 3.04e6 on, so it is carried in 128
// bits; Spark's DECIMAL(38,0) holds the same values.

// Sum128 is an unsigned 128-bit integer, Hi·2⁶⁴ + Lo: a sum of squares that overflows
// uint64. The zero value is 0. Its fields are exported so that it crosses a worker
// process's pipe.
type Sum128 struct{ Hi, Lo uint64 }

// Add returns s + t (modulo 2¹²⁸, which sums of squares below n = 6.9e12 never reach).
func (s Sum128) Add(t Sum128) Sum128 {
	lo, carry := bits.Add64(s.Lo, t.Lo, 0)
	return Sum128{Hi: s.Hi + t.Hi + carry, Lo: lo}
}

// Big returns s as a big.Int.
func (s Sum128) Big() *big.Int {
	b := new(big.Int).SetUint64(s.Hi)
	return b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(s.Lo))
}

// String returns s in decimal.
func (s Sum128) String() string { return s.Big().String() }

// SumOfSquares returns Σ i² for i in [c.Lo, c.Hi) by a plain loop: one worker's share of
// the aggregation, or all of it with Chunk{0, n}. An empty or reversed chunk sums to 0;
// negative bounds are treated as 0.
func SumOfSquares(c Chunk) Sum128 {
	var s Sum128
	for i := uint64(max(c.Lo, 0)); i < uint64(max(c.Hi, 0)); i++ {
		hi, lo := bits.Mul64(i, i)
		var carry uint64
		s.Lo, carry = bits.Add64(s.Lo, lo, 0)
		s.Hi += hi + carry
	}
	return s
}

// SumOfSquaresFormula returns Σ i² for 0 ≤ i < n in closed form, n(n-1)(2n-1)/6: the
// answer every engine must agree with. n ≤ 0 gives 0.
func SumOfSquaresFormula(n int64) *big.Int {
	if n <= 0 {
		return new(big.Int)
	}
	b := big.NewInt(n)
	r := new(big.Int).Mul(b, big.NewInt(n-1))
	r.Mul(r, new(big.Int).Sub(new(big.Int).Lsh(b, 1), big.NewInt(1)))
	return r.Quo(r, big.NewInt(6))
}
