package usage_test

import (
	"fmt"
	"log"

	"github.com/speedup-go/speedup/internal/usage"
)

func runJob() (tasks int) { return 1 }

// Measure a job's CPU and memory over time, worker processes included, and the bytes this
// process allocated per task.
func Example() {
	s, err := usage.Start(0) // every 50 ms
	if err != nil {
		log.Fatal(err) // usage.ErrNotSupported outside Linux
	}
	allocated := usage.HeapAllocated()
	tasks := runJob()
	perTask := (usage.HeapAllocated() - allocated) / uint64(tasks)
	r := s.Stop()

	fmt.Printf("CPU %v, peak resident %d MB, %d bytes allocated per task\n", r.CPU, r.PeakRSS>>20, perTask)
	for _, x := range r.Samples {
		fmt.Printf("%6v %4.2f cores %5d MB in %d processes\n", x.T, x.Cores, x.RSS>>20, x.Procs)
	}
}
