package xray

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedDS   *Dataset
	sharedErr  error
	sharedCfg  = Config{Count: 3, Seed: 1}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// shared is one small generated dataset (3 train/NORMAL images, 8 in all)
// for the tests that only read it.
func shared(t testing.TB) *Dataset {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "xray-test-")
		if sharedErr == nil {
			sharedDS, sharedErr = Generate(sharedDir, sharedCfg)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedDS
}

// writeJPEG encodes img as a JPEG at p.
func writeJPEG(t *testing.T, p string, img image.Image, quality int) {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func uniform(w, h int, v uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

// halves is black on the left half, white on the right.
func halves(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := w / 2; x < w; x++ {
			img.Pix[y*img.Stride+x] = 255
		}
	}
	return img
}

// tree hashes every file under root by its path relative to root.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var epoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// age sets the modification time of every file under root to epoch, so a
// later rewrite shows.
func age(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if err := os.Chtimes(p, epoch, epoch); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
}

// rewritten lists the files under root modified since age.
func rewritten(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil && !fi.ModTime().Equal(epoch) {
				out = append(out, p)
			}
		}
		return nil
	})
	return out
}

// writeZip makes a zip at p with the given entries (a name ending in / is a
// folder).
func writeZip(t *testing.T, p string, entries map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func jpegBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
