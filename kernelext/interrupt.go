package kernelext

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// The interrupt state of the program: while a run is active, SIGINT (GoNB's stop button,
// Control-C) cancels it instead of killing the program, so the tasks that finished keep
// their results and the workers are stopped cleanly; a second SIGINT exits at once. With no
// run active, SIGINT does what it always does.
var interrupts struct {
	once    sync.Once
	mu      sync.Mutex
	active  int
	fired   bool
	ctx     context.Context
	cancel  context.CancelCauseFunc
	signals chan os.Signal
}

// runContext derives the context of one run: cancelled with the parent or on interrupt.
func runContext(parent context.Context) (context.Context, func()) {
	interrupts.once.Do(func() {
		interrupts.ctx, interrupts.cancel = context.WithCancelCause(context.Background())
		interrupts.signals = make(chan os.Signal, 2)
		signal.Notify(interrupts.signals, os.Interrupt)
		go watchInterrupts()
	})
	ctx, cancel := context.WithCancelCause(parent)
	interrupts.mu.Lock()
	interrupts.active++
	fired := interrupts.fired
	interrupts.mu.Unlock()
	if fired {
		cancel(ErrInterrupted)
	}
	stopAfter := context.AfterFunc(interrupts.ctx, func() { cancel(ErrInterrupted) })
	return ctx, func() {
		stopAfter()
		cancel(context.Canceled)
		interrupts.mu.Lock()
		interrupts.active--
		interrupts.mu.Unlock()
	}
}

func watchInterrupts() {
	for range interrupts.signals {
		interrupts.mu.Lock()
		active, fired := interrupts.active, interrupts.fired
		interrupts.fired = true
		interrupts.mu.Unlock()
		if active == 0 || fired {
			// Nothing to stop gracefully, or asked twice: die as SIGINT would.
			signal.Reset(os.Interrupt)
			_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
			os.Exit(130)
		}
		interrupts.cancel(ErrInterrupted)
	}
}
