// Command table reads the output of the project's benchmarks (go test -bench ./bench/,
// several counts) and prints one table: for each comparison with Python, how many times
// faster Go is, the median of the runs with their range, and the figures behind it.
//
//	go test -run '^$' -bench . -benchtime 1x -count 3 ./bench/ > bench.txt
//	go run ./bench/table bench.txt
//
// make bench does both. A ratio above 1 means Go is faster; "—" means a side did not run
// (no Python with Pillow and NumPy, say).
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/speedup-go/speedup/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// row is one line of the table: a metric of one benchmark, shown as "Go ÷ Python in
// speed". A time ratio Go ÷ Python (lower is better for Go) is inverted.
type row struct {
	section, label string
	bench, unit    string // the benchmark's name (without "Benchmark" and the -N suffix) and its metric
	invert         bool   // the metric is Go's time over Python's
	detail         []detail
}

// detail is an absolute figure printed beside a ratio: unit of the same benchmark.
type detail struct{ name, unit string }

var rows = []row{
	{section: "per-task overhead: 20,000 tasks that do nothing, 2 workers, pool start-up included", label: "goroutines vs ThreadPoolExecutor",
		bench: "OverheadGoVsPython", unit: "overhead-threads-py/go",
		detail: []detail{{"Go µs/task", "go/goroutines-µs/task"}, {"Python µs/task", "python/threads-chunksize-1-µs/task"}}},
	{label: "processes one task at a time vs chunksize=1", bench: "OverheadGoVsPython", unit: "overhead-processes-chunk-1-py/go",
		detail: []detail{{"Go µs/task", "go/processes-batch-1-µs/task"}, {"Python µs/task", "python/processes-chunksize-1-µs/task"}}},
	{label: "processes, batches of 100 vs chunksize=100", bench: "OverheadGoVsPython", unit: "overhead-processes-chunk-100-py/go",
		detail: []detail{{"Go µs/task", "go/processes-batch-100-µs/task"}, {"Python µs/task", "python/processes-chunksize-100-µs/task"}}},
	{label: "processes, batches sized by the pool vs chunksize=100", bench: "OverheadGoVsPython", unit: "overhead-processes-auto-vs-chunk-100-py/go",
		detail: []detail{{"Go µs/task", "go/processes-auto-µs/task"}, {"Python µs/task", "python/processes-chunksize-100-µs/task"}}},
	{section: "images: 60 synthetic X-rays to 64×64, 2 cores", label: "best Go plain vs ProcessPoolExecutor", bench: "ImagesGoVsPython", unit: "go-plain/py-pool",
		detail: []detail{{"Python img/s", "python/pool-img/s"}}},
	{label: "best Go optimized vs ProcessPoolExecutor with draft", bench: "ImagesGoVsPython", unit: "go-fast/py-draft-pool",
		detail: []detail{{"Go img/s", "resize-fast/goroutines×2-img/s"}, {"Python img/s", "python-draft/pool-img/s"}, {"Go MB/s/core", "resize-fast/sequential-MB/s/core"}}},
	{section: "network: N days on W goroutines vs the talk's requests + ThreadPoolExecutor, server in its own process", label: "N=100, W=40",
		bench: "NetworkVsIdeal/N=100/W=40", unit: "go/py", invert: true,
		detail: []detail{{"Go ms", "wall-ms"}, {"Python ms", "py-wall-ms"}, {"× roofline", "x-roofline"}, {"× floor", "x-floor"}, {"client µs/req", "client-µs/req"}}},
	{label: "N=1000, W=100", bench: "NetworkVsIdeal/N=1000/W=100", unit: "go/py", invert: true,
		detail: []detail{{"Go ms", "wall-ms"}, {"Python ms", "py-wall-ms"}, {"× roofline", "x-roofline"}, {"× floor", "x-floor"}, {"client µs/req", "client-µs/req"}}},
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: table BENCH-OUTPUT...")
		os.Exit(2)
	}
	values, err := read(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	write(os.Stdout, values)
}

// read collects every value of every metric, by benchmark name and unit.
func read(paths []string) (map[[2]string][]float64, error) {
	values := map[[2]string][]float64{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		r := benchfmt.NewReader(f, path)
		for r.Scan() {
			res, ok := r.Result().(*benchfmt.Result)
			if !ok {
				continue
			}
			name := strings.TrimPrefix(string(res.Name.Full()), "Benchmark")
			if i := strings.LastIndex(name, "-"); i > 0 && !strings.ContainsAny(name[i+1:], "=/") {
				name = name[:i] // the -GOMAXPROCS suffix
			}
			for _, v := range res.Values {
				unit, value := v.OrigUnit, v.OrigValue
				if unit == "" { // not converted by the reader: as written
					unit, value = v.Unit, v.Value
				}
				values[[2]string{name, unit}] = append(values[[2]string{name, unit}], value)
			}
		}
		f.Close()
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	return values, nil
}

// summary is "median (min–max)" of xs, inverted if asked, "—" for none.
func summary(xs []float64, invert bool) (string, int) {
	if len(xs) == 0 {
		return "—", 0
	}
	s := slices.Clone(xs)
	if invert {
		for i, x := range s {
			s[i] = 1 / x
		}
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", stats.Median(s), stats.Min(s), stats.Max(s)), len(s)
}

func write(w io.Writer, values map[[2]string][]float64) {
	fmt.Fprintln(w, "Go ÷ Python, in speed: above 1 Go is faster; median of the runs (min–max); measured side by side in one run")
	type line struct{ section, label, ratio, rest string }
	var lines []line
	labelW, ratioW := 0, 0
	for _, r := range rows {
		ratio, n := summary(values[[2]string{r.bench, r.unit}], r.invert)
		var details []string
		for _, d := range r.detail {
			s, _ := summary(values[[2]string{r.bench, d.unit}], false)
			details = append(details, d.name+" "+strings.Replace(s, "×", "", 1))
		}
		lines = append(lines, line{r.section, r.label, ratio, fmt.Sprintf("%d %s  %s", n, plural(n, "run"), strings.Join(details, "; "))})
		labelW = max(labelW, utf8.RuneCountInString(r.label))
		ratioW = max(ratioW, utf8.RuneCountInString(ratio))
	}
	// One alignment for every section, so that the ratios read down a single column.
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-utf8.RuneCountInString(s)) }
	for _, l := range lines {
		if l.section != "" {
			fmt.Fprintf(w, "\n%s\n", l.section)
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", pad(l.label, labelW), pad(l.ratio, ratioW), l.rest)
	}
}

// plural is word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
