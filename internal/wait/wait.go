// Package wait has the one sleep every workload of the project takes: a sleep that a
// cancelled context cuts short, as a toaster, a server's latency or the talk's
// time.sleep(1) between requests must be when a notebook cell is interrupted.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever comes first, and returns ctx.Err() in
// the second case. It returns ctx.Err() at once, without sleeping, when ctx is already
// done, and nil at once when d <= 0.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
