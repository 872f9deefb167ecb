package kernelext

import (
	"fmt"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
)

// Durations are repeated measurements of one thing.
type Durations []time.Duration

// Median is the middle measurement (the mean of the two middle ones for an even count),
// 0 for none.
func (d Durations) Median() time.Duration { return stats.Median(d) }

// formatDuration prints a duration with three significant digits in a fitting unit.
func formatDuration(d time.Duration) string {
	switch s := d.Seconds(); {
	case d == 0:
		return "0 s"
	case s >= 100:
		return fmt.Sprintf("%.0f s", s)
	case s >= 1:
		return fmt.Sprintf("%.3g s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.3g ms", s*1e3)
	case s >= 1e-6:
		return fmt.Sprintf("%.3g µs", s*1e6)
	}
	return fmt.Sprintf("%d ns", d.Nanoseconds())
}
