package jpegdc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

// testImage is a smooth gradient with a ripple and a little noise, kept
// within 25..230 so that no decoded pixel clips and block means stay exact.
func testImage(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 60 + 100*float64(x)/float64(w) + 30*float64(y)/float64(h) +
				20*math.Sin(float64(x)/7)*math.Cos(float64(y)/11) + rng.NormFloat64()*4
			img.Pix[y*img.Stride+x] = uint8(min(max(v, 25), 230))
		}
	}
	return img
}

func colorImage(w, h int, seed uint64) *image.RGBA {
	g := testImage(w, h, seed)
	img := image.NewRGBA(g.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := g.GrayAt(x, y).Y
			img.Set(x, y, color.RGBA{v, uint8(int(v) * 3 / 4), uint8(255 - int(v)*2/3), 255})
		}
	}
	return img
}

// blockMeans is the 1/8-scale image a full decode stands for: the mean of
// each 8x8 block of the luma plane, with the encoder's edge replication.
func blockMeans(t *testing.T, data []byte) *image.Gray {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg cannot decode the test file: %v", err)
	}
	var pix []byte
	var stride int
	switch m := img.(type) {
	case *image.Gray:
		pix, stride = m.Pix, m.Stride
	case *image.YCbCr:
		pix, stride = m.Y, m.YStride
	default:
		t.Fatalf("image/jpeg returned %T", img)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, (w+7)/8, (h+7)/8))
	for by := 0; by < out.Rect.Dy(); by++ {
		for bx := 0; bx < out.Rect.Dx(); bx++ {
			sum := 0
			for y := 8 * by; y < 8*by+8; y++ {
				for x := 8 * bx; x < 8*bx+8; x++ {
					sum += int(pix[min(y, h-1)*stride+min(x, w-1)])
				}
			}
			out.Pix[by*out.Stride+bx] = uint8((sum + 32) / 64)
		}
	}
	return out
}

// compare checks got against want: interior blocks within tol, edge blocks
// (partly padding) within edgeTol.
func compare(t *testing.T, got, want *image.Gray, tol, edgeTol int, edgeX, edgeY bool) {
	t.Helper()
	if got.Rect != want.Rect {
		t.Fatalf("size %v, want %v", got.Rect.Size(), want.Rect.Size())
	}
	w, h := want.Rect.Dx(), want.Rect.Dy()
	worst, worstEdge := 0, 0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := int(got.Pix[y*got.Stride+x]) - int(want.Pix[y*want.Stride+x])
			d = max(d, -d)
			if (edgeX && x == w-1) || (edgeY && y == h-1) {
				worstEdge = max(worstEdge, d)
			} else {
				worst = max(worst, d)
			}
		}
	}
	if worst > tol || worstEdge > edgeTol {
		t.Errorf("max abs difference %d inside (limit %d), %d at partial edge blocks (limit %d)", worst, tol, worstEdge, edgeTol)
	}
}

func TestDecodeMatchesBlockMeans(t *testing.T) {
	type tc struct {
		w, h, q int
		color   bool
	}
	var cases []tc
	for _, size := range [][2]int{{8, 8}, {16, 16}, {64, 48}, {37, 23}, {100, 61}, {129, 257}, {1, 1}, {7, 300}} {
		for _, q := range []int{50, 75, 90, 100} {
			cases = append(cases, tc{size[0], size[1], q, false}, tc{size[0], size[1], q, true})
		}
	}
	for i, c := range cases {
		kind := "gray"
		if c.color {
			kind = "ycbcr420"
		}
		t.Run(fmt.Sprintf("%s_%dx%d_q%d", kind, c.w, c.h, c.q), func(t *testing.T) {
			var img image.Image = testImage(c.w, c.h, uint64(i))
			if c.color {
				img = colorImage(c.w, c.h, uint64(i))
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: c.q}); err != nil {
				t.Fatal(err)
			}
			got, err := Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			// Quality 100 quantizes DC by 1: the means agree to rounding.
			// Lower qualities quantize DC coarser than the full decode's
			// clamped, rounded pixels, so allow for IDCT rounding.
			compare(t, got, blockMeans(t, buf.Bytes()), 2, 4, c.w%8 != 0, c.h%8 != 0)

			cfg, err := DecodeConfig(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width != c.w || cfg.Height != c.h {
				t.Errorf("DecodeConfig: %dx%d, want %dx%d", cfg.Width, cfg.Height, c.w, c.h)
			}
			wantModel := color.GrayModel
			if c.color {
				wantModel = color.YCbCrModel
			}
			if cfg.ColorModel != wantModel {
				t.Errorf("DecodeConfig: colour model %v, want %v", cfg.ColorModel, wantModel)
			}
		})
	}
}

func TestDecodeTestEncoder(t *testing.T) {
	cases := []struct {
		name string
		enc  testEncoder
		w, h int
		// image/jpeg counts a restart interval of a non-interleaved scan in
		// MCUs of the interleaved layout (H×V blocks) where T.81 A.2.2 makes
		// every block an MCU, so it cannot read that file; check it against
		// the encoder alone.
		notGo bool
	}{
		{"gray", testEncoder{components: 1, q0: 8}, 50, 30, false},
		{"gray_restart_1", testEncoder{components: 1, q0: 8, restart: 1}, 50, 30, false},
		{"gray_restart_7", testEncoder{components: 1, q0: 8, restart: 7}, 50, 30, false},
		{"gray_restart_64_rst_wraps", testEncoder{components: 1, q0: 2, restart: 1}, 100, 90, false},
		{"gray_sof1_quant16", testEncoder{components: 1, q0: 3, sof1: true, quant16: true}, 41, 17, false},
		{"ycbcr444", testEncoder{components: 3, h: 1, v: 1, q0: 8}, 45, 33, false},
		{"ycbcr422_restart_3", testEncoder{components: 3, h: 2, v: 1, q0: 8, restart: 3}, 45, 33, false},
		{"ycbcr420_restart_5", testEncoder{components: 3, h: 2, v: 2, q0: 4, restart: 5}, 70, 43, false},
		{"ycbcr411", testEncoder{components: 3, h: 4, v: 1, q0: 16}, 70, 43, false},
		{"ycbcr420_separate_scans", testEncoder{components: 3, h: 2, v: 2, q0: 8, separate: true}, 70, 43, false},
		{"ycbcr420_separate_scans_restart", testEncoder{components: 3, h: 2, v: 2, q0: 8, separate: true, restart: 4}, 70, 43, true},
		{"ycbcr111_separate_scans_restart", testEncoder{components: 3, h: 1, v: 1, q0: 8, separate: true, restart: 4}, 70, 43, false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, want := c.enc.encode(testImage(c.w, c.h, uint64(100+i)))
			got, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			// The encoder knows the DC it wrote: the result must be exact.
			compare(t, got, want, 0, 0, false, false)
			if c.notGo {
				return
			}
			// And image/jpeg agrees that the file is what we think it is.
			compare(t, got, blockMeans(t, data), 2, 3, c.w%8 != 0, c.h%8 != 0)
		})
	}
}

func TestUnsupported(t *testing.T) {
	sof := func(marker byte, precision byte, comps int) []byte {
		b := []byte{0xFF, 0xD8, 0xFF, marker, 0, byte(8 + 3*comps), precision, 0, 16, 0, 16, byte(comps)}
		for i := 1; i <= comps; i++ {
			b = append(b, byte(i), 0x11, 0)
		}
		return append(b, 0xFF, 0xD9)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"progressive", sof(0xC2, 8, 1), "progressive"},
		{"lossless", sof(0xC3, 8, 1), "lossless"},
		{"arithmetic", sof(0xC9, 8, 1), "arithmetic"},
		{"arithmetic_progressive", sof(0xCA, 8, 3), "arithmetic"},
		{"hierarchical", sof(0xC5, 8, 1), "hierarchical"},
		{"12bit", sof(0xC1, 12, 1), "12-bit"},
		{"cmyk", sof(0xC0, 8, 4), "4 components"},
		{"dac", []byte{0xFF, 0xD8, 0xFF, 0xCC, 0, 4, 0, 0}, "arithmetic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(c.data))
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Decode: %v, want ErrUnsupported", err)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
				t.Errorf("Decode: %q does not say %q", err, c.want)
			}
			_, err = DecodeConfig(bytes.NewReader(c.data))
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("DecodeConfig: %v, want ErrUnsupported", err)
			}
		})
	}
}

func TestProgressiveFromEncoderIsUnsupported(t *testing.T) {
	// A real baseline file with its SOF0 turned into SOF2 stands for a
	// progressive JPEG, which image/jpeg's encoder cannot write.
	var buf bytes.Buffer
	jpeg.Encode(&buf, testImage(32, 32, 1), nil)
	data := bytes.Replace(buf.Bytes(), []byte{0xFF, 0xC0}, []byte{0xFF, 0xC2}, 1)
	if _, err := Decode(bytes.NewReader(data)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Decode: %v, want ErrUnsupported", err)
	}
}

func TestBrokenInput(t *testing.T) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, testImage(64, 64, 2), &jpeg.Options{Quality: 90})
	good := buf.Bytes()
	sos := bytes.Index(good, []byte{0xFF, 0xDA})

	cases := []struct {
		name string
		data []byte
		eof  bool // error wraps io.ErrUnexpectedEOF
	}{
		{"empty", nil, false},
		{"not_a_jpeg", []byte("hello, this is text, not an image"), false},
		{"png_magic", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), false},
		{"soi_only", []byte{0xFF, 0xD8}, true},
		{"soi_eoi", []byte{0xFF, 0xD8, 0xFF, 0xD9}, false},
		{"truncated_header", good[:sos-10], true},
		{"truncated_after_sos", good[:sos+14], true},
		{"truncated_mid_scan", good[:sos+(len(good)-sos)/2], true},
		{"eoi_mid_scan", append(append([]byte{}, good[:sos+(len(good)-sos)/2]...), 0xFF, 0xD9), false},
		{"bad_segment_length", []byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 1}, false},
		{"zero_width", []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 0, 1, 1, 0x11, 0}, false},
		{"scan_before_frame", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, err := Decode(bytes.NewReader(c.data))
			if err == nil {
				t.Fatalf("Decode returned a %v image and no error", img.Bounds())
			}
			if errors.Is(err, ErrUnsupported) {
				t.Errorf("Decode: %v; broken input is not unsupported input", err)
			}
			if got := errors.Is(err, io.ErrUnexpectedEOF); got != c.eof {
				t.Errorf("Decode: %v; wraps io.ErrUnexpectedEOF = %v, want %v", err, got, c.eof)
			}
		})
	}
}

func TestTrailingGarbageIgnored(t *testing.T) {
	// Decode stops after the luma scan: whatever follows does not matter.
	var buf bytes.Buffer
	jpeg.Encode(&buf, testImage(40, 40, 3), nil)
	data := append(bytes.TrimSuffix(buf.Bytes(), []byte{0xFF, 0xD9}), "junk"...)
	if _, err := Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func FuzzDecode(f *testing.F) {
	for i, size := range [][2]int{{8, 8}, {33, 17}, {64, 64}} {
		var buf bytes.Buffer
		jpeg.Encode(&buf, testImage(size[0], size[1], uint64(i)), &jpeg.Options{Quality: 75})
		f.Add(buf.Bytes())
		buf.Reset()
		jpeg.Encode(&buf, colorImage(size[0], size[1], uint64(i)), &jpeg.Options{Quality: 90})
		f.Add(buf.Bytes())
	}
	data, _ := testEncoder{components: 3, h: 2, v: 1, q0: 8, restart: 2}.encode(testImage(40, 24, 9))
	f.Add(data)
	data, _ = testEncoder{components: 3, h: 2, v: 2, q0: 8, separate: true, quant16: true}.encode(testImage(24, 24, 9))
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsReference(t, "input", data)
		img, err := Decode(bytes.NewReader(data))
		if err != nil {
			if img != nil {
				t.Fatal("image and error both returned")
			}
			return
		}
		if len(img.Pix) < img.Rect.Dx()*img.Rect.Dy() {
			t.Fatalf("image %v with %d pixels", img.Rect, len(img.Pix))
		}
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Decode succeeded, DecodeConfig failed: %v", err)
		}
		if w, h := (cfg.Width+7)/8, (cfg.Height+7)/8; cfg.ColorModel == color.GrayModel && (img.Rect.Dx() != w || img.Rect.Dy() != h) {
			t.Fatalf("Decode gave %v, DecodeConfig %dx%d", img.Rect.Size(), cfg.Width, cfg.Height)
		}
	})
}

// BenchmarkDecode compares a full image/jpeg decode with jpegdc's DC-only
// decode on a 2000x2000 gray JPEG, the size of a chest X-ray, on one
// goroutine: MB/s of compressed input and images per second, per core.
func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(2000, 2000, 7), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("image-jpeg", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
	})
	b.Run("jpegdc", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
	})
}
