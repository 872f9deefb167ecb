package xray

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the dataset's format
	_ "image/png"  // a few copies of the set hold PNGs
	"io/fs"
	"os"
	"time"

	"github.com/disintegration/imaging"

	"github.com/speedup-go/speedup/workloads/xray/jpegdc"
)

// Size is the side of a thumbnail: the talk resized every image to 64x64.
const Size = 64

// filter is the resampling filter of every resize here: imaging.Linear, a
// triangle filter stretched to the scale of the reduction, so each of the
// 64x64 pixels averages the ~30x30 source pixels under it with smooth
// weights. Shrinking thirty-fold it looks like bicubic or Lanczos (they
// differ in sharpening, which averaging so many pixels washes out) at about
// half of bicubic's cost and 40% of Lanczos's, and it treats the full image
// and ResizeFast's 1/8-scale image alike, so their thumbnails agree.
var filter = imaging.Linear

// Thumb is one resized image: the talk's 64x64 numpy array, with where it
// came from. It is gob-encodable, so it can come back from a worker process.
type Thumb struct {
	Path          string
	Pix           []byte // Size*Size gray levels, row by row
	Width, Height int    // the original image's size
}

// Resize is the talk's image_resize as a task: open the image at path,
// decode it in full, convert it to gray, resize it to 64x64 with a linear
// (triangle) filter, antialiased.
//
// The talk called Pillow's im.resize((64, 64)) with no filter. Pillow's
// default was NEAREST (one source pixel per output pixel: no averaging,
// aliased, and almost free) until Pillow 7.0 (January 2020) and has been
// BICUBIC since; which one the talk got depends on its Pillow version.
// Linear is chosen here because at a thirty-fold reduction it looks like
// bicubic or Lanczos at a fraction of their cost, and treats ResizeFast's
// 1/8-scale image the same way. It is not free: imaging filters all four
// channels of every pixel in floating point, so on one core the resize of a
// full X-ray takes about as long as its decode.
//
// imaging.Resize spreads its work over GOMAXPROCS goroutines. A caller that
// means to measure one core, like a sequential baseline, must run with
// GOMAXPROCS=1 (kernelext does); the decode, most of the time, is serial.
//
// A file that cannot be read or decoded fails with an error naming path,
// and so does a cancelled ctx (wrapping ctx's error); nothing else is
// shared between calls, so one bad file spoils only its own task.
func Resize(ctx context.Context, path string) (Thumb, error) {
	if err := ctx.Err(); err != nil {
		return Thumb{}, fail(path, err)
	}
	img, err := imaging.Open(path)
	if err != nil {
		return Thumb{}, fail(path, err)
	}
	if err := ctx.Err(); err != nil {
		return Thumb{}, fail(path, err)
	}
	b := img.Bounds()
	return Thumb{Path: path, Pix: thumbnail(toGray(img)), Width: b.Dx(), Height: b.Dy()}, nil
}

// ResizeFast is Resize done the way libjpeg lets Pillow do it with
// Image.draft: decode the JPEG at 1/8 scale with package jpegdc, reading
// each 8x8 block's mean from its DC coefficient instead of decoding every
// pixel, then resize that (a 2000x1600 X-ray becomes 250x200) to 64x64
// with Resize's filter, on one goroutine and one channel (imaging's result,
// byte for byte, several times faster).
// Files jpegdc does not support (progressive JPEGs, PNGs, ...) get Resize's
// full decode. The thumbnails differ from Resize's by a level or two: an
// 8x8 box average comes first, and the last block column and row are
// partly the encoder's padding.
//
// Errors and cancellation are as for Resize.
func ResizeFast(ctx context.Context, path string) (Thumb, error) {
	if err := ctx.Err(); err != nil {
		return Thumb{}, fail(path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Thumb{}, fail(path, err)
	}
	t, err := resizeFast(data)
	if err != nil {
		return Thumb{}, fail(path, err)
	}
	if err := ctx.Err(); err != nil {
		return Thumb{}, fail(path, err)
	}
	t.Path = path
	return t, nil
}

func resizeFast(data []byte) (Thumb, error) {
	if isJPEG(data) {
		small, err := jpegdc.Decode(bytes.NewReader(data))
		if err == nil {
			cfg, err := jpegdc.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				return Thumb{}, err
			}
			return Thumb{Pix: thumbnailFast(small), Width: cfg.Width, Height: cfg.Height}, nil
		}
		if !errors.Is(err, jpegdc.ErrUnsupported) {
			return Thumb{}, err
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Thumb{}, err
	}
	b := img.Bounds()
	return Thumb{Pix: thumbnailFast(toGray(img)), Width: b.Dx(), Height: b.Dy()}, nil
}

func isJPEG(data []byte) bool { return len(data) > 2 && data[0] == 0xFF && data[1] == 0xD8 }

// Gather stacks thumbnails into one contiguous len(thumbs)×64×64 array in
// their order, as the talk's np.array(results) did: image i is
// out[i*64*64:(i+1)*64*64]. A Thumb without Size*Size pixels (such as the
// zero Thumb of a failed task) becomes zeros, so positions still line up.
func Gather(thumbs []Thumb) []byte {
	out := make([]byte, len(thumbs)*Size*Size)
	for i, t := range thumbs {
		if len(t.Pix) == Size*Size {
			copy(out[i*Size*Size:], t.Pix)
		}
	}
	return out
}

// Timing is where the time of one image goes, step by step.
type Timing struct {
	Width, Height int           // the image's size
	Read          time.Duration // reading the file into memory
	Decode        time.Duration // full decode (image/jpeg)
	Resize        time.Duration // gray conversion and 64x64 resize of the full image
	DecodeFast    time.Duration // 1/8-scale decode (jpegdc); 0 if unsupported
	ResizeFast    time.Duration // 64x64 resize of the 1/8-scale image
}

// Full is the time of Resize's path: read, decode, resize.
func (t Timing) Full() time.Duration { return t.Read + t.Decode + t.Resize }

// Fast is the time of ResizeFast's path: read, 1/8-scale decode, resize.
func (t Timing) Fast() time.Duration { return t.Read + t.DecodeFast + t.ResizeFast }

// Profile times each step of Resize and ResizeFast on one image, once, so a
// notebook can show where the time goes. The resizes use GOMAXPROCS cores
// (see Resize); run with GOMAXPROCS=1 for one core's times.
func Profile(path string) (Timing, error) {
	var t Timing
	start := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		return t, fail(path, err)
	}
	t.Read = time.Since(start)

	start = time.Now()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return t, fail(path, err)
	}
	t.Decode = time.Since(start)
	t.Width, t.Height = img.Bounds().Dx(), img.Bounds().Dy()

	start = time.Now()
	thumbnail(toGray(img))
	t.Resize = time.Since(start)

	if isJPEG(data) {
		start = time.Now()
		small, err := jpegdc.Decode(bytes.NewReader(data))
		if err == nil {
			t.DecodeFast = time.Since(start)
			start = time.Now()
			thumbnailFast(small)
			t.ResizeFast = time.Since(start)
		} else if !errors.Is(err, jpegdc.ErrUnsupported) {
			return t, fail(path, err)
		}
	}
	return t, nil
}

// toGray returns img as gray levels: a gray image as it is, a YCbCr image's
// luma plane without copying, anything else converted.
func toGray(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, g.Rect.Min, draw.Src)
	return g
}

// thumbnail resizes g to Size×Size.
func thumbnail(g *image.Gray) []byte {
	if g.Rect.Empty() {
		return make([]byte, Size*Size)
	}
	n := imaging.Resize(g, Size, Size, filter)
	pix := make([]byte, Size*Size)
	for i := range pix {
		pix[i] = n.Pix[4*i] // R = G = B for a gray source
	}
	return pix
}

// thumbnailFast is thumbnail on one goroutine and one channel: the same
// pixels, several times faster (resizeGray).
func thumbnailFast(g *image.Gray) []byte {
	if g.Rect.Empty() {
		return make([]byte, Size*Size)
	}
	return resizeGray(g, Size, Size)
}

// fail names path in err once: an *fs.PathError names it already.
func fail(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fmt.Errorf("xray: %w", err)
	}
	return fmt.Errorf("xray: %s: %w", path, err)
}

// Image returns the thumbnail as an image, e.g. to show it beside its original. A Thumb
// without pixels (from a failed task) gives nil.
func (t Thumb) Image() *image.Gray {
	if len(t.Pix) != Size*Size {
		return nil
	}
	return &image.Gray{Pix: t.Pix, Stride: Size, Rect: image.Rect(0, 0, Size, Size)}
}

// Preview opens the image at path and scales it to the given height, for display.
func Preview(path string, height int) (image.Image, error) {
	img, err := imaging.Open(path)
	if err != nil {
		return nil, fail(path, err)
	}
	return imaging.Resize(img, 0, height, imaging.Box), nil
}
