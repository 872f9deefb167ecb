package workloads

import (
	"context"
	"fmt"
	"os"
	"time"
)

// BurnRounds is how many rounds of integer hashing [BurnToast] does per slice:
// about 20 ms of one core (2 of the talk's minutes at DefaultMinute) on the
// 2-core machine it was tuned on.
const BurnRounds = 12_000_000

// burnChunk is how many rounds BurnToast does between looks at ctx (~0.1 ms).
const burnChunk = 1 << 16

// BurnToast is the CPU-bound toaster: it does [BurnRounds] rounds of integer
// hashing seeded by the slice number, and returns the slice, the wall time it
// took in the talk's minutes at [DefaultMinute], the pid, and the hash as
// Crumbs. The work and the Crumbs depend only on slice, so equal slices give
// equal Crumbs in every process; the time does not, since it depends on the
// machine and on how many goroutines share its cores.
//
// BurnToast looks at ctx before starting and about every 0.1 ms while working;
// once ctx is done it returns the zero Toast and an error that names the slice
// and wraps ctx.Err().
func BurnToast(ctx context.Context, slice int) (Toast, error) {
	start := time.Now()
	x := uint64(slice)
	for done := 0; done < BurnRounds; done += burnChunk {
		if err := ctx.Err(); err != nil {
			return Toast{}, fmt.Errorf("burn toast slice %d: %w", slice, err)
		}
		x = burn(x, done, min(burnChunk, BurnRounds-done))
	}
	return Toast{
		Slice:   slice,
		Minutes: Kitchen{}.TalkMinutes(time.Since(start)),
		PID:     os.Getpid(),
		Crumbs:  x,
	}, nil
}

// burn does rounds rounds of hashing on x, numbered from first. Each round
// depends on the previous one, so the work can be neither skipped nor
// vectorized.
func burn(x uint64, first, rounds int) uint64 {
	for i := first; i < first+rounds; i++ {
		x ^= x >> 31
		x *= 0x9e3779b97f4a7c15
		x += uint64(i)
	}
	return x
}

// CountPrimes counts the primes up to and including limit by trial division,
// on purpose the slow way: the work grows a little faster than limit (limit
// 100000 takes a few milliseconds of one core). It returns 0 for limit < 2.
//
// CountPrimes looks at ctx before starting and every 4096 numbers; once ctx is
// done it returns 0 and an error that names limit and wraps ctx.Err().
func CountPrimes(ctx context.Context, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("count primes up to %d: %w", limit, err)
	}
	count := 0
	for n := 2; n <= limit; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, fmt.Errorf("count primes up to %d: %w", limit, err)
			}
		}
		if isPrime(n) {
			count++
		}
	}
	return count, nil
}

// isPrime reports whether n ≥ 2 is prime, by trial division.
func isPrime(n int) bool {
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// Nothing is a task that does nothing: it returns its input. Running it measures what a
// strategy costs per task and nothing else.
func Nothing(_ context.Context, x int) (int, error) { return x, nil }

// Square squares its input: a task of a few nanoseconds, too small to share.
func Square(_ context.Context, x int) (int, error) { return x * x, nil }
