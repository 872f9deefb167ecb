package spark_test

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/speedup-go/speedup/kernelext"
	"github.com/speedup-go/speedup/spark"
	"github.com/speedup-go/speedup/workloads"
)

// Connect finds the server at $SPARK_REMOTE, else the local one `make spark` starts; with none
// there, its error says how to start one. (Not run by go test: it needs a server.)
func ExampleConnect() {
	ctx := context.Background()
	s, err := spark.Connect(ctx, "") // or "sc://spark-master:15002"
	if err != nil {
		fmt.Println(err)
		return
	}
	sum, err := s.SumOfSquares(ctx, 100_000_000, 0)
	fmt.Println(sum, err, sum.Cmp(workloads.SumOfSquaresFormula(100_000_000)) == 0)
}

// Sweep times engines over sizes and checks every answer; FitCost and Crossover reason from
// the times. Here three local engines, so that the example runs anywhere (and so that this
// module's go.sum holds what notebook 07, which uses kernelext beside spark, needs).
func ExampleSweep() {
	loop := spark.Engine{Name: "Go loop", Sum: func(_ context.Context, n int64) (*big.Int, error) {
		return workloads.SumOfSquares(workloads.Chunk{Lo: 0, Hi: int(n)}).Big(), nil
	}}
	formula := spark.Engine{Name: "formula", Sum: func(_ context.Context, n int64) (*big.Int, error) {
		return workloads.SumOfSquaresFormula(n), nil
	}}
	// The goroutines of notebook 07: the loop shared among a kernelext pool, one chunk each.
	chunk := kernelext.Local(func(_ context.Context, c workloads.Chunk) (workloads.Sum128, error) {
		return workloads.SumOfSquares(c), nil
	})
	pool := spark.Engine{Name: "goroutines", Sum: func(ctx context.Context, n int64) (*big.Int, error) {
		run, err := kernelext.Map(ctx, kernelext.Goroutines(2), chunk, workloads.Chunks(int(n), 2), kernelext.Quiet())
		var total workloads.Sum128
		for _, part := range run.Values() {
			total = total.Add(part)
		}
		return total.Big(), err
	}}
	runs, err := spark.Sweep(context.Background(), []spark.Engine{loop, formula, pool}, spark.Sizes(3, 6), 3, time.Second)
	for _, r := range runs {
		fmt.Println(r.Engine, spark.Exp(r.N), r.Sum, r.Err)
	}
	fmt.Println(err)
	// Output:
	// Go loop 1e3 332833500 <nil>
	// Go loop 1e4 333283335000 <nil>
	// Go loop 1e5 333328333350000 <nil>
	// Go loop 1e6 333332833333500000 <nil>
	// formula 1e3 332833500 <nil>
	// formula 1e4 333283335000 <nil>
	// formula 1e5 333328333350000 <nil>
	// formula 1e6 333332833333500000 <nil>
	// goroutines 1e3 332833500 <nil>
	// goroutines 1e4 333283335000 <nil>
	// goroutines 1e5 333328333350000 <nil>
	// goroutines 1e6 333332833333500000 <nil>
	// <nil>
}
