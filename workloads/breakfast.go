package workloads

import (
	"context"
	"fmt"
	"time"

	"github.com/speedup-go/speedup/internal/wait"
)

// Step is one thing done while making breakfast, with its start and end as
// offsets from the start of breakfast.
type Step struct {
	Name       string // "brew coffee", "toast slice 1" or "toast slice 2"
	Who        string // what does it: "coffee machine" or "toaster"
	Start, End time.Duration
}

// Breakfast is what [Kitchen.MakeBreakfast] did and how long it all took.
type Breakfast struct {
	Name  string        // "synchronous" or "asynchronous"
	Steps []Step        // in plan order: brew coffee, toast slice 1, toast slice 2
	Total time.Duration // from the start of breakfast until every step is done
}

// MakeBreakfast makes the talk's breakfast for real, sleeping k's minutes:
// brew coffee ([BrewMinutes], 5 minutes) and toast two slices one at a time in
// one toaster ([ToastMinutes] each, with [Kitchen.ToastSlice]).
//
// Synchronously (async false) it does one step after the other: 5 + 2 + 2 = 9
// minutes. Asynchronously it starts the coffee brewing on its own goroutine,
// toasts both slices meanwhile, then waits for the coffee: 5 minutes, the
// longest step. Steps are listed in plan order either way, and every step lasts
// at least its minutes, so Total is at least 9 minutes synchronously and 5
// asynchronously.
//
// If ctx is done before or during breakfast, MakeBreakfast stops every step at
// once and returns the steps that finished, the time so far and an error that
// names the interrupted step and wraps ctx.Err() (the coffee's error first if
// both were interrupted). No goroutine outlives the call.
func (k Kitchen) MakeBreakfast(ctx context.Context, async bool) (Breakfast, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()

	brew := func() (Step, error) {
		s := Step{Name: "brew coffee", Who: "coffee machine", Start: time.Since(start)}
		if err := wait.Sleep(ctx, k.Duration(BrewMinutes)); err != nil {
			return s, fmt.Errorf("brew coffee: %w", err)
		}
		s.End = time.Since(start)
		return s, nil
	}
	toast := func() ([]Step, error) {
		var steps []Step
		for slice := 1; slice <= 2; slice++ {
			s := Step{Name: fmt.Sprintf("toast slice %d", slice), Who: "toaster", Start: time.Since(start)}
			if _, err := k.ToastSlice(ctx, slice); err != nil {
				return steps, err
			}
			s.End = time.Since(start)
			steps = append(steps, s)
		}
		return steps, nil
	}

	var (
		coffee        Step
		toasts        []Step
		brewErr, tErr error
	)
	if async {
		type brewed struct {
			step Step
			err  error
		}
		done := make(chan brewed, 1)
		go func() {
			s, err := brew()
			done <- brewed{s, err}
		}()
		toasts, tErr = toast()
		if tErr != nil {
			cancel() // no coffee without toast: stop brewing
		}
		b := <-done
		coffee, brewErr = b.step, b.err
	} else {
		coffee, brewErr = brew()
		if brewErr == nil {
			toasts, tErr = toast()
		}
	}

	b := Breakfast{Name: "synchronous"}
	if async {
		b.Name = "asynchronous"
	}
	if brewErr == nil {
		b.Steps = append(b.Steps, coffee)
	}
	b.Steps = append(b.Steps, toasts...)
	b.Total = time.Since(start)
	switch {
	case brewErr != nil:
		return b, fmt.Errorf("make breakfast: %w", brewErr)
	case tErr != nil:
		return b, fmt.Errorf("make breakfast: %w", tErr)
	}
	return b, nil
}
