package spark

import (
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
)

// BigInt converts a value of a row the Go client collected to a big.Int: Spark's BIGINT,
// INT, SMALLINT and TINYINT arrive as int64 ... int8, and DECIMAL as Arrow's decimal128.Num
// (decimal256.Num above 38 digits), the unscaled integer. Decimals are taken with scale 0,
// as [SumOfSquaresSQL] casts them: a DECIMAL(p,s) with s > 0 would need dividing by 10^s.
// NULL (nil) and other types are errors.
func BigInt(v any) (*big.Int, error) {
	switch x := v.(type) {
	case decimal128.Num:
		return x.BigInt(), nil
	case decimal256.Num:
		return x.BigInt(), nil
	case int64:
		return big.NewInt(x), nil
	case int32:
		return big.NewInt(int64(x)), nil
	case int16:
		return big.NewInt(int64(x)), nil
	case int8:
		return big.NewInt(int64(x)), nil
	case int:
		return big.NewInt(int64(x)), nil
	case uint64:
		return new(big.Int).SetUint64(x), nil
	case *big.Int:
		return new(big.Int).Set(x), nil
	case nil:
		return nil, fmt.Errorf("spark: the value is NULL, not a number")
	default:
		return nil, fmt.Errorf("spark: cannot read %T (%v) as an integer", v, v)
	}
}
