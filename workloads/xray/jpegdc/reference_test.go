package jpegdc

// The reference decoder: jpegdc's decoder as it was before the table-driven
// entropy decoder (one Huffman code per lookup, a bounds-checked bit reader),
// kept unchanged but for its names. TestMatchesReference and FuzzDecode check
// that Decode gives the same image, byte for byte, and the same kind of
// error on every input.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
)

// refDecode is what Decode(bytes.NewReader(data)) returned before.
func refDecode(data []byte) (*image.Gray, error) {
	d := refDecoder{data: append([]byte(nil), data...)}
	if err := d.run(false); err != nil {
		return nil, err
	}
	return d.out, nil
}

func refIsSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != mDHT && m != mJPG && m != mDAC
}

// refCheckMarker rejects the markers of coding processes this package does not
// implement, whatever the frame header says.
func refCheckMarker(m byte) error {
	switch m {
	case mDAC:
		return unsupported("arithmetic coding (DAC)")
	case mJPG, 0xDE, 0xDF: // JPG extension, DHP, EXP: hierarchical
		return unsupported("hierarchical or extension marker 0x%02X", m)
	}
	return nil
}

type refComponent struct {
	id   byte
	h, v int // sampling factors
	tq   int // quantization table
	// for the current scan
	td, ta int
	pred   int
}

// refHuffTable is a canonical Huffman table (T.81 annex C, F.2.2.3): a 9-bit
// lookahead table for short codes and the maxcode/valptr arrays for the rest.
type refHuffTable struct {
	defined bool
	lut     [1 << refLutBits]uint16 // (bits to skip << 8) | symbol; 0 = longer code
	maxcode [17]int32               // largest code of each length, -1 if none
	valptr  [17]int32               // index in vals of the first code of each length, minus that code
	vals    [256]byte
}

const refLutBits = 9

type refDecoder struct {
	data []byte
	pos  int

	frame         bool
	width, height int
	comps         []refComponent
	hmax, vmax    int

	qdc     [4]int // DC quantizer of each table (the only entry we need)
	qdef    [4]bool
	huff    [2][4]refHuffTable // [class: 0 DC, 1 AC][destination]
	restart int

	jfif           bool
	adobe          bool
	adobeTransform byte

	out *image.Gray

	// bit reader over the entropy-coded segment
	acc    uint64
	n      int // valid bits in acc (low end)
	pad    int // zero bits appended after a marker or the end of data
	marker bool
	eof    bool
}

func (d *refDecoder) run(configOnly bool) error {
	if len(d.data) < 2 || d.data[0] != 0xFF || d.data[1] != mSOI {
		return FormatError("missing SOI marker")
	}
	d.pos = 2
	for {
		m, err := d.nextMarker()
		if err != nil {
			return err
		}
		if m == mEOI {
			if !d.frame {
				return FormatError("no frame header before EOI")
			}
			return FormatError("no scan of the first refComponent before EOI")
		}
		if m == mTEM || (m >= mRST0 && m <= mRST7) {
			continue // no length; stray restart markers are harmless
		}
		if err := refCheckMarker(m); err != nil {
			return err
		}
		if d.pos+2 > len(d.data) {
			return errTruncated
		}
		n := int(binary.BigEndian.Uint16(d.data[d.pos:])) - 2
		d.pos += 2
		if n < 0 {
			return FormatError("bad segment length")
		}
		if d.pos+n > len(d.data) {
			return errTruncated
		}
		seg := d.data[d.pos : d.pos+n]
		d.pos += n
		switch {
		case refIsSOF(m):
			if err := d.parseSOF(m, seg); err != nil {
				return err
			}
			if configOnly {
				return nil
			}
		case m == mDQT:
			err = d.parseDQT(seg)
		case m == mDHT:
			err = d.parseDHT(seg)
		case m == mDRI:
			if len(seg) != 2 {
				return FormatError("bad DRI length")
			}
			d.restart = int(binary.BigEndian.Uint16(seg))
		case m == mAPP0:
			if bytes.HasPrefix(seg, []byte("JFIF\x00")) {
				d.jfif = true
			}
		case m == mAPPE:
			if len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")) {
				d.adobe, d.adobeTransform = true, seg[11]
			}
		case m == mSOS:
			done, err := d.scan(seg)
			if err != nil {
				return err
			}
			if done {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}

// nextMarker moves past the next marker and returns its code. Bytes before
// it that are not a marker (left-over entropy-coded data, stuffed 0xFF00,
// fill 0xFF bytes) are skipped.
func (d *refDecoder) nextMarker() (byte, error) {
	for {
		i := bytes.IndexByte(d.data[d.pos:], 0xFF)
		if i < 0 {
			d.pos = len(d.data)
			return 0, errTruncated
		}
		d.pos += i + 1
		for d.pos < len(d.data) && d.data[d.pos] == 0xFF {
			d.pos++
		}
		if d.pos >= len(d.data) {
			return 0, errTruncated
		}
		m := d.data[d.pos]
		d.pos++
		if m != 0 {
			return m, nil
		}
	}
}

func (d *refDecoder) parseSOF(m byte, seg []byte) error {
	switch m {
	case mSOF0, mSOF1:
	case mSOF2:
		return unsupported("progressive (SOF2)")
	case mSOF3:
		return unsupported("lossless (SOF3)")
	case 0xC5, 0xC6, 0xC7:
		return unsupported("hierarchical (SOF%d)", m-0xC0)
	case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
		return unsupported("arithmetic coding (SOF%d)", m-0xC0)
	}
	if d.frame {
		return FormatError("more than one frame header")
	}
	if len(seg) < 6 {
		return FormatError("short frame header")
	}
	if p := seg[0]; p != 8 {
		return unsupported("%d-bit samples", p)
	}
	d.height = int(binary.BigEndian.Uint16(seg[1:]))
	d.width = int(binary.BigEndian.Uint16(seg[3:]))
	nf := int(seg[5])
	if d.width == 0 {
		return FormatError("zero width")
	}
	if d.height == 0 {
		return unsupported("height defined later by DNL")
	}
	if nf == 0 {
		return FormatError("no components")
	}
	if len(seg) != 6+3*nf {
		return FormatError("bad frame header length")
	}
	if nf != 1 && nf != 3 {
		return unsupported("%d components", nf)
	}
	d.comps = make([]refComponent, nf)
	d.hmax, d.vmax = 1, 1
	for i := range d.comps {
		c := &d.comps[i]
		b := seg[6+3*i:]
		c.id, c.h, c.v, c.tq = b[0], int(b[1]>>4), int(b[1]&15), int(b[2])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return FormatError("bad sampling factors")
		}
		if c.tq > 3 {
			return FormatError("bad quantization table selector")
		}
		for j := 0; j < i; j++ {
			if d.comps[j].id == c.id {
				return FormatError("duplicate refComponent identifier")
			}
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	d.frame = true
	return nil
}

func (d *refDecoder) parseDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if tq > 3 {
			return FormatError("bad quantization table destination")
		}
		switch pq {
		case 0:
			if len(seg) < 65 {
				return FormatError("short quantization table")
			}
			d.qdc[tq] = int(seg[1])
			seg = seg[65:]
		case 1:
			if len(seg) < 129 {
				return FormatError("short quantization table")
			}
			d.qdc[tq] = int(binary.BigEndian.Uint16(seg[1:]))
			seg = seg[129:]
		default:
			return FormatError("bad quantization table precision")
		}
		d.qdef[tq] = true
	}
	return nil
}

func (d *refDecoder) parseDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return FormatError("short Huffman table")
		}
		tc, th := int(seg[0]>>4), int(seg[0]&15)
		if tc > 1 || th > 3 {
			return FormatError("bad Huffman table class or destination")
		}
		var counts [16]int
		total := 0
		for i := range counts {
			counts[i] = int(seg[1+i])
			total += counts[i]
		}
		if total == 0 || total > 256 || len(seg) < 17+total {
			return FormatError("bad Huffman table length")
		}
		if err := d.huff[tc][th].build(tc == 1, counts, seg[17:17+total]); err != nil {
			return err
		}
		seg = seg[17+total:]
	}
	return nil
}

// build makes the canonical code (T.81 annex C): codes of each length are
// consecutive, and one longer than the last code of length l, shifted left,
// starts length l+1. Lookahead entries of an AC table count the bits of the
// coefficient that follows the code too.
func (t *refHuffTable) build(ac bool, counts [16]int, vals []byte) error {
	*t = refHuffTable{defined: true}
	copy(t.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		t.maxcode[l] = -1
		if c := int32(counts[l-1]); c > 0 {
			t.valptr[l] = k - code
			for i := int32(0); i < c; i++ {
				if code >= 1<<l {
					return FormatError("bad Huffman code lengths")
				}
				if l <= refLutBits {
					// every lookahead value starting with this code
					shift := uint(refLutBits - l)
					base := code << shift
					e := uint16(l)<<8 | uint16(vals[k])
					if ac {
						e += uint16(vals[k]&15) << 8
					}
					for j := int32(0); j < 1<<shift; j++ {
						t.lut[base+j] = e
					}
				}
				code++
				k++
			}
			t.maxcode[l] = code - 1
		}
		code <<= 1
	}
	return nil
}

// scan decodes one scan. It reports done once the first refComponent has been
// decoded, since nothing after that scan matters.
func (d *refDecoder) scan(seg []byte) (done bool, err error) {
	if !d.frame {
		return false, FormatError("scan before frame header")
	}
	if len(seg) < 1 {
		return false, FormatError("short scan header")
	}
	ns := int(seg[0])
	if ns < 1 || ns > len(d.comps) || len(seg) != 4+2*ns {
		return false, FormatError("bad scan header")
	}
	var sc [4]*refComponent
	has1 := false
	for i := 0; i < ns; i++ {
		id, t := seg[1+2*i], seg[2+2*i]
		var c *refComponent
		for j := range d.comps {
			if d.comps[j].id == id {
				c = &d.comps[j]
				has1 = has1 || j == 0
			}
		}
		if c == nil {
			return false, FormatError("scan names an unknown refComponent")
		}
		for j := 0; j < i; j++ {
			if sc[j] == c {
				return false, FormatError("scan names a refComponent twice")
			}
		}
		c.td, c.ta, c.pred = int(t>>4), int(t&15), 0
		if c.td > 3 || c.ta > 3 {
			return false, FormatError("bad Huffman table selector")
		}
		sc[i] = c
	}
	// Ss, Se, Ah, Al are fixed (0, 63, 0, 0) in sequential mode; like
	// libjpeg, ignore what the file says.
	if !has1 {
		return false, d.skipEntropy()
	}
	if len(d.comps) == 3 {
		if d.adobe && d.adobeTransform == 0 {
			return false, unsupported("RGB colour (Adobe transform 0)")
		}
		if !d.jfif && !d.adobe && d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B' {
			return false, unsupported("RGB colour")
		}
	}
	for _, c := range sc[:ns] {
		if !d.huff[0][c.td].defined || !d.huff[1][c.ta].defined {
			return false, FormatError("missing Huffman table")
		}
	}
	c1 := &d.comps[0]
	if !d.qdef[c1.tq] {
		return false, FormatError("missing quantization table")
	}
	// The first refComponent's size in its own samples, and in blocks.
	cw := (d.width*c1.h + d.hmax - 1) / d.hmax
	ch := (d.height*c1.v + d.vmax - 1) / d.vmax
	bw, bh := (cw+7)/8, (ch+7)/8
	// Every block takes at least 2 bits (a DC code and an end-of-block
	// code): refuse to allocate for data that cannot be there.
	if bw*bh > 4*(len(d.data)-d.pos)+64 {
		return false, errTruncated
	}
	d.out = image.NewGray(image.Rect(0, 0, bw, bh))
	d.acc, d.n, d.pad, d.marker, d.eof = 0, 0, 0, false, false

	// Blocks per MCU of each scan refComponent: H×V when interleaved, one
	// block over the refComponent's own block grid otherwise (T.81 A.2).
	var bpx, bpy [4]int
	var mcusX, mcusY int
	if ns == 1 {
		mcusX, mcusY = bw, bh
		bpx[0], bpy[0] = 1, 1
	} else {
		mcusX = (d.width + 8*d.hmax - 1) / (8 * d.hmax)
		mcusY = (d.height + 8*d.vmax - 1) / (8 * d.vmax)
		for i, c := range sc[:ns] {
			bpx[i], bpy[i] = c.h, c.v
		}
	}
	q := d.qdc[c1.tq]
	pix, stride := d.out.Pix, d.out.Stride
	total := mcusX * mcusY
	nextRST := 0
	for mcu := 0; mcu < total; mcu++ {
		if d.restart > 0 && mcu > 0 && mcu%d.restart == 0 {
			if err := d.readRST(nextRST); err != nil {
				return false, err
			}
			nextRST = (nextRST + 1) & 7
			for _, c := range sc[:ns] {
				c.pred = 0
			}
		}
		mx, my := mcu%mcusX, mcu/mcusX
		for i, c := range sc[:ns] {
			dc, ac := &d.huff[0][c.td], &d.huff[1][c.ta]
			for by := 0; by < bpy[i]; by++ {
				for bx := 0; bx < bpx[i]; bx++ {
					diff, err := d.block(dc, ac)
					if err != nil {
						return false, err
					}
					c.pred += diff
					if c != c1 {
						continue
					}
					x, y := mx*bpx[i]+bx, my*bpy[i]+by
					if x < bw && y < bh {
						v := (c.pred*q+4)>>3 + 128
						pix[y*stride+x] = uint8(min(max(v, 0), 255))
					}
				}
			}
		}
		if d.n < d.pad {
			if d.eof {
				return false, errTruncated
			}
			return false, FormatError("unexpected marker in entropy-coded data")
		}
	}
	return true, nil
}

// skipEntropy moves past the entropy-coded data of a scan we do not need.
func (d *refDecoder) skipEntropy() error {
	for {
		i := bytes.IndexByte(d.data[d.pos:], 0xFF)
		if i < 0 || d.pos+i+1 >= len(d.data) {
			return errTruncated
		}
		d.pos += i
		if m := d.data[d.pos+1]; m == 0 || (m >= mRST0 && m <= mRST7) {
			d.pos += 2
			continue
		}
		return nil // the next marker; run reads it
	}
}

// readRST expects restart marker RSTn at the end of a restart interval and
// resets the bit reader after it.
func (d *refDecoder) readRST(n int) error {
	if d.n-d.pad >= 8 {
		return FormatError("restart interval has extra data")
	}
	p := d.pos
	if p >= len(d.data) {
		return errTruncated
	}
	if d.data[p] != 0xFF {
		return FormatError("missing restart marker")
	}
	for p < len(d.data) && d.data[p] == 0xFF {
		p++
	}
	if p >= len(d.data) {
		return errTruncated
	}
	if d.data[p] != mRST0+byte(n) {
		return FormatError(fmt.Sprintf("expected RST%d marker, found 0x%02X", n, d.data[p]))
	}
	d.pos = p + 1
	d.acc, d.n, d.pad, d.marker, d.eof = 0, 0, 0, false, false
	return nil
}

// fill tops up the bit buffer to more than 56 bits. At a marker or the end
// of the data it appends zero bits and counts them in pad: a refDecoder that
// consumes them has run past its data.
func (d *refDecoder) fill() {
	// Fast path: the next eight bytes hold no 0xFF, so take as many whole
	// bytes as fit without looking at each.
	if !d.marker && d.pos+8 <= len(d.data) {
		x := binary.BigEndian.Uint64(d.data[d.pos:])
		if !refHasFF(x) {
			k := (64 - d.n) / 8 // 1..8 whole bytes
			d.acc = d.acc<<uint(8*k) | x>>uint(64-8*k)
			d.pos += k
			d.n += 8 * k
			return
		}
	}
	for d.n <= 56 {
		var b byte
		switch {
		case d.marker:
			d.pad += 8
		case d.pos >= len(d.data):
			d.marker, d.eof = true, true
			d.pad += 8
		default:
			b = d.data[d.pos]
			if b != 0xFF {
				d.pos++
				break
			}
			if d.pos+1 >= len(d.data) {
				d.marker, d.eof = true, true
				d.pad += 8
				b = 0
				break
			}
			if d.data[d.pos+1] == 0 { // stuffed 0xFF00 is a data 0xFF
				d.pos += 2
				break
			}
			d.marker = true // stop before the marker; leave it for the caller
			d.pad += 8
			b = 0
		}
		d.acc = d.acc<<8 | uint64(b)
		d.n += 8
	}
}

// refHasFF reports whether any byte of x is 0xFF (a zero byte of ^x).
func refHasFF(x uint64) bool {
	y := ^x
	return (y-0x0101010101010101)&^y&0x8080808080808080 != 0
}

// decodeHuff reads one Huffman-coded symbol; the caller has made sure at
// least 16 bits are buffered.
func (d *refDecoder) decodeHuff(t *refHuffTable) (byte, error) {
	peek := uint32(d.acc>>uint(d.n-refLutBits)) & (1<<refLutBits - 1)
	if e := t.lut[peek]; e != 0 {
		d.n -= int(e >> 8)
		return byte(e), nil
	}
	return d.decodeLong(t)
}

// decodeLong reads a code longer than the lookahead table covers.
func (d *refDecoder) decodeLong(t *refHuffTable) (byte, error) {
	for l := refLutBits + 1; l <= 16; l++ {
		code := int32(d.acc>>uint(d.n-l)) & (1<<l - 1)
		if code <= t.maxcode[l] {
			d.n -= l
			return t.vals[t.valptr[l]+code], nil
		}
	}
	return 0, FormatError("bad Huffman code")
}

// block reads one 8x8 block and returns its DC difference; the AC
// coefficients are decoded only to be skipped (T.81 F.2.2).
func (d *refDecoder) block(dc, ac *refHuffTable) (int, error) {
	if d.n < 32 {
		d.fill()
	}
	s, err := d.decodeHuff(dc)
	if err != nil {
		return 0, err
	}
	if s > 16 {
		return 0, FormatError("bad DC difference size")
	}
	diff := 0
	if s > 0 {
		v := int(d.acc>>uint(d.n-int(s))) & (1<<s - 1)
		d.n -= int(s)
		if v < 1<<(s-1) { // EXTEND: a leading 0 bit means negative
			v -= 1<<s - 1
		}
		diff = v
	}
	// The AC loop keeps the bit buffer in locals, which the compiler can
	// hold in registers, and stores it back around the rare calls.
	acc, n := d.acc, d.n
	k := 1
	for k < 64 {
		if n < 32 {
			d.acc, d.n = acc, n
			d.fill()
			acc, n = d.acc, d.n
		}
		// In an AC table's lookahead entry the length is that of the code
		// plus the coefficient bits that follow it: one step skips both.
		var rs byte
		if e := ac.lut[uint32(acc>>uint(n-refLutBits))&(1<<refLutBits-1)]; e != 0 {
			n -= int(e >> 8)
			rs = byte(e)
		} else {
			d.acc, d.n = acc, n
			if rs, err = d.decodeLong(ac); err != nil {
				return 0, err
			}
			n = d.n - int(rs&15)
		}
		if rs&15 != 0 {
			k += int(rs>>4) + 1
		} else if rs == 0xF0 {
			k += 16 // ZRL: sixteen zeros
		} else {
			break // end of block
		}
	}
	d.acc, d.n = acc, n
	if k > 64 {
		return 0, FormatError("AC coefficients past the end of the block")
	}
	return diff, nil
}
