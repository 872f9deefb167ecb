package workloads

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestBurnToastDeterministic(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		slice int
		want  uint64 // pins the amount and kind of work (checked against a Python model of burn)
	}{
		{1, 0x36657a74ffa5d465},
		{2, 0xbf178fb16e634ae1},
		{100, 0x1628919b2a69eeed},
	}
	seen := map[uint64]int{}
	for _, tt := range tests {
		first, err := BurnToast(ctx, tt.slice)
		if err != nil {
			t.Fatalf("BurnToast(%d) error: %v", tt.slice, err)
		}
		again, err := BurnToast(ctx, tt.slice)
		if err != nil {
			t.Fatalf("BurnToast(%d) again, error: %v", tt.slice, err)
		}
		if first.Crumbs != again.Crumbs {
			t.Errorf("BurnToast(%d) crumbs %#x then %#x, want equal", tt.slice, first.Crumbs, again.Crumbs)
		}
		if first.Crumbs != tt.want {
			t.Errorf("BurnToast(%d) crumbs = %#x, want %#x", tt.slice, first.Crumbs, tt.want)
		}
		if first.Slice != tt.slice || first.PID != os.Getpid() || first.Minutes <= 0 {
			t.Errorf("BurnToast(%d) = %+v, want its slice, pid %d and a positive time", tt.slice, first, os.Getpid())
		}
		if s, ok := seen[first.Crumbs]; ok {
			t.Errorf("slices %d and %d give the same crumbs %#x", s, tt.slice, first.Crumbs)
		}
		seen[first.Crumbs] = tt.slice
	}
}

func TestBurnToastCancelled(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"already cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		// 1 ms is well under the ~20 ms of work, so only a look at ctx
		// while working catches it.
		{"deadline while burning", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			got, err := BurnToast(ctx, 5)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "slice 5") {
				t.Errorf("error %q does not name slice 5", err)
			}
			if got != (Toast{}) {
				t.Errorf("toast = %+v, want the zero Toast", got)
			}
		})
	}
}

func TestCountPrimes(t *testing.T) {
	tests := []struct {
		limit, want int
	}{
		{-5, 0}, {0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {10, 4},
		{100, 25}, {4096, 564}, {4097, 564}, {10_000, 1229}, {100_000, 9592},
	}
	for _, tt := range tests {
		got, err := CountPrimes(context.Background(), tt.limit)
		if err != nil || got != tt.want {
			t.Errorf("CountPrimes(%d) = %d, %v; want %d, nil", tt.limit, got, err, tt.want)
		}
	}
}

func TestCountPrimesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, limit := range []int{0, 100_000} {
		got, err := CountPrimes(ctx, limit)
		if !errors.Is(err, context.Canceled) || got != 0 {
			t.Errorf("CountPrimes(cancelled, %d) = %d, %v; want 0, context.Canceled", limit, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "up to") {
			t.Errorf("error %q does not name the limit", err)
		}
	}
}

func BenchmarkBurnToast(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := BurnToast(context.Background(), i); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCountPrimes100k(b *testing.B) {
	for b.Loop() {
		if _, err := CountPrimes(context.Background(), 100_000); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTinyTasks(t *testing.T) {
	if v, err := Nothing(context.Background(), 7); v != 7 || err != nil {
		t.Errorf("Nothing(7) = %v, %v", v, err)
	}
	if v, err := Square(context.Background(), 7); v != 49 || err != nil {
		t.Errorf("Square(7) = %v, %v", v, err)
	}
}
