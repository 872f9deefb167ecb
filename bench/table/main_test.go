package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A go test -bench output of three runs of the overhead benchmark and one of the network
// benchmark, as make bench writes it.
const benchOutput = `goos: linux
goarch: amd64
pkg: github.com/speedup-go/speedup/bench
BenchmarkOverheadGoVsPython-2   	1	 100 overhead-threads-py/go	 0.10 go/goroutines-µs/task	 20 python/threads-chunksize-1-µs/task
BenchmarkOverheadGoVsPython-2   	1	 300 overhead-threads-py/go	 0.30 go/goroutines-µs/task	 21 python/threads-chunksize-1-µs/task
BenchmarkOverheadGoVsPython-2   	1	 200 overhead-threads-py/go	 0.20 go/goroutines-µs/task	 22 python/threads-chunksize-1-µs/task
BenchmarkNetworkVsIdeal/N=100/W=40-2   	1	 0.25 go/py	 50 wall-ms	 200 py-wall-ms	 1.1 x-roofline	 1.05 x-floor	 100 client-µs/req
PASS
`

func TestTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.txt")
	if err := os.WriteFile(path, []byte(benchOutput), 0o644); err != nil {
		t.Fatal(err)
	}
	values, err := read([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	write(&out, values)
	table := out.String()
	words := strings.Join(strings.Fields(table), " ") // the figures, whatever the padding
	for _, want := range []string{
		// the median of three runs with their range, and the absolute figures beside it
		"goroutines vs ThreadPoolExecutor",
		"200.00× (100.00–300.00) 3 runs Go µs/task 0.20 (0.10–0.30); Python µs/task 21.00 (20.00–22.00)",
		// a time ratio Go ÷ Python is turned into a speed ratio: 0.25 → 4×
		"N=100, W=40 4.00× (4.00–4.00) 1 run Go ms 50.00 (50.00–50.00); Python ms 200.00 (200.00–200.00); × roofline 1.10 (1.10–1.10); × floor 1.05 (1.05–1.05)",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	// Rows the output does not have are shown as not run.
	if !strings.Contains(words, "best Go plain vs ProcessPoolExecutor — 0 runs") {
		t.Errorf("a benchmark that did not run is not shown as —:\n%s", table)
	}
	// Every ratio starts in the same column, across sections.
	col := -1
	for _, line := range strings.Split(table, "\n") {
		i := strings.Index(line, "× (")
		if i < 0 && !strings.Contains(line, "  —  ") {
			continue
		}
		if i < 0 {
			i = strings.Index(line, "—")
		} else {
			i = strings.LastIndex(line[:i], "  ") + 2
		}
		c := utf8.RuneCountInString(line[:i])
		if col < 0 {
			col = c
		} else if c != col {
			t.Errorf("ratio at column %d, want %d: %q", c, col, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing spaces: %q", line)
		}
	}
	if col < 0 {
		t.Fatalf("no ratio in the table:\n%s", table)
	}
}

func TestReadMissingFile(t *testing.T) {
	if _, err := read([]string{filepath.Join(t.TempDir(), "none.txt")}); err == nil {
		t.Fatal("no error for a missing file")
	}
}
