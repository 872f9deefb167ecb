package workloads

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestToastSlice(t *testing.T) {
	tests := []struct {
		name   string
		minute time.Duration
		slice  int
	}{
		{"one ms minute", time.Millisecond, 1},
		{"three ms minute", 3 * time.Millisecond, 42},
		{"negative slice number", time.Millisecond, -7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Kitchen{Minute: tt.minute}
			start := time.Now()
			got, err := k.ToastSlice(context.Background(), tt.slice)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("ToastSlice(%d) error: %v", tt.slice, err)
			}
			if got.Slice != tt.slice || got.PID != os.Getpid() || got.Crumbs != 0 {
				t.Errorf("ToastSlice(%d) = %+v, want slice %d, pid %d, no crumbs", tt.slice, got, tt.slice, os.Getpid())
			}
			if got.Minutes < ToastMinutes {
				t.Errorf("Minutes = %v, want at least %d", got.Minutes, ToastMinutes)
			}
			if want := 2 * tt.minute; elapsed < want {
				t.Errorf("ToastSlice returned after %v, want at least %v", elapsed, want)
			}
		})
	}
}

func TestToastSliceCancelled(t *testing.T) {
	// A minute of 500 ms makes a toast 1 s long: an implementation that ignores
	// ctx still finishes the test, and fails it.
	k := Kitchen{Minute: 500 * time.Millisecond}
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
		{"deadline while toasting", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 10*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			got, err := k.ToastSlice(ctx, 3)
			if elapsed := time.Since(start); elapsed > 250*time.Millisecond {
				t.Errorf("returned after %v, want promptly", elapsed)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "slice 3") {
				t.Errorf("error %q does not name slice 3", err)
			}
			if got != (Toast{}) {
				t.Errorf("toast = %+v, want the zero Toast", got)
			}
		})
	}
}

func TestTalkMinutes(t *testing.T) {
	tests := []struct {
		name    string
		minute  time.Duration
		minutes float64
		want    time.Duration
	}{
		{"zero kitchen, toast", 0, 2, 20 * time.Millisecond},
		{"zero kitchen, talk's sequential toast", 0, 200, 2 * time.Second},
		{"negative minute is default", -time.Second, 5, 50 * time.Millisecond},
		{"real minutes", time.Minute, 9, 9 * time.Minute},
		{"fraction", 2 * time.Millisecond, 2.5, 5 * time.Millisecond},
		{"zero", time.Millisecond, 0, 0},
		{"negative", time.Millisecond, -3, -3 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Kitchen{Minute: tt.minute}
			d := k.Duration(tt.minutes)
			if d != tt.want {
				t.Errorf("Duration(%v) = %v, want %v", tt.minutes, d, tt.want)
			}
			if back := k.TalkMinutes(d); math.Abs(back-tt.minutes) > 1e-9 {
				t.Errorf("TalkMinutes(Duration(%v)) = %v", tt.minutes, back)
			}
		})
	}
}

func TestSlices(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{-1, []int{}},
		{0, []int{}},
		{1, []int{1}},
		{4, []int{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		if got := Slices(tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Slices(%d) = %#v, want %#v", tt.n, got, tt.want)
		}
	}
	if got := Slices(100); len(got) != 100 || got[99] != 100 {
		t.Errorf("Slices(100) has %d slices ending in %d, want 100 ending in 100", len(got), got[len(got)-1])
	}
}

// TestGob checks that task inputs and outputs survive the trip to a worker
// process and back.
func TestGob(t *testing.T) {
	values := []any{
		Toast{Slice: 7, Minutes: 2.01, PID: 1234, Crumbs: 99},
		Breakfast{Steps: []Step{{Name: "brew coffee", Start: 0, End: 5 * time.Millisecond}}, Total: 6 * time.Millisecond},
	}
	for _, v := range values {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			t.Fatalf("encode %T: %v", v, err)
		}
		got := reflect.New(reflect.TypeOf(v))
		if err := gob.NewDecoder(&buf).DecodeValue(got); err != nil {
			t.Fatalf("decode %T: %v", v, err)
		}
		if !reflect.DeepEqual(got.Elem().Interface(), v) {
			t.Errorf("gob round trip of %T = %+v, want %+v", v, got.Elem().Interface(), v)
		}
	}
}

func TestSetTableTakesItsMinutesAndStopsOnCancel(t *testing.T) {
	k := Kitchen{Minute: time.Millisecond}
	start := time.Now()
	if err := k.SetTable(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := k.TalkMinutes(time.Since(start)); got < TableMinutes {
		t.Errorf("setting the table took %.1f minutes, want at least %d", got, TableMinutes)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Kitchen{Minute: time.Second}).SetTable(ctx); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "set the table") {
		t.Errorf("cancelled SetTable = %v", err)
	}
}

func TestUnluckySliceCatchesFire(t *testing.T) {
	k := Kitchen{Minute: time.Millisecond}
	if _, err := k.ToastUnlucky(context.Background(), 13); err == nil || !strings.Contains(err.Error(), "slice 13 caught fire") {
		t.Errorf("slice 13: %v", err)
	}
	if toast, err := k.ToastUnlucky(context.Background(), 12); err != nil || toast.Slice != 12 {
		t.Errorf("slice 12: %+v, %v", toast, err)
	}
}
