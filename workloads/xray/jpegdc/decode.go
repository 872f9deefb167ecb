package jpegdc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"sync"
)

// ErrUnsupported is wrapped by the error for a valid JPEG this package does
// not decode (progressive, arithmetic-coded, lossless, hierarchical, 12-bit,
// CMYK or RGB). errors.Is(err, ErrUnsupported) tells a caller to fall back to
// a full decoder such as image/jpeg.
var ErrUnsupported = errors.New("jpegdc: unsupported JPEG")

// FormatError reports that the input is not a valid JPEG.
type FormatError string

func (e FormatError) Error() string { return "jpegdc: invalid JPEG: " + string(e) }

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

var errTruncated = fmt.Errorf("jpegdc: truncated JPEG: %w", io.ErrUnexpectedEOF)

// Markers (T.81 table B.1).
const (
	mSOF0 = 0xC0 // baseline
	mSOF1 = 0xC1 // extended sequential, Huffman
	mSOF2 = 0xC2 // progressive, Huffman
	mSOF3 = 0xC3 // lossless, Huffman
	mDHT  = 0xC4
	mJPG  = 0xC8
	mDAC  = 0xCC
	mRST0 = 0xD0
	mRST7 = 0xD7
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDRI  = 0xDD
	mAPP0 = 0xE0
	mAPPE = 0xEE
	mTEM  = 0x01
)

// Decode reads a JPEG from r and returns its first component (luma, or the
// only component of a gray file) at 1/8 scale: pixel (x, y) is the mean of
// the 8x8 block at (8x, 8y), so a W×H JPEG gives a ceil(W/8)×ceil(H/8) image.
// Blocks at the right and bottom edges hold the encoder's padding too, as
// with libjpeg. Decode reads r to the end of the first component's scan.
//
// Errors: [ErrUnsupported] (wrapped) for JPEGs outside the supported subset,
// [FormatError] for invalid data, and an error wrapping io.ErrUnexpectedEOF
// for a file that ends early.
func Decode(r io.Reader) (*image.Gray, error) {
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	data, err := readAll(r, (*buf)[:0])
	*buf = data
	if err != nil {
		return nil, err
	}
	d := decoder{data: data}
	if err := d.run(false); err != nil {
		return nil, err
	}
	return d.out, nil
}

// bufPool holds Decode's input buffers: the image Decode returns does not
// refer to its input, so the next call can read into the same memory.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// DecodeConfig returns the size and colour model of the full JPEG in r, as
// image/jpeg's DecodeConfig does (color.GrayModel for one component,
// color.YCbCrModel for three), reading only the headers before the frame.
// [Decode] of the same file returns a ceil(Width/8)×ceil(Height/8) image. It
// reports unsupported and invalid files as Decode would at the frame header.
func DecodeConfig(r io.Reader) (image.Config, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		b := bufio.NewReaderSize(r, 4096)
		r, br = b, b
	}
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil || hdr[0] != 0xFF || hdr[1] != mSOI {
		return image.Config{}, FormatError("missing SOI marker")
	}
	for {
		m, err := nextMarkerStream(br)
		if err != nil {
			return image.Config{}, err
		}
		if m == mEOI {
			return image.Config{}, FormatError("no frame header before EOI")
		}
		if m == mTEM || (m >= mRST0 && m <= mRST7) {
			continue
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return image.Config{}, errTruncated
		}
		n := int(binary.BigEndian.Uint16(hdr[:])) - 2
		if n < 0 {
			return image.Config{}, FormatError("bad segment length")
		}
		if isSOF(m) {
			seg := make([]byte, n)
			if _, err := io.ReadFull(r, seg); err != nil {
				return image.Config{}, errTruncated
			}
			var d decoder
			if err := d.parseSOF(m, seg); err != nil {
				return image.Config{}, err
			}
			cm := color.GrayModel
			if len(d.comps) == 3 {
				cm = color.YCbCrModel
			}
			return image.Config{ColorModel: cm, Width: d.width, Height: d.height}, nil
		}
		if err := checkMarker(m); err != nil {
			return image.Config{}, err
		}
		if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
			return image.Config{}, errTruncated
		}
	}
}

// nextMarkerStream reads up to and including the next marker code.
func nextMarkerStream(br io.ByteReader) (byte, error) {
	seenFF := false
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, errTruncated
		}
		switch {
		case b == 0xFF:
			seenFF = true
		case seenFF && b != 0:
			return b, nil
		default:
			seenFF = false
		}
	}
}

// readAll appends what r holds to buf, as io.ReadAll does, growing buf at
// most once when r knows its length.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	size := 0
	switch v := r.(type) {
	case interface{ Len() int }:
		size = v.Len()
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(fi.Size())
		}
	}
	if size > 0 && size <= 1<<30 && cap(buf) < size+1 {
		buf = make([]byte, 0, size+bytes.MinRead)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return buf, err
		}
	}
}

func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != mDHT && m != mJPG && m != mDAC
}

// checkMarker rejects the markers of coding processes this package does not
// implement, whatever the frame header says.
func checkMarker(m byte) error {
	switch m {
	case mDAC:
		return unsupported("arithmetic coding (DAC)")
	case mJPG, 0xDE, 0xDF: // JPG extension, DHP, EXP: hierarchical
		return unsupported("hierarchical or extension marker 0x%02X", m)
	}
	return nil
}

type component struct {
	id   byte
	h, v int // sampling factors
	tq   int // quantization table
	// for the current scan
	td, ta int
}

// huffTable is a canonical Huffman table (T.81 annex C, F.2.2.3): a 9-bit
// lookahead table for short codes and the maxcode/valptr arrays for the rest.
type huffTable struct {
	defined bool
	lut     [1 << lutBits]uint16 // (bits to skip << 8) | symbol; 0 = longer code
	maxcode [17]int32            // largest code of each length, -1 if none
	valptr  [17]int32            // index in vals of the first code of each length, minus that code
	vals    [256]byte
	counts  [16]byte   // codes of each length, as in the DHT segment
	fast    *fastTable // made when a scan first needs it (entropy.go)
}

const lutBits = 9

type decoder struct {
	data []byte
	pos  int

	frame         bool
	width, height int
	comps         []component
	hmax, vmax    int

	qdc     [4]int // DC quantizer of each table (the only entry we need)
	qdef    [4]bool
	huff    [2][4]huffTable // [class: 0 DC, 1 AC][destination]
	restart int

	jfif           bool
	adobe          bool
	adobeTransform byte

	out *image.Gray
}

func (d *decoder) run(configOnly bool) error {
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
			return FormatError("no scan of the first component before EOI")
		}
		if m == mTEM || (m >= mRST0 && m <= mRST7) {
			continue // no length; stray restart markers are harmless
		}
		if err := checkMarker(m); err != nil {
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
		case isSOF(m):
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
func (d *decoder) nextMarker() (byte, error) {
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

func (d *decoder) parseSOF(m byte, seg []byte) error {
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
	d.comps = make([]component, nf)
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
				return FormatError("duplicate component identifier")
			}
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	d.frame = true
	return nil
}

func (d *decoder) parseDQT(seg []byte) error {
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

func (d *decoder) parseDHT(seg []byte) error {
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
func (t *huffTable) build(ac bool, counts [16]int, vals []byte) error {
	*t = huffTable{defined: true}
	copy(t.vals[:], vals)
	for i, c := range counts {
		t.counts[i] = byte(c)
	}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		t.maxcode[l] = -1
		if c := int32(counts[l-1]); c > 0 {
			t.valptr[l] = k - code
			for i := int32(0); i < c; i++ {
				if code >= 1<<l {
					return FormatError("bad Huffman code lengths")
				}
				if l <= lutBits {
					// every lookahead value starting with this code
					shift := uint(lutBits - l)
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
