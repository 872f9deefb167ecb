package xray

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type resizer struct {
	name string
	fn   func(context.Context, string) (Thumb, error)
}

var resizers = []resizer{{"Resize", Resize}, {"ResizeFast", ResizeFast}}

func TestResizeKnownImages(t *testing.T) {
	dir := t.TempDir()
	uni := filepath.Join(dir, "uniform.jpeg")
	writeJPEG(t, uni, uniform(203, 157, 100), 95)
	half := filepath.Join(dir, "halves.jpeg")
	writeJPEG(t, half, halves(256, 128), 95)
	col := filepath.Join(dir, "colour.jpeg")
	rgb := image.NewRGBA(image.Rect(0, 0, 120, 90))
	for i := 0; i < len(rgb.Pix); i += 4 {
		copy(rgb.Pix[i:], []byte{200, 100, 50, 255})
	}
	writeJPEG(t, col, rgb, 95)
	pngPath := filepath.Join(dir, "halves.png")
	var buf bytes.Buffer
	png.Encode(&buf, halves(256, 128))
	os.WriteFile(pngPath, buf.Bytes(), 0o644)

	for _, r := range resizers {
		t.Run(r.name, func(t *testing.T) {
			th, err := r.fn(t.Context(), uni)
			if err != nil {
				t.Fatal(err)
			}
			if th.Path != uni || th.Width != 203 || th.Height != 157 || len(th.Pix) != Size*Size {
				t.Fatalf("got %s %dx%d with %d pixels", th.Path, th.Width, th.Height, len(th.Pix))
			}
			for i, v := range th.Pix {
				if v < 99 || v > 101 {
					t.Fatalf("uniform 100: pixel %d is %d", i, v)
				}
			}

			for _, p := range []string{half, pngPath} {
				th, err = r.fn(t.Context(), p)
				if err != nil {
					t.Fatal(err)
				}
				for y := 0; y < Size; y++ {
					for x := 0; x < Size; x++ {
						v := th.Pix[y*Size+x]
						if x < Size/2-4 && v > 10 || x >= Size/2+4 && v < 245 {
							t.Fatalf("%s: pixel (%d,%d) is %d: want dark left, bright right", filepath.Base(p), x, y, v)
						}
					}
				}
				if th.Width != 256 || th.Height != 128 {
					t.Errorf("%s: size %dx%d", p, th.Width, th.Height)
				}
			}

			// A colour JPEG becomes its luma: 0.299*200 + 0.587*100 + 0.114*50.
			th, err = r.fn(t.Context(), col)
			if err != nil {
				t.Fatal(err)
			}
			want := color.GrayModel.Convert(color.RGBA{200, 100, 50, 255}).(color.Gray).Y
			if d := int(th.Pix[Size*Size/2]) - int(want); d < -3 || d > 3 {
				t.Errorf("colour image: %d, want %d", th.Pix[Size*Size/2], want)
			}
		})
	}
}

func TestResizeFastCloseToResize(t *testing.T) {
	ds := shared(t)
	var files []string
	for _, class := range Classes {
		f, _ := ds.Files("train", class)
		files = append(files, f...)
	}
	for _, f := range files {
		a, err := Resize(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ResizeFast(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if a.Width != b.Width || a.Height != b.Height {
			t.Errorf("%s: sizes %dx%d and %dx%d", f, a.Width, a.Height, b.Width, b.Height)
		}
		sum, worst := 0, 0
		for i := range a.Pix {
			d := int(a.Pix[i]) - int(b.Pix[i])
			d = max(d, -d)
			sum += d
			worst = max(worst, d)
		}
		mean := float64(sum) / float64(len(a.Pix))
		t.Logf("%s: mean abs difference %.2f, max %d", filepath.Base(f), mean, worst)
		if mean > 3 {
			t.Errorf("%s: ResizeFast differs from Resize by %.2f levels on average", f, mean)
		}
	}
}

func TestResizeErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jpeg")
	writeJPEG(t, good, uniform(64, 64, 50), 90)
	data, _ := os.ReadFile(good)
	corrupt := filepath.Join(dir, "corrupt.jpeg")
	bad := append([]byte{}, data...)
	for i := len(bad) / 2; i < len(bad)-2; i++ {
		bad[i] = 0xFF // markers where entropy-coded data should be
	}
	os.WriteFile(corrupt, bad, 0o644)
	truncated := filepath.Join(dir, "truncated.jpeg")
	os.WriteFile(truncated, data[:len(data)/3], 0o644)
	text := filepath.Join(dir, "notes.jpeg")
	os.WriteFile(text, []byte("this is a text file, not an image\n"), 0o644)
	missing := filepath.Join(dir, "missing.jpeg")
	folder := filepath.Join(dir, "folder.jpeg")
	os.Mkdir(folder, 0o755)

	batch := []string{good, corrupt, truncated, text, missing, folder, good}
	for _, r := range resizers {
		t.Run(r.name, func(t *testing.T) {
			for i, p := range batch {
				th, err := r.fn(t.Context(), p)
				if p == good {
					if err != nil {
						t.Errorf("%d: the good file failed: %v", i, err)
					}
					continue
				}
				if err == nil {
					t.Errorf("%s: no error (%dx%d)", filepath.Base(p), th.Width, th.Height)
					continue
				}
				if !strings.Contains(err.Error(), p) || strings.Count(err.Error(), p) > 1 {
					t.Errorf("%s: error %q should name the path once", filepath.Base(p), err)
				}
			}
		})
	}
}

func TestResizeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p := filepath.Join(t.TempDir(), "a.jpeg")
	writeJPEG(t, p, uniform(16, 16, 1), 90)
	for _, r := range resizers {
		_, err := r.fn(ctx, p)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want context.Canceled naming the path", r.name, err)
		}
	}
}

func TestGather(t *testing.T) {
	thumbs := make([]Thumb, 3)
	for i := range thumbs {
		if i == 1 {
			continue // a failed task's zero Thumb
		}
		thumbs[i] = Thumb{Pix: bytes.Repeat([]byte{byte(10 * (i + 1))}, Size*Size)}
	}
	out := Gather(thumbs)
	if len(out) != 3*Size*Size {
		t.Fatalf("len %d", len(out))
	}
	for i, want := range []byte{10, 0, 30} {
		img := out[i*Size*Size : (i+1)*Size*Size]
		if img[0] != want || img[Size*Size-1] != want {
			t.Errorf("image %d: %d..%d, want %d", i, img[0], img[Size*Size-1], want)
		}
	}
	if len(Gather(nil)) != 0 {
		t.Error("Gather(nil) is not empty")
	}
}

func TestThumbGob(t *testing.T) {
	in := Thumb{Path: "a.jpeg", Pix: []byte{1, 2, 3}, Width: 7, Height: 8}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	var out Thumb
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Path != in.Path || !bytes.Equal(out.Pix, in.Pix) || out.Width != 7 || out.Height != 8 {
		t.Errorf("round trip: %+v", out)
	}
}

func TestProfile(t *testing.T) {
	files, _ := shared(t).Files("train", "NORMAL")
	tm, err := Profile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if tm.Width < 1000 || tm.Decode <= 0 || tm.Resize <= 0 || tm.DecodeFast <= 0 || tm.ResizeFast <= 0 {
		t.Errorf("%+v", tm)
	}
	if tm.Full() < tm.Decode || tm.Fast() < tm.DecodeFast {
		t.Errorf("totals %v %v", tm.Full(), tm.Fast())
	}
	t.Logf("%dx%d: read %v, decode %v, resize %v; 1/8 decode %v, resize %v",
		tm.Width, tm.Height, tm.Read, tm.Decode, tm.Resize, tm.DecodeFast, tm.ResizeFast)
	if _, err := Profile(filepath.Join(t.TempDir(), "nope.jpeg")); err == nil {
		t.Error("Profile of a missing file succeeded")
	}
}

func TestResizeFastFallsBack(t *testing.T) {
	// An RGB JPEG (Adobe APP14, transform 0) is one jpegdc leaves to
	// image/jpeg: ResizeFast must fall back and agree with Resize exactly.
	rgb := image.NewRGBA(image.Rect(0, 0, 96, 80))
	for i := 0; i < len(rgb.Pix); i += 4 {
		copy(rgb.Pix[i:], []byte{byte(i / 97), 90, 200, 255})
	}
	data := jpegBytes(t, rgb)
	adobe := []byte{0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}
	data = append(append(append([]byte{}, data[:2]...), adobe...), data[2:]...)
	p := filepath.Join(t.TempDir(), "rgb.jpeg")
	os.WriteFile(p, data, 0o644)

	a, err := Resize(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ResizeFast(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Pix, b.Pix) || a.Width != b.Width || a.Height != b.Height {
		t.Error("ResizeFast's fallback differs from Resize")
	}
	tm, err := Profile(p)
	if err != nil || tm.DecodeFast != 0 {
		t.Errorf("Profile of an unsupported JPEG: %+v, %v", tm, err)
	}
}

func TestThumbImageAndPreview(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "half.jpeg")
	writeJPEG(t, p, halves(200, 100), 95)
	th, err := Resize(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	img := th.Image()
	if img == nil || img.Bounds().Dx() != Size || img.GrayAt(0, 0).Y > 40 || img.GrayAt(Size-1, 0).Y < 215 {
		t.Errorf("thumb image %v: left %v right %v", img.Bounds(), img.GrayAt(0, 0), img.GrayAt(Size-1, 0))
	}
	if (Thumb{}).Image() != nil {
		t.Error("an empty thumb has an image")
	}
	prev, err := Preview(p, 50)
	if err != nil || prev.Bounds().Dy() != 50 || prev.Bounds().Dx() != 100 {
		t.Errorf("Preview = %v, %v", prev.Bounds(), err)
	}
	if _, err := Preview(filepath.Join(dir, "missing.jpeg"), 50); err == nil || !strings.Contains(err.Error(), "missing.jpeg") {
		t.Errorf("Preview of a missing file: %v", err)
	}
}
