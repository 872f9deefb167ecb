package jpegdc

import (
	"bytes"
	"encoding/binary"
	"image"
	"math"
)

// testEncoder writes the sequential JPEGs that image/jpeg's encoder cannot:
// restart intervals, 4:4:4 and 4:2:2 sampling, one scan per component,
// 16-bit quantization tables, SOF1. It is a plain, slow encoder for tests:
// float forward DCT, one Huffman table pair built from code lengths alone.
type testEncoder struct {
	components int  // 1 or 3
	h, v       int  // sampling factors of the first component; the others are 1x1
	restart    int  // restart interval in MCUs, 0 for none
	separate   bool // one scan per component, the first component's scan last
	quant16    bool // 16-bit quantization table with entries above 255
	sof1       bool // SOF1 instead of SOF0
	q0         int  // DC quantizer
}

// encode returns the JPEG of the luma plane y (chroma, if any, is flat grey)
// and the 1/8-scale image the DC coefficients it wrote stand for.
func (e testEncoder) encode(y *image.Gray) ([]byte, *image.Gray) {
	w, h := y.Bounds().Dx(), y.Bounds().Dy()
	hmax, vmax := e.h, e.v
	if e.components == 1 {
		hmax, vmax = 1, 1
	}
	var quant [64]int
	for k := range quant {
		quant[k] = 4 + 2*k
		if e.quant16 {
			quant[k] = 300 + k
		}
	}
	quant[0] = e.q0

	var out bytes.Buffer
	seg := func(marker byte, body []byte) {
		out.Write([]byte{0xFF, marker})
		binary.Write(&out, binary.BigEndian, uint16(len(body)+2))
		out.Write(body)
	}
	out.Write([]byte{0xFF, 0xD8})
	seg(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	seg(0xFE, []byte("made by jpegdc's test encoder"))
	if e.quant16 {
		b := []byte{0x10}
		for _, q := range quant {
			b = append(b, byte(q>>8), byte(q))
		}
		seg(0xDB, b)
	} else {
		b := []byte{0x00}
		for _, q := range quant {
			b = append(b, byte(q))
		}
		seg(0xDB, b)
	}
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(e.components)}
	for i := 1; i <= e.components; i++ {
		s := byte(0x11)
		if i == 1 && e.components > 1 {
			s = byte(e.h<<4 | e.v)
		}
		sof = append(sof, byte(i), s, 0)
	}
	if e.sof1 {
		seg(0xC1, sof)
	} else {
		seg(0xC0, sof)
	}
	// DC table: symbols 0..11, all 4-bit codes. AC table: EOB as a 2-bit
	// code, every other byte value as a 9-bit code.
	dcLen, acLen := make([]int, 256), make([]int, 256)
	dht := []byte{0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	for s := 0; s < 12; s++ {
		dht = append(dht, byte(s))
		dcLen[s] = 4
	}
	dht = append(dht, 0x10, 0, 1, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0x00)
	acLen[0] = 2
	for s := 1; s < 256; s++ {
		dht = append(dht, byte(s))
		acLen[s] = 9
	}
	seg(0xC4, dht)
	dcCode, acCode := canonical(dcLen), canonical(acLen)
	if e.restart > 0 {
		seg(0xDD, []byte{byte(e.restart >> 8), byte(e.restart)})
	}

	// Component sample planes, edge-replicated on read.
	cw := []int{w, (w + hmax - 1) / hmax, (w + hmax - 1) / hmax}
	ch := []int{h, (h + vmax - 1) / vmax, (h + vmax - 1) / vmax}
	sample := func(c, x, yy int) float64 {
		if c > 0 {
			return 128
		}
		x, yy = min(x, cw[0]-1), min(yy, ch[0]-1)
		return float64(y.Pix[yy*y.Stride+x])
	}
	bw, bh := (w+7)/8, (h+7)/8
	want := image.NewGray(image.Rect(0, 0, bw, bh))

	// block encodes the 8x8 block at block coordinates (bx, by) of c.
	block := func(bwr *bitWriter, c, bx, by int, pred *int) {
		var f [64]float64
		for yy := 0; yy < 8; yy++ {
			for x := 0; x < 8; x++ {
				f[yy*8+x] = sample(c, bx*8+x, by*8+yy) - 128
			}
		}
		var coef [64]int // zig-zag order
		for k := 0; k < 64; k++ {
			u, v := zigzagUV(k)
			var sum float64
			for yy := 0; yy < 8; yy++ {
				for x := 0; x < 8; x++ {
					sum += f[yy*8+x] * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
						math.Cos(float64(2*yy+1)*float64(v)*math.Pi/16)
				}
			}
			cu, cv := 1.0, 1.0
			if u == 0 {
				cu = 1 / math.Sqrt2
			}
			if v == 0 {
				cv = 1 / math.Sqrt2
			}
			coef[k] = int(math.Round(cu * cv * sum / 4 / float64(quant[k])))
		}
		if c == 0 && bx < bw && by < bh {
			mean := (coef[0]*quant[0]+4)>>3 + 128
			want.Pix[by*want.Stride+bx] = uint8(min(max(mean, 0), 255))
		}
		diff := coef[0] - *pred
		*pred = coef[0]
		s := bitSize(diff)
		bwr.write(dcCode[s], dcLen[s])
		bwr.write(magnitude(diff, s), s)
		run := 0
		for k := 1; k < 64; k++ {
			if coef[k] == 0 {
				run++
				continue
			}
			for run > 15 {
				bwr.write(acCode[0xF0], acLen[0xF0])
				run -= 16
			}
			s := bitSize(coef[k])
			rs := run<<4 | s
			bwr.write(acCode[rs], acLen[rs])
			bwr.write(magnitude(coef[k], s), s)
			run = 0
		}
		if run > 0 {
			bwr.write(acCode[0], acLen[0])
		}
	}

	scan := func(comps []int) {
		sos := []byte{byte(len(comps))}
		for _, c := range comps {
			sos = append(sos, byte(c+1), 0x00)
		}
		sos = append(sos, 0, 63, 0)
		seg(0xDA, sos)
		bwr := &bitWriter{out: &out}
		preds := make([]int, 3)
		var mcusX, mcusY int
		if len(comps) == 1 {
			c := comps[0]
			mcusX, mcusY = (cw[c]+7)/8, (ch[c]+7)/8
		} else {
			mcusX, mcusY = (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
		}
		rst := 0
		for mcu := 0; mcu < mcusX*mcusY; mcu++ {
			if e.restart > 0 && mcu > 0 && mcu%e.restart == 0 {
				bwr.flush()
				out.Write([]byte{0xFF, byte(0xD0 + rst)})
				rst = (rst + 1) & 7
				clear(preds)
			}
			mx, my := mcu%mcusX, mcu/mcusX
			for _, c := range comps {
				ph, pv := 1, 1
				if len(comps) > 1 && c == 0 {
					ph, pv = hmax, vmax
				}
				for by := 0; by < pv; by++ {
					for bx := 0; bx < ph; bx++ {
						block(bwr, c, mx*ph+bx, my*pv+by, &preds[c])
					}
				}
			}
		}
		bwr.flush()
	}
	switch {
	case e.components == 1:
		scan([]int{0})
	case e.separate:
		scan([]int{2})
		scan([]int{1})
		scan([]int{0})
	default:
		scan([]int{0, 1, 2})
	}
	out.Write([]byte{0xFF, 0xD9})
	return out.Bytes(), want
}

// canonical assigns canonical Huffman codes from code lengths (T.81 C.2).
func canonical(lengths []int) []int {
	codes := make([]int, len(lengths))
	code := 0
	for l := 1; l <= 16; l++ {
		for s, n := range lengths {
			if n == l {
				codes[s] = code
				code++
			}
		}
		code <<= 1
	}
	return codes
}

func zigzagUV(k int) (u, v int) {
	// Walk the anti-diagonals as T.81 figure A.6 does.
	i := 0
	for d := 0; d < 15; d++ {
		for j := 0; j <= d; j++ {
			a, b := j, d-j // a: column when d odd
			if d%2 == 0 {
				a, b = d-j, j
			}
			// a is the row, b the column
			if a < 8 && b < 8 {
				if i == k {
					return b, a
				}
				i++
			}
		}
	}
	panic("zigzag index out of range")
}

func bitSize(v int) int {
	if v < 0 {
		v = -v
	}
	n := 0
	for v > 0 {
		n++
		v >>= 1
	}
	return n
}

func magnitude(v, s int) int {
	if v < 0 {
		return v + (1<<s - 1)
	}
	return v
}

type bitWriter struct {
	out  *bytes.Buffer
	acc  uint32
	nacc int
}

func (b *bitWriter) write(code, n int) {
	for i := n - 1; i >= 0; i-- {
		b.acc = b.acc<<1 | uint32(code>>i)&1
		b.nacc++
		if b.nacc == 8 {
			b.emit()
		}
	}
}

func (b *bitWriter) emit() {
	by := byte(b.acc)
	b.out.WriteByte(by)
	if by == 0xFF {
		b.out.WriteByte(0)
	}
	b.acc, b.nacc = 0, 0
}

// flush pads the last byte with 1 bits.
func (b *bitWriter) flush() {
	for b.nacc > 0 {
		b.write(1, 1)
	}
}
