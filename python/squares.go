package python

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
)

//go:embed squares.py
var squaresScript string

// SquaresResult is what squares.py measured: seconds per call of the talk's for loop and
// list comprehension at each size, the median of the repetitions.
type SquaresResult struct {
	Python            string    // the interpreter's version
	Sizes             []int     // the sizes measured, as asked
	ForLoop           []float64 `json:"for_loop"`
	ListComprehension []float64 `json:"list_comprehension"`
}

// Squares runs squares.py with python: the squares of 0..n-1 built by a for loop
// appending to a list and by a list comprehension, for each size n, each timed like
// %timeit (enough calls for 0.2 s) with repeat repetitions (at least 1). It needs only
// Python's standard library. When ctx is cancelled the script is killed and the error
// wraps ctx.Err().
func Squares(ctx context.Context, python string, sizes []int, repeat int) (*SquaresResult, error) {
	if len(sizes) == 0 {
		return nil, fmt.Errorf("python: no sizes for squares.py")
	}
	args := []string{"--json", "--repeat", strconv.Itoa(max(repeat, 1))}
	for _, n := range sizes {
		if n < 0 {
			return nil, fmt.Errorf("python: squares.py: size %d is negative", n)
		}
		args = append(args, strconv.Itoa(n))
	}
	out, err := runScript(ctx, python, "squares.py", squaresScript, args, map[string][]byte{}, nil)
	if err != nil {
		return nil, err
	}
	var res SquaresResult
	if err := json.Unmarshal(out.stdout, &res); err != nil {
		return nil, fmt.Errorf("python: reading the report of squares.py: %v%s", err, suffix(out.stderr))
	}
	if len(res.ForLoop) != len(sizes) || len(res.ListComprehension) != len(sizes) {
		return nil, fmt.Errorf("python: squares.py measured %d and %d sizes of %d", len(res.ForLoop), len(res.ListComprehension), len(sizes))
	}
	res.Sizes = sizes
	return &res, nil
}
