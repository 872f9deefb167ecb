//go:build !linux

package schedtrace

import "time"

// blockingSyscall is nil where there is no plain sleeping system call to test with.
var blockingSyscall func(time.Duration)

// cpuTime is 0: the cost test reports CPU time on Linux only.
func cpuTime() time.Duration { return 0 }
