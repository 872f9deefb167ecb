package kernelext

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// waitTime is how long this process's threads have spent ready to run but waiting for a
// CPU (the kernel's schedstat run_delay, summed over the threads that are alive): time a
// busy machine adds to a run's wall time that the run's own work does not explain.
func waitTime() time.Duration {
	paths, _ := filepath.Glob("/proc/self/task/*/schedstat")
	var total time.Duration
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(data)); len(f) >= 2 {
			if ns, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				total += time.Duration(ns)
			}
		}
	}
	return total
}
