package spark

import (
	"context"
	"fmt"
	"math/big"
)

// MaxBigintRows is the largest n for which [SumOfSquaresSQL] sums in BIGINT: every i² must
// fit in 63 bits and the sum of n low halves (each below 2³²) too.
const MaxBigintRows = 1 << 31

// SumOfSquaresSQL is the query [Session.SumOfSquares] sends: Σ i² for 0 ≤ i < n over
// Spark's range(0, n, 1, parts). parts ≤ 0 leaves the number of partitions to the server
// (spark.default.parallelism: its cores).
//
// The sum outgrows BIGINT from n ≈ 3.04e6 on, and Spark 4 runs in ANSI mode, where an
// overflowing sum is an error rather than a wrapped number. Up to [MaxBigintRows] rows the
// query still sums BIGINTs, exactly: each i² split into its high and low 32 bits, two sums
// that Go puts back together as hi·2³² + lo. Above that it sums DECIMAL(38,0), which holds
// any such sum but costs Spark tens of times more per row (Java's BigDecimal).
func SumOfSquaresSQL(n int64, parts int) string { return sumSQL(n, parts, n > MaxBigintRows) }

func sumSQL(n int64, parts int, decimal bool) string {
	n = max(n, 0)
	rng := fmt.Sprintf("range(0, %d)", n)
	if parts > 0 {
		rng = fmt.Sprintf("range(0, %d, 1, %d)", n, parts)
	}
	if !decimal {
		return "SELECT coalesce(sum(shiftright(id * id, 32)), 0) AS hi, coalesce(sum(id * id & 4294967295), 0) AS lo FROM " + rng
	}
	return "SELECT CAST(coalesce(sum(CAST(id AS DECIMAL(38,0)) * id), 0) AS DECIMAL(38,0)) AS sum_of_squares FROM " + rng
}

// SumOfSquares computes Σ i² for 0 ≤ i < n on the server ([SumOfSquaresSQL]) and returns
// it exactly. The rows are generated and summed inside Spark: only the query and one row
// cross the network.
func (s *Session) SumOfSquares(ctx context.Context, n int64, parts int) (*big.Int, error) {
	return s.sumOfSquares(ctx, n, parts, n > MaxBigintRows)
}

func (s *Session) sumOfSquares(ctx context.Context, n int64, parts int, decimal bool) (*big.Int, error) {
	rows, err := query(ctx, s.SparkSession, sumSQL(n, parts, decimal))
	if err != nil {
		return nil, fmt.Errorf("spark: sum of squares, n=%d: %w", n, err)
	}
	sum, err := BigInt(rows[0].At(0))
	if err != nil || decimal {
		return sum, err
	}
	lo, err := BigInt(rows[0].At(1))
	if err != nil {
		return nil, err
	}
	return sum.Lsh(sum, 32).Add(sum, lo), nil
}
