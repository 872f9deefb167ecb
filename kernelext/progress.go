package kernelext

import (
	"errors"
	"fmt"
	"html"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// progress is the live display of a run, the tqdm of the talk: in a notebook an HTML bar
// updated in place, in a terminal a line on stderr rewritten in place, elsewhere nothing.
type progress struct {
	show     bool
	notebook bool
	id       string
	total    atomic.Int64
	start    time.Time
	doneN    atomic.Int64
	failedN  atomic.Int64
	mu       sync.Mutex
	label    string
	stop     chan struct{}
	stopped  sync.WaitGroup
}

const progressEvery = 150 * time.Millisecond

func showProgressByDefault() bool {
	if os.Getenv(envWorker) != "" {
		return false
	}
	return gonbui.IsNotebook || isTerminal(os.Stderr)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func startProgress(label string, total int, show bool) *progress {
	p := &progress{show: show, notebook: gonbui.IsNotebook, label: label, start: time.Now(), stop: make(chan struct{})}
	p.total.Store(int64(total))
	if !show {
		return p
	}
	if p.notebook {
		p.id = "speedup-progress-" + gonbui.UniqueId()
	}
	p.render("running", nil)
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.render("running", nil)
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

// done counts n more finished tasks, failed of them failed.
func (p *progress) done(n, failed int) {
	p.doneN.Add(int64(n))
	p.failedN.Add(int64(failed))
}

// setTotal corrects the number of tasks the display expects.
func (p *progress) setTotal(n int) { p.total.Store(int64(n)) }

func (p *progress) setLabel(label string) {
	p.mu.Lock()
	p.label = label
	p.mu.Unlock()
}

// finish draws the final state: done, done with failures, or stopped with err.
func (p *progress) finish(failed int, err error) {
	if !p.show {
		return
	}
	close(p.stop)
	p.stopped.Wait()
	state := "done"
	switch {
	case errors.Is(err, ErrInterrupted):
		state = "interrupted"
	case err != nil:
		state = "stopped"
	case failed > 0:
		state = "done with failures"
	}
	p.render(state, err)
	if p.notebook {
		gonbui.Sync()
	} else {
		fmt.Fprintln(os.Stderr)
	}
}

func (p *progress) render(state string, err error) {
	p.mu.Lock()
	label := p.label
	p.mu.Unlock()
	done, failed, total := int(p.doneN.Load()), int(p.failedN.Load()), int(p.total.Load())
	elapsed := time.Since(p.start)
	frac := 0.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	eta := "?"
	if done > 0 && state == "running" {
		eta = clock(time.Duration(float64(total-done) / rate * float64(time.Second)))
	} else if state != "running" {
		eta = "00:00"
	}
	stats := fmt.Sprintf("%d/%d [%s<%s, %.1f tasks/s]", done, total, clock(elapsed), eta, rate)
	if failed > 0 {
		stats += fmt.Sprintf(", %d failed", failed)
	}
	if state != "running" {
		stats += " — " + state
	}
	if err != nil {
		stats += ": " + err.Error()
	}
	if !p.notebook {
		const width = 30
		bar := strings.Repeat("█", int(frac*width)) + strings.Repeat(" ", width-int(frac*width))
		fmt.Fprintf(os.Stderr, "\r%s %3.0f%%|%s| %s", label, frac*100, bar, stats)
		return
	}
	color := "#4c9a2a"
	if failed > 0 || (state != "running" && state != "done") {
		color = "#c0392b"
	}
	gonbui.UpdateHTML(p.id, fmt.Sprintf(
		`<div class="speedup-progress" data-state=%q data-done="%d" data-total="%d" data-failed="%d" style="font-family:monospace;font-size:13px;display:flex;gap:8px;align-items:center">`+
			`<span>%s</span><span style="display:inline-block;width:240px;height:12px;background:#e6e6e6;border-radius:3px;overflow:hidden">`+
			`<span style="display:block;height:100%%;width:%.1f%%;background:%s"></span></span><span>%3.0f%% %s</span></div>`,
		state, done, total, failed, html.EscapeString(label), frac*100, color, frac*100, html.EscapeString(stats)))
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
