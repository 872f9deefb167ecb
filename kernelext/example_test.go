package kernelext_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/speedup-go/speedup/kernelext"
)

// double is declared at package level, as a notebook cell declares its tasks above %%:
// worker processes, which re-run the program, find it before main starts.
var double = kernelext.NewTask("example double", func(_ context.Context, x int) (int, error) {
	if x == 3 {
		return 0, fmt.Errorf("three is not allowed")
	}
	return 2 * x, nil
})

// Map runs a task over inputs under a strategy: results come back in input order, and a
// task that fails fails alone.
func ExampleMap() {
	ctx := context.Background()
	for _, s := range []kernelext.Strategy{kernelext.Sequential(), kernelext.Goroutines(4), kernelext.Processes(2)} {
		run, err := kernelext.Map(ctx, s, double, []int{1, 2, 3, 4, 5}, kernelext.Quiet())
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s, run.Values(), run.Failed(), "failed:", strings.Split(run.Errors().Error(), " on ")[0])
	}
	// Output:
	// sequential [2 4 0 8 10] 1 failed: example double: task 2
	// goroutines×4 [2 4 0 8 10] 1 failed: example double: task 2
	// processes×2 [2 4 0 8 10] 1 failed: example double: task 2
}

// Compare times the same job under several strategies, side by side: four toasters toast
// eight slices of 10 ms in about a quarter of the time one does, and the verdict says the
// difference is no noise.
func ExampleCompare() {
	toast := kernelext.Local(func(ctx context.Context, slice int) (int, error) {
		time.Sleep(10 * time.Millisecond)
		return slice, nil
	})
	c, err := kernelext.Compare(context.Background(), toast, []int{1, 2, 3, 4, 5, 6, 7, 8},
		[]kernelext.Strategy{kernelext.Sequential(), kernelext.Goroutines(4)}, kernelext.Repeat(4), kernelext.Quiet())
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, row := range c.Rows {
		fmt.Printf("%v: %d runs, %d failed, more than twice as fast as the loop: %v\n", row.Strategy, len(row.Wall), row.Last.Failed(), c.Speedup(i) > 2)
	}
	// Output:
	// sequential: 4 runs, 0 failed, more than twice as fast as the loop: false
	// goroutines×4: 4 runs, 0 failed, more than twice as fast as the loop: true
}

// TimeIt is the kernel's %timeit: it picks how many calls make a repetition, and says what
// a call costs in time and in memory (quiet here: it prints its line otherwise).
func ExampleTimeIt() {
	var sink []int
	t := kernelext.TimeIt("make 1000 ints", func() { sink = make([]int, 1000) }, kernelext.Repeat(3), kernelext.Quiet())
	fmt.Println(len(t.Wall), "repetitions;", t.Loops > 1, "loops each;", t.Bytes, "bytes in", t.Allocs, "allocation per call")
	_ = sink
	// Output: 3 repetitions; true loops each; 8192 bytes in 1 allocation per call
}
