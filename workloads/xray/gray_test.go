package xray

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/speedup-go/speedup/workloads/xray/jpegdc"
)

func TestResizeGrayMatchesImaging(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := [][2]int{
		{1, 1}, {2, 3}, {7, 300}, {37, 23}, {63, 64}, {64, 64}, {64, 65}, {64, 200}, {200, 64},
		{65, 65}, {100, 61}, {128, 128}, {250, 200}, {301, 251}, {363, 288},
	}
	for _, size := range sizes {
		for _, kind := range []string{"noise", "smooth", "edges"} {
			g := image.NewGray(image.Rect(0, 0, size[0], size[1]))
			for y := 0; y < size[1]; y++ {
				for x := 0; x < size[0]; x++ {
					var v int
					switch kind {
					case "noise":
						v = rng.IntN(256)
					case "smooth":
						v = (x*255/size[0] + y*3) % 256
					default:
						v = 255 * ((x/5 + y/7) % 2)
					}
					g.Pix[y*g.Stride+x] = uint8(v)
				}
			}
			check := func(name string, g *image.Gray) {
				t.Helper()
				want := imaging.Resize(g, Size, Size, filter)
				got := resizeGray(g, Size, Size)
				for i := range got {
					if got[i] != want.Pix[4*i] {
						t.Fatalf("%s: pixel %d is %d, imaging gives %d", name, i, got[i], want.Pix[4*i])
					}
				}
				if len(got) != Size*Size {
					t.Fatalf("%s: %d pixels", name, len(got))
				}
			}
			name := fmt.Sprintf("%s_%dx%d", kind, size[0], size[1])
			check(name, g)
			if size[0] > 2 && size[1] > 2 {
				// A sub-image: Pix starts at its Min, with the parent's stride.
				check(name+"_sub", g.SubImage(image.Rect(1, 1, size[0]-1, size[1]-1)).(*image.Gray))
			}
		}
	}
}

func TestThumbnailFastMatchesThumbnail(t *testing.T) {
	files, _ := shared(t).Files("train", "NORMAL")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		small, err := jpegdc.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(thumbnailFast(small), thumbnail(small)) {
			t.Errorf("%s: thumbnailFast differs from thumbnail (imaging)", f)
		}
	}
}

// BenchmarkThumbnail compares imaging's resize of a 1/8-scale X-ray
// (250x200) to 64x64 with resizeGray's; run with -cpu 1 for one core.
func BenchmarkThumbnail(b *testing.B) {
	g := image.NewGray(image.Rect(0, 0, 250, 200))
	for i := range g.Pix {
		g.Pix[i] = uint8(i*7 + i/250)
	}
	b.Run("imaging", func(b *testing.B) {
		for b.Loop() {
			thumbnail(g)
		}
	})
	b.Run("gray", func(b *testing.B) {
		for b.Loop() {
			thumbnailFast(g)
		}
	})
}
