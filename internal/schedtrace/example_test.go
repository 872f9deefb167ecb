package schedtrace_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/speedup-go/speedup/internal/schedtrace"
)

// Four CPU-bound goroutines on one core take turns, as Python threads do under the GIL:
// one P runs them all, and each waits for it most of the time.
func Example() {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	rec, err := schedtrace.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			ctx := context.Background()
			schedtrace.Label(ctx, fmt.Sprintf("worker %d", i))
			schedtrace.Region(ctx, func() { count(30_000_000) })
		})
	}
	wg.Wait()
	tl, err := schedtrace.Parse(rec.Stop(), schedtrace.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	// tl.Procs[0].Segments says who ran when; tl.Goroutines has each worker's states.
	s := tl.Summary
	fmt.Printf("%d goroutines ran on %d P\n", s.Goroutines, s.Procs)
	fmt.Println("they waited for it more than they ran:", s.Runnable > s.Running)

	// Output:
	// 4 goroutines ran on 1 P
	// they waited for it more than they ran: true
}

var total atomic.Int64

// count is CPU-bound work: tens of milliseconds for n in the tens of millions.
func count(n int) {
	x := 0
	for i := range n {
		x += i % 7
	}
	total.Add(int64(x))
}
