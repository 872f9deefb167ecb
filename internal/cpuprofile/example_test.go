package cpuprofile_test

import (
	"fmt"
	"log"
	"os"
	"regexp"

	"github.com/speedup-go/speedup/internal/cpuprofile"
)

func runJob() {}

// A cell profiles itself while a job runs; each worker process records itself the same
// way into a file (Start(f, 0) ... Stop) that the cell reads when the worker is done.
func Example() {
	rec, err := cpuprofile.Start(nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	runJob()
	cell, err := rec.Stop()
	if err != nil {
		log.Fatal(err)
	}
	worker, err := cpuprofile.ReadFile(os.Getenv("WORKER_PROFILE"))
	if err != nil {
		log.Fatal(err)
	}
	merged, err := cpuprofile.Merge(cpuprofile.Source{Process: "cell", Profile: cell},
		cpuprofile.Source{Process: "worker 1", Profile: worker})
	if err != nil {
		log.Fatal(err)
	}
	// go tool pprof -http=: job.pb.gz
	if err := cpuprofile.WriteFile("job.pb.gz", merged); err != nil {
		log.Fatal(err)
	}

	// The flame graph starts at the task: below the harness frame that calls it.
	callsTask := regexp.MustCompile(`^github\.com/speedup-go/speedup/kernelext\.safeCall\b`)
	task, report, err := cpuprofile.Trim(merged, callsTask.MatchString)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.0f%% of the CPU time was outside the task (GC %v, I/O %v)\n",
		100*report.OutsideFraction(), report.GC, report.IO)
	tree, _ := cpuprofile.Tree(task, 0.01) // frames under 1% merged into "(other)"
	fmt.Println(tree.Name, tree.Value)
	top, _ := cpuprofile.Top(task, 10, cpuprofile.ByFlat)
	for _, r := range top {
		fmt.Printf("%8v %5.1f%% %8v %5.1f%%  %s\n", r.Flat, r.FlatPct, r.Cum, r.CumPct, r.Function)
	}
}
