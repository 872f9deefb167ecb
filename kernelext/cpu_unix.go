//go:build unix

package kernelext

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time of this process plus its terminated, waited-for
// children (the worker processes of finished runs).
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
