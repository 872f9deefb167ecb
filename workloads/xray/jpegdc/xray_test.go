package jpegdc_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/speedup-go/speedup/workloads/xray"
	"github.com/speedup-go/speedup/workloads/xray/jpegdc"
)

var (
	xraysOnce  sync.Once
	xrays      [][]byte
	xrayNames  []string
	xraysErr   error
	xrayConfig = xray.Config{Count: 3, Seed: 1} // 8 images in all; bench/ uses seed 1 too
)

// syntheticXRays generates a small synthetic X-ray set once per test binary,
// in a temporary folder it removes again, and returns the bytes of all its
// images (normal and pneumonia, 1000–2900 px, about 200 kB each).
func syntheticXRays(tb testing.TB) [][]byte {
	tb.Helper()
	xraysOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jpegdc-xrays-")
		if err != nil {
			xraysErr = err
			return
		}
		defer os.RemoveAll(dir)
		ds, err := xray.Generate(dir, xrayConfig)
		if err != nil {
			xraysErr = err
			return
		}
		for _, split := range xray.Splits {
			for _, class := range xray.Classes {
				files, err := ds.Files(split, class)
				if err != nil {
					xraysErr = err
					return
				}
				for _, f := range files {
					b, err := os.ReadFile(f)
					if err != nil {
						xraysErr = err
						return
					}
					xrays = append(xrays, b)
					xrayNames = append(xrayNames, filepath.Base(f))
				}
			}
		}
	})
	if xraysErr != nil {
		tb.Fatal(xraysErr)
	}
	return xrays
}

// TestXRaysMatchReference checks Decode against the reference decoder, byte
// for byte, on the synthetic X-rays the notebooks and benchmarks use.
func TestXRaysMatchReference(t *testing.T) {
	for i, data := range syntheticXRays(t) {
		want, err := jpegdc.RefDecode(data)
		if err != nil {
			t.Fatalf("%s: reference: %v", xrayNames[i], err)
		}
		got, err := jpegdc.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", xrayNames[i], err)
		}
		if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%s: Decode differs from the reference", xrayNames[i])
		}
	}
}

// TestDecodeConcurrent decodes the X-rays on several goroutines at once,
// which share the cached lookup tables (run with -race).
func TestDecodeConcurrent(t *testing.T) {
	files := syntheticXRays(t)
	want := make([][]byte, len(files))
	for i, f := range files {
		img, err := jpegdc.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = img.Pix
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for j := range files {
				i := (j + g) % len(files)
				img, err := jpegdc.Decode(bytes.NewReader(files[i]))
				if err != nil || !bytes.Equal(img.Pix, want[i]) {
					t.Errorf("%s on goroutine %d: %v", xrayNames[i], g, err)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkDecodeXRays decodes the synthetic X-rays one after another on one
// goroutine, all of them per op: MB/s is compressed input per core, img/s
// images per core.
func BenchmarkDecodeXRays(b *testing.B) {
	files := syntheticXRays(b)
	total := 0
	for _, f := range files {
		total += len(f)
	}
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, f := range files {
			if _, err := jpegdc.Decode(bytes.NewReader(f)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "img/s")
}
