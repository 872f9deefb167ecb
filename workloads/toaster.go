package workloads

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/speedup-go/speedup/internal/wait"
)

// DefaultMinute is how long one of the talk's minutes lasts in the zero
// [Kitchen]: 100 slices × 2 minutes then take about 2 s on one toaster.
const DefaultMinute = 10 * time.Millisecond

// How long each step takes, in the talk's minutes.
const (
	ToastMinutes = 2 // one slice in the toaster
	BrewMinutes  = 5 // one pot of coffee
)

// Kitchen sets the pace of the talk's kitchen. The zero Kitchen is ready to use
// and runs at [DefaultMinute]; a Kitchen is a plain value, safe to copy and to
// use from many goroutines at once.
type Kitchen struct {
	// Minute is how long one of the talk's minutes lasts. Zero or negative
	// means DefaultMinute.
	Minute time.Duration
}

// Toast is one slice out of a toaster.
type Toast struct {
	Slice   int     // the slice's number, as given to the toaster
	Minutes float64 // wall time it took, in the talk's minutes
	PID     int     // os.Getpid() of the process that toasted it
	Crumbs  uint64  // BurnToast's checksum of its work; 0 from ToastSlice
}

// minute is k.Minute, or DefaultMinute when that is not positive.
func (k Kitchen) minute() time.Duration {
	if k.Minute <= 0 {
		return DefaultMinute
	}
	return k.Minute
}

// Duration is how long minutes of the talk's time last in k; it is the inverse
// of [Kitchen.TalkMinutes]. Zero minutes is zero; negative minutes give a
// negative duration.
func (k Kitchen) Duration(minutes float64) time.Duration {
	return time.Duration(minutes * float64(k.minute()))
}

// TalkMinutes converts a duration measured in k back to the talk's minutes:
// with the default 10 ms minute, 2 s is 200 minutes. Negative durations give
// negative minutes.
func (k Kitchen) TalkMinutes(d time.Duration) float64 {
	return float64(d) / float64(k.minute())
}

// ToastSlice toasts one slice: it sleeps [ToastMinutes] of k's minutes (really
// sleeps, using no CPU) and returns the slice, the minutes it took (never fewer
// than ToastMinutes) and the pid of the process that toasted it. Any slice
// number is accepted.
//
// If ctx is done before or while toasting, ToastSlice returns at once with the
// zero Toast and an error that names the slice and wraps ctx.Err().
func (k Kitchen) ToastSlice(ctx context.Context, slice int) (Toast, error) {
	start := time.Now()
	if err := wait.Sleep(ctx, k.Duration(ToastMinutes)); err != nil {
		return Toast{}, fmt.Errorf("toast slice %d: %w", slice, err)
	}
	return Toast{Slice: slice, Minutes: k.TalkMinutes(time.Since(start)), PID: os.Getpid()}, nil
}

// ToastUnlucky toasts like [Kitchen.ToastSlice], except that slice 13 catches fire: a task
// that fails, to show that a failing task fails alone.
func (k Kitchen) ToastUnlucky(ctx context.Context, slice int) (Toast, error) {
	if slice == 13 {
		return Toast{}, fmt.Errorf("slice %d caught fire", slice)
	}
	return k.ToastSlice(ctx, slice)
}

// Slices numbers n slices of bread: 1, 2, …, n. It returns an empty, non-nil
// slice when n ≤ 0.
func Slices(n int) []int {
	s := make([]int, max(n, 0))
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// TableMinutes is how long setting the table takes: the serial part of breakfast that
// no number of toasters speeds up, for Amdahl's law.
const TableMinutes = 20

// SetTable sets the breakfast table: [TableMinutes] of k's minutes that one person does
// alone, whatever the number of toasters. It returns early with an error wrapping
// ctx.Err() when ctx is done.
func (k Kitchen) SetTable(ctx context.Context) error {
	if err := wait.Sleep(ctx, k.Duration(TableMinutes)); err != nil {
		return fmt.Errorf("set the table: %w", err)
	}
	return nil
}
