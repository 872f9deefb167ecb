package schedtrace

import (
	"syscall"
	"time"
)

// blockingSyscall sleeps in the kernel, not in the Go scheduler.
var blockingSyscall = func(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}
