package kernelext

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/speedup-go/speedup/charts"
)

// envChartsDir names a folder where, outside a notebook, [Display] writes each chart as
// an offline HTML page.
const envChartsDir = "SPEEDUP_CHARTS_DIR"

// Display shows charts: inline in a notebook; elsewhere, when $SPEEDUP_CHARTS_DIR is set,
// as offline HTML pages in that folder (one per chart, named after its title), else not at
// all, so that notebook code runs unchanged in tests and programs.
func Display(cs ...*charts.Chart) {
	if gonbui.IsNotebook {
		var b strings.Builder
		for i, c := range cs {
			b.WriteString(c.Fragment(i == 0 && sessionNeedsBundle()))
		}
		gonbui.DisplayHTML(b.String())
		gonbui.Sync()
		return
	}
	dir := os.Getenv(envChartsDir)
	if dir == "" {
		return
	}
	for _, c := range cs {
		path := filepath.Join(dir, slug(c.Title())+".html")
		if err := writeChartPage(path, c); err != nil {
			fmt.Fprintf(os.Stderr, "kernelext: writing chart %q: %v\n", c.Title(), err)
		}
	}
}

// showNote shows one line of text: in a notebook as a paragraph, elsewhere printed.
func showNote(line string) {
	showHTML(`<p class="speedup-note" style="font-family:monospace;white-space:pre-wrap">`+html.EscapeString(line)+`</p>`, line+"\n")
}

// showHTML shows html in a notebook, or prints text elsewhere.
func showHTML(html, text string) {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(html)
		gonbui.Sync()
		return
	}
	fmt.Print(text)
}

func writeChartPage(path string, c *charts.Chart) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := charts.WritePage(f, c.Title(), c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sessionNeedsBundle reports whether this chart output must carry the ECharts library:
// once per kernel session, not once per cell, so that a saved notebook holds one copy
// (about 270 KB) however many cells draw charts. GoNB runs every cell as a new process but
// keeps $GONB_TMP_DIR for the kernel's life, so a marker file there remembers it; a kernel
// restart starts a new folder, and the next chart carries the library again.
func sessionNeedsBundle() bool {
	if bundleSent.Swap(true) {
		return false
	}
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return true
	}
	f, err := os.OpenFile(filepath.Join(dir, "speedup-"+charts.BundleVersion), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		// Already sent in this session, or we cannot tell: then better send it again.
		return !errors.Is(err, fs.ErrExist)
	}
	f.Close()
	return true
}

var bundleSent atomic.Bool

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "chart"
	}
	return s
}
