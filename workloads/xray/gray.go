package xray

import (
	"image"
	"math"
)

// resizeGray is imaging.Resize(g, w, h, filter) for a gray image, done on
// one goroutine and one channel instead of four: the same weights and the
// same float64 arithmetic in the same order, so the same bytes
// (TestResizeGrayMatchesImaging), several times faster (BenchmarkThumbnail).
// It returns the gray levels of the w×h result, row by row. imaging works on
// non-premultiplied RGBA: every sum is weighted by alpha, which is 255 in a
// gray image and, after the first of the two passes, what the first pass
// gave; resizeGray carries it along.
func resizeGray(g *image.Gray, w, h int) []byte {
	src := grayPlane{w: g.Rect.Dx(), h: g.Rect.Dy(), stride: g.Stride, v: g.Pix}
	switch {
	case src.w != w && src.h != h:
		return src.horizontal(w).vertical(h).pix()
	case src.w != w:
		return src.horizontal(w).pix()
	case src.h != h:
		return src.vertical(h).pix()
	}
	return src.pix()
}

// grayPlane is a gray image and its alpha. The alpha of a gray image is 255;
// after the horizontal pass it is the same down each column (it depends on
// the weights alone), so a plane keeps one per column, or none if opaque.
type grayPlane struct {
	w, h, stride int
	v            []byte
	alpha        []byte // per column; nil: 255
}

// pix returns the gray levels, row by row.
func (p grayPlane) pix() []byte {
	out := make([]byte, p.w*p.h)
	for y := 0; y < p.h; y++ {
		copy(out[y*p.w:], p.v[y*p.stride:y*p.stride+p.w])
	}
	return out
}

// horizontal is imaging's resizeHorizontal of an opaque plane. Each output
// pixel is Σ v·aw / Σ aw with aw = 255·weight, in imaging's order; aw and
// its sum depend on the column only, so they are worked out once.
func (p grayPlane) horizontal(width int) grayPlane {
	out := grayPlane{w: width, h: p.h, stride: width, v: make([]byte, width*p.h), alpha: make([]byte, width)}
	for x, ws := range precomputeWeights(width, p.w) {
		var a float64
		aws := make([]float64, len(ws))
		for i, w := range ws {
			aws[i] = 255 * w.weight
			a += aws[i]
		}
		if a == 0 {
			continue // imaging leaves the pixel transparent black
		}
		aInv := 1 / a
		out.alpha[x] = clamp(a)
		// Four rows at a time: four independent sums, each in imaging's
		// order, keep the floating-point adder busy.
		y := 0
		for ; y+4 <= p.h; y += 4 {
			r0, r1, r2, r3 := p.v[y*p.stride:], p.v[(y+1)*p.stride:], p.v[(y+2)*p.stride:], p.v[(y+3)*p.stride:]
			var s0, s1, s2, s3 float64
			for i, w := range ws {
				aw := aws[i]
				s0 += float64(r0[w.index]) * aw
				s1 += float64(r1[w.index]) * aw
				s2 += float64(r2[w.index]) * aw
				s3 += float64(r3[w.index]) * aw
			}
			out.v[y*width+x] = clamp(s0 * aInv)
			out.v[(y+1)*width+x] = clamp(s1 * aInv)
			out.v[(y+2)*width+x] = clamp(s2 * aInv)
			out.v[(y+3)*width+x] = clamp(s3 * aInv)
		}
		for ; y < p.h; y++ {
			row := p.v[y*p.stride:]
			var r float64
			for i, w := range ws {
				r += float64(row[w.index]) * aws[i]
			}
			out.v[y*width+x] = clamp(r * aInv)
		}
	}
	return out
}

// vertical is imaging's resizeVertical.
func (p grayPlane) vertical(height int) grayPlane {
	out := grayPlane{w: p.w, h: height, stride: p.w, v: make([]byte, p.w*height), alpha: make([]byte, p.w)}
	for y, ws := range precomputeWeights(height, p.h) {
		for x := 0; x < p.w; x++ {
			alpha := 255.0
			if p.alpha != nil {
				alpha = float64(p.alpha[x])
			}
			var r, a float64
			for _, w := range ws {
				aw := alpha * w.weight
				r += float64(p.v[w.index*p.stride+x]) * aw
				a += aw
			}
			if a != 0 {
				out.v[y*p.w+x] = clamp(r * (1 / a))
				out.alpha[x] = clamp(a)
			}
		}
	}
	return out
}

type indexWeight struct {
	index  int
	weight float64
}

// precomputeWeights is imaging's, for the filter of this package.
func precomputeWeights(dstSize, srcSize int) [][]indexWeight {
	du := float64(srcSize) / float64(dstSize)
	scale := du
	if scale < 1.0 {
		scale = 1.0
	}
	ru := math.Ceil(scale * filter.Support)

	out := make([][]indexWeight, dstSize)
	tmp := make([]indexWeight, 0, dstSize*int(ru+2)*2)

	for v := 0; v < dstSize; v++ {
		fu := (float64(v)+0.5)*du - 0.5

		begin := int(math.Ceil(fu - ru))
		if begin < 0 {
			begin = 0
		}
		end := int(math.Floor(fu + ru))
		if end > srcSize-1 {
			end = srcSize - 1
		}

		var sum float64
		for u := begin; u <= end; u++ {
			w := filter.Kernel((float64(u) - fu) / scale)
			if w != 0 {
				sum += w
				tmp = append(tmp, indexWeight{index: u, weight: w})
			}
		}
		if sum != 0 {
			for i := range tmp {
				tmp[i].weight /= sum
			}
		}

		out[v] = tmp
		tmp = tmp[len(tmp):]
	}
	return out
}

// clamp is imaging's: round to the nearest level, 0–255.
func clamp(x float64) uint8 {
	v := int64(x + 0.5)
	if v > 255 {
		return 255
	}
	if v > 0 {
		return uint8(v)
	}
	return 0
}
