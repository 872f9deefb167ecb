//go:build !unix

package cpuprofile

import "time"

// quietly runs f; outside Unix the runtime's rate warning is printed.
func quietly(f func()) { f() }

// processCPU is unknown outside Unix.
func processCPU() time.Duration { return 0 }
