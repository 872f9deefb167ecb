// Command cell is a notebook cell's program in miniature, for kernelext's tests: its task
// is created inside main, as a cell that does not declare it above %% would, and it stops
// on errors with kernelext.Check.
//
//	cell          run the task on two worker processes and print the values
//	cell check    stop at once on an error, as a failing cell does
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/speedup-go/speedup/kernelext"
)

func main() {
	fmt.Println("main starts")
	if len(os.Args) > 1 && os.Args[1] == "check" {
		kernelext.Check(nil)
		kernelext.Check(errors.New("no bread in the kitchen"))
		fmt.Println("not reached")
	}
	double := kernelext.NewTask("double", func(_ context.Context, x int) (int, error) {
		fmt.Println("task", x)
		return 2 * x, nil
	})
	run, err := kernelext.Map(context.Background(), kernelext.Processes(2), double, []int{1, 2, 3, 4}, kernelext.Quiet())
	kernelext.Check(err)
	fmt.Println("values", run.Values())
}
