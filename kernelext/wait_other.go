//go:build !linux

package kernelext

import "time"

// waitTime is how long this process's threads have spent waiting for a CPU: unknown
// outside Linux, so 0.
func waitTime() time.Duration { return 0 }
