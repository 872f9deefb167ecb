package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/speedup-go/speedup/kernelext"
	"github.com/speedup-go/speedup/python"
	"github.com/speedup-go/speedup/workloads/xray"
)

// The image tasks, at package level so that worker processes find them.
var (
	resize     = kernelext.NewTask("bench.xray.resize", xray.Resize)
	resizeFast = kernelext.NewTask("bench.xray.resize-fast", xray.ResizeFast)
)

// imageTasks are the tasks the benchmark runs, with the names its metrics use.
var imageTasks = []struct {
	name string
	task *kernelext.Task[string, xray.Thumb]
}{{"resize", resize}, {"resize-fast", resizeFast}}

// benchImages is the size of the synthetic train/NORMAL folder the image benchmark uses.
const benchImages = 60

func xrayFiles(tb testing.TB) []string {
	tb.Helper()
	ds, err := xray.Generate(filepath.Join("..", "build", "data", "bench-xray"), xray.Config{Count: benchImages, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// BenchmarkImagesGoVsPython resizes the same synthetic X-rays to 64x64 under every Go
// strategy, plain (image/jpeg) and optimized (DC-only decode), and with the talk's Python
// (list comprehension, map, ProcessPoolExecutor; plain and with Pillow's draft), all in one
// run on one machine, and reports images per second for each and the ratio of the best Go
// strategy to Python's ProcessPoolExecutor. For the optimized Go strategies and Python's
// draft pool it also reports MB/s of compressed input per core. Without a Python that has
// Pillow and NumPy it reports the Go side only.
//
//	go test -run '^$' -bench Images -benchtime 1x ./bench/
func BenchmarkImagesGoVsPython(b *testing.B) {
	files := xrayFiles(b)
	ctx := context.Background()
	cores := runtime.NumCPU()
	strategies := []kernelext.Strategy{kernelext.Sequential(), kernelext.Goroutines(cores), kernelext.Processes(cores)}
	coresUsed := []int{1, cores, cores} // by each strategy, for MB/s per core
	rate := func(d time.Duration) float64 { return float64(len(files)) / d.Seconds() }
	// Compressed input per core: the decoder's throughput, comparable across machines
	// and with the JPEG decoder benchmarks (go test -bench . ./workloads/xray/jpegdc/).
	var inputBytes int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		inputBytes += fi.Size()
	}
	mbPerCore := func(imgPerSec float64, n int) float64 {
		return imgPerSec * float64(inputBytes) / float64(len(files)) / 1e6 / float64(n)
	}
	py, pyErr := python.Find()
	if pyErr != nil {
		b.Logf("Python side skipped: %v", pyErr)
	}
	for b.Loop() {
		best := map[*kernelext.Task[string, xray.Thumb]]float64{}
		for _, t := range imageTasks {
			for i, s := range strategies {
				run, err := kernelext.Map(ctx, s, t.task, files, kernelext.Quiet())
				if err != nil || run.Failed() > 0 {
					b.Fatalf("%s %v: %v %v", t.name, s, err, run.Errors())
				}
				r := rate(run.Wall)
				name := t.name + "/" + s.String()
				b.ReportMetric(r, name+"-img/s")
				if t.task == resizeFast {
					b.ReportMetric(mbPerCore(r, coresUsed[i]), name+"-MB/s/core")
				}
				best[t.task] = max(best[t.task], r)
			}
		}
		if pyErr != nil {
			continue
		}
		for _, draft := range []bool{false, true} {
			res, err := python.Run(ctx, py, files, python.Options{Workers: cores, Repeat: 1, Warmup: 1, Draft: draft})
			if err != nil {
				b.Fatal(err)
			}
			suffix := ""
			if draft {
				suffix = "-draft"
			}
			for _, m := range python.Methods {
				b.ReportMetric(res.ImagesPerSecond(m), "python"+suffix+"/"+m+"-img/s")
			}
			pool := res.ImagesPerSecond(python.Pool)
			if draft {
				b.ReportMetric(mbPerCore(pool, cores), "python-draft/pool-MB/s/core")
			}
			b.ReportMetric(best[resize]/pool, "go-plain/py"+suffix+"-pool")
			b.ReportMetric(best[resizeFast]/pool, "go-fast/py"+suffix+"-pool")
		}
	}
}

// TestImageBenchmarkSetup keeps the benchmark's set-up honest in normal test runs: the
// data set generates, and both tasks resize a file under the process strategy.
func TestImageBenchmarkSetup(t *testing.T) {
	files := xrayFiles(t)
	if len(files) != benchImages {
		t.Fatalf("%d files, want %d", len(files), benchImages)
	}
	for _, it := range imageTasks {
		run, err := kernelext.Map(context.Background(), kernelext.Processes(2), it.task, files[:2])
		if err != nil || run.Failed() > 0 || len(run.Values()[0].Pix) != xray.Size*xray.Size {
			t.Errorf("%s: %v %v", it.name, err, run.Errors())
		}
	}
}
