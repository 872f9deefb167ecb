package xray

import (
	"context"
	"os"
	"testing"
)

// BenchmarkResizeFast runs ResizeFast over the shared synthetic X-rays, file
// read included. imaging.Resize spreads over GOMAXPROCS goroutines: run with
// -cpu 1 for one core's cost. MB/s is compressed input.
func BenchmarkResizeFast(b *testing.B) {
	files, err := shared(b).Files("train", "NORMAL")
	if err != nil {
		b.Fatal(err)
	}
	total := int64(0)
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		total += fi.Size()
	}
	b.SetBytes(total / int64(len(files)))
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := ResizeFast(ctx, files[i%len(files)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}
