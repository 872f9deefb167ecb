package jpegdc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"sync"
)

// Entropy decoding (T.81 F.2.2). Almost all of Decode's time is here: a
// 2000x1500 X-ray has 47,000 blocks of some ten Huffman codes each, and
// every code must be read to find where the next block starts, though only
// the first of each block (the DC difference) is used.
//
// What makes it fast:
//
//   - The entropy-coded data is unstuffed first (each 0xFF 0x00 becomes 0xFF,
//     in place, up to the marker that ends it), so the bit reader refills its
//     64-bit buffer with one 8-byte load and no byte-by-byte checks.
//   - The bit buffer is MSB-first: the next bits are its top bits, a table
//     index is a constant shift away, and using bits is one shift.
//   - One lookup of the next fastBits bits decodes a DC code together with
//     the difference bits after it, and steps over several AC codes with
//     their coefficient bits: AC coefficients are never decoded, only
//     counted, "3 codes, 11 bits, 9 coefficients further, end of block".
//   - The tables are made once per distinct Huffman table and shared by
//     every file that uses it (most encoders use the same few).
//   - The loop that does nearly all the work (fastBlock) calls nothing and
//     has few live values, so the compiler keeps them in registers; it
//     refills the buffer once per four lookups, not before each; everything
//     rare (long codes, the end of a block at its 64th coefficient, the end
//     of the data, errors) happens outside it.

// fastBits is the lookahead of a fastTable: 2^13 entries of 2 bytes, so a
// scan's DC and AC tables (16 kB each) stay in a 48 kB L1 data cache. On the
// synthetic X-rays one lookup steps over two AC codes on average, four
// lookups a block; 12 bits take 10% more lookups and 5% more time, 14 bits
// are no faster.
const fastBits = 13

// A fastTable maps the next fastBits bits of the scan to what they hold.
//
// For a DC table: bits 0–3 are the length of the code and the difference
// bits after it, bits 4–15 the difference (signed); 0 if they do not fit.
//
// For an AC table, the codes that lie wholly in the window, each with the
// coefficient bits that follow it, up to and including an end of block:
//
//	bits 0–3   bits the group takes
//	bits 4–10  coefficients it moves past: run+1 for a coefficient, 16 for
//	           ZRL; grpSlow if not even the first code fits
//	bit 11     the group ends the block (EOB, or any code of size 0 but ZRL)
//
// A group never reaches the block's last coefficient: the block may end
// there without an EOB, and a code past it is an error, so that is left to
// the one-code-at-a-time path.
type fastTable [1 << fastBits]uint16

const (
	fastLenMask = 1<<4 - 1
	grpKShift   = 4
	grpKMask    = 1<<7 - 1
	grpEOB      = 1 << 11
	grpSlow     = 64 << grpKShift // k+64 is never < 64: take one code the slow way
)

// fastCache holds the fastTables made so far, by class and DHT contents.
// Tables are never changed once made, so any number of decoders can share
// them.
var fastCache struct {
	sync.Mutex
	m map[string]*fastTable
}

const fastCacheMax = 64 // tables (16 kB each) before the cache starts afresh

// fastTable returns t's fast table for its class, from the cache or newly
// made.
func (t *huffTable) fastTable(ac bool) *fastTable {
	if t.fast != nil {
		return t.fast
	}
	var kb [1 + 16 + 256]byte
	key := append(kb[:0], 0)
	if ac {
		key[0] = 1
	}
	key = append(key, t.counts[:]...)
	total := 0
	for _, c := range t.counts {
		total += int(c)
	}
	key = append(key, t.vals[:total]...)

	fastCache.Lock()
	f := fastCache.m[string(key)]
	fastCache.Unlock()
	if f == nil {
		f = new(fastTable)
		for w := range f {
			if ac {
				f[w] = t.acEntry(uint32(w))
			} else {
				f[w] = t.dcEntry(uint32(w))
			}
		}
		fastCache.Lock()
		if fastCache.m == nil || len(fastCache.m) >= fastCacheMax {
			fastCache.m = make(map[string]*fastTable)
		}
		fastCache.m[string(key)] = f
		fastCache.Unlock()
	}
	t.fast = f
	return f
}

// windowCode decodes the code at the top of the fastBits-bit window w, of
// which the first avail bits are known, and returns its symbol and length;
// ok is false if no code of at most avail bits starts there.
func (t *huffTable) windowCode(w uint32, avail int, ac bool) (sym byte, l int, ok bool) {
	if e := t.lut[w>>(fastBits-lutBits)]; e != 0 {
		sym, l = byte(e), int(e>>8)
		if ac {
			l -= int(sym & 15) // the lookahead table counts the coefficient bits too
		}
		return sym, l, l <= avail
	}
	for l := lutBits + 1; l <= avail; l++ {
		code := int32(w >> uint(fastBits-l))
		if code <= t.maxcode[l] {
			return t.vals[t.valptr[l]+code], l, true
		}
	}
	return 0, 0, false
}

// dcEntry is the fastTable entry of a DC table for window w.
func (t *huffTable) dcEntry(w uint32) uint16 {
	s, l, ok := t.windowCode(w, fastBits, false)
	if !ok || s > 11 || l+int(s) > fastBits {
		return 0
	}
	v := 0
	if s > 0 {
		v = int(w<<uint(l)&(1<<fastBits-1)) >> (fastBits - s)
		if v < 1<<(s-1) { // EXTEND: a leading 0 bit means negative
			v -= 1<<s - 1
		}
	}
	return uint16(l+int(s)) | uint16(v)<<4
}

// acEntry is the fastTable entry of an AC table for window w: its codes
// one by one, as the one-code path would read them, for as long as they fit.
func (t *huffTable) acEntry(w uint32) uint16 {
	used, k := 0, 0
	for {
		rs, l, ok := t.windowCode(w<<uint(used)&(1<<fastBits-1), fastBits-used, true)
		l += int(rs & 15)
		if !ok || used+l > fastBits {
			break
		}
		if rs&15 == 0 && rs != 0xF0 {
			return uint16(used+l) | uint16(k)<<grpKShift | grpEOB
		}
		step := int(rs>>4) + 1
		if rs == 0xF0 {
			step = 16
		}
		if k+step >= 64 {
			break
		}
		used, k = used+l, k+step
	}
	if used == 0 {
		return grpSlow
	}
	return uint16(used) | uint16(k)<<grpKShift
}

// decodeLong decodes a code longer than lutBits from the top of acc and
// returns its symbol and length.
func (t *huffTable) decodeLong(acc uint64) (byte, uint, error) {
	for l := uint(lutBits + 1); l <= 16; l++ {
		code := int32(acc >> (64 - l))
		if code <= t.maxcode[l] {
			return t.vals[t.valptr[l]+code], l, nil
		}
	}
	return 0, 0, FormatError("bad Huffman code")
}

// unstuff turns the entropy-coded segment that starts at data[start] into
// plain bits in place: each stuffed 0xFF 0x00 becomes 0xFF. The data is
// data[start:end]; the marker that ends it is at data[mark], unless the data
// ends first (eof), and then mark is len(data). A 0xFF as the last byte is no
// data either.
func unstuff(data []byte, start int) (end, mark int, eof bool) {
	w, r := start, start
	for {
		i := bytes.IndexByte(data[r:], 0xFF)
		if i < 0 {
			if w != r {
				copy(data[w:], data[r:])
			}
			return w + len(data) - r, len(data), true
		}
		if w != r {
			copy(data[w:], data[r:r+i])
		}
		w, r = w+i, r+i
		if r+1 >= len(data) {
			return w, len(data), true
		}
		if data[r+1] != 0 {
			return w, r, false
		}
		data[w] = 0xFF
		w, r = w+1, r+2
	}
}

// bitReader reads the unstuffed data of one entropy-coded segment (one
// restart interval) MSB first. The next n bits are the top bits of acc, and
// the bits below them are what follows, or zeros; p is the next byte to
// load. Past the data it reads zeros; the check after each MCU turns having
// used them into an error.
type bitReader struct {
	data []byte // the file up to the end of the segment's unstuffed data
	p    int
	acc  uint64
	n    uint
	eof  bool // the data ends with the file, not at a marker
}

// fill tops n up to 56 or more (refilling with one load is Fabian Giesen's
// "variant 4": the low bits of acc are the same stream bits again).
func fill(data []byte, p int, acc uint64, n uint) (int, uint64, uint) {
	if p+8 <= len(data) {
		return p + int((63-n)>>3), acc | binary.BigEndian.Uint64(data[p:])>>n, n | 56
	}
	return fillSlow(data, p, acc, n)
}

// fillSlow is fill near the end of the data: the bytes from p on, then
// zeros for ever.
func fillSlow(data []byte, p int, acc uint64, n uint) (int, uint64, uint) {
	var x uint64
	for i := p; i < p+8; i++ {
		x <<= 8
		if i < len(data) {
			x |= uint64(data[i])
		}
	}
	return p + int((63-n)>>3), acc | x>>n, n | 56
}

// pastData reports whether the reader has used bits past its data.
func (r *bitReader) pastData() bool { return 8*r.p-int(r.n) > 8*len(r.data) }

// errPastData is the error for having used bits past the data.
func (r *bitReader) errPastData() error {
	if r.eof {
		return errTruncated
	}
	return FormatError("unexpected marker in entropy-coded data")
}

// blocks decodes count blocks coded with tables dc and ac, whose DC
// predictor starts at pred, and returns the predictor after them. The DC of
// block i becomes pixel pix[i] if i < len(pix): the block mean in
// gray levels, DC·q/8 + 128. With eachMCU, each block is an MCU of a
// one-component scan, and blocks fails after the first that used bits past
// the data, as the scan must after such an MCU.
//
// The common steps run in fastBlocks and fastBlock; blocks does the rest.
func (r *bitReader) blocks(dc, ac *huffTable, count, pred, q int, pix []byte, eachMCU bool) (int, error) {
	s := runState{acc: r.acc, n: r.n, p: r.p, pred: pred}
	var err error
	for {
		switch fastBlocks(&s, r.data, dc.fast, ac.fast, count, q, pix, eachMCU) {
		case runDone:
			r.p, r.acc, r.n = s.p, s.acc, s.n
			return s.pred, nil
		case runPastData:
			r.p, r.acc, r.n = s.p, s.acc, s.n
			return s.pred, r.errPastData()
		case runFill:
			s.p, s.acc, s.n = fillSlow(r.data, s.p, s.acc, s.n)
		case runDC:
			var diff int
			if s.p, s.acc, s.n, diff, err = dcSlow(dc, r.data, s.p, s.acc, s.n); err != nil {
				r.p, r.acc, r.n = s.p, s.acc, s.n
				return s.pred, err
			}
			s.pred += diff
			s.k = 1
		case runAC:
			var end bool
			if s.p, s.acc, s.n, s.k, end, err = acSlow(ac, r.data, s.p, s.acc, s.n, s.k); err != nil {
				r.p, r.acc, r.n = s.p, s.acc, s.n
				return s.pred, err
			}
			if end {
				s.k = 64
			}
		}
	}
}

// runState is where fastBlocks stopped: the bit reader, the block i it is
// in and the coefficient k it is at there (0: the DC; 64: past the block's
// end), and the DC predictor.
type runState struct {
	acc  uint64
	n    uint
	p    int
	i, k int
	pred int
}

// What fastBlocks stopped for.
const (
	runDone     = iota // all blocks decoded
	runPastData        // an MCU used bits past the data
	runFill            // the bit reader needs fillSlow
	runDC              // a DC code the fast table does not hold
	runAC              // an AC code for acSlow
)

// fastBlocks goes on with the blocks from s for as long as the fast tables
// and the fast refill do; see blocks.
func fastBlocks(s *runState, data []byte, dcFast, acFast *fastTable, count, q int, pix []byte, eachMCU bool) int {
	acc, n, p, i, k, pred := s.acc, s.n, s.p, s.i, s.k, s.pred
	status := runDone
	for ; i < count; i++ {
		var diff int
		acc, n, p, k, diff, status = fastBlock(acc, n, p, k, data, dcFast, acFast)
		pred += diff
		if status != runDone {
			break
		}
		if uint(i) < uint(len(pix)) {
			v := (pred*q+4)>>3 + 128
			pix[i] = uint8(min(max(v, 0), 255))
		}
		if eachMCU && 8*p-int(n) > 8*len(data) {
			i++
			status = runPastData
			break
		}
	}
	s.acc, s.n, s.p, s.i, s.k, s.pred = acc, n, p, i, k, pred
	return status
}

// fastBlock decodes the rest of a block from coefficient k (0: the DC; 64:
// acSlow has read its last code) and returns its DC difference, or stops
// where fastBlocks cannot go on and returns the status and the k to go on
// from. After the block, k is 0. Its own function, it has few enough live
// values for the compiler to keep them all in registers.
//
// It refills the bit buffer once per four lookups, not before each: a
// refill leaves at least 56 bits, and a lookup takes at most fastBits. That
// takes a data-dependent branch out of the loop, and the jump the processor
// would sometimes mispredict with it.
func fastBlock(acc uint64, n uint, p, k int, data []byte, dcFast, acFast *fastTable) (uint64, uint, int, int, int, int) {
	// Refill without asking (to 56 bits or more: a DC and three AC lookups,
	// or four AC lookups) but near the end of the data, where fillSlow must.
	if p+8 <= len(data) {
		acc |= binary.BigEndian.Uint64(data[p:]) >> n
		p += int((63 - n) >> 3)
		n |= 56
	} else if n < fastBits {
		return acc, n, p, k, 0, runFill
	}
	diff := 0
	if k == 0 {
		// DC: the code and the difference in one lookup.
		e := dcFast[acc>>(64-fastBits)]
		l := uint(e & fastLenMask)
		if l == 0 {
			return acc, n, p, k, 0, runDC
		}
		acc <<= l
		n -= l
		diff = int(int16(e) >> 4)
		k = 1
	}
	if k >= 64 {
		return acc, n, p, 0, diff, runDone // acSlow ended the block
	}
	// AC: stepped over, a group of codes per lookup.
	for {
		for steps := n / fastBits; steps > 0; steps-- {
			e := acFast[acc>>(64-fastBits)]
			kk := k + int(e>>grpKShift&grpKMask)
			if kk >= 64 {
				return acc, n, p, k, diff, runAC
			}
			l := uint(e & fastLenMask)
			acc <<= l
			n -= l
			k = kk
			if e&grpEOB != 0 {
				return acc, n, p, 0, diff, runDone
			}
		}
		if p+8 > len(data) {
			return acc, n, p, k, diff, runFill
		}
		acc |= binary.BigEndian.Uint64(data[p:]) >> n
		p += int((63 - n) >> 3)
		n |= 56
	}
}

// dcSlow decodes a DC code and its difference that the fast table does not
// hold.
func dcSlow(t *huffTable, data []byte, p int, acc uint64, n uint) (int, uint64, uint, int, error) {
	if n < 32 { // up to a 16-bit code and 16 bits of difference
		p, acc, n = fill(data, p, acc, n)
	}
	var s uint
	if e := t.lut[acc>>(64-lutBits)]; e != 0 {
		l := uint(e >> 8)
		acc <<= l
		n -= l
		s = uint(byte(e))
	} else {
		sym, l, err := t.decodeLong(acc)
		if err != nil {
			return p, acc, n, 0, err
		}
		acc <<= l
		n -= l
		s = uint(sym)
	}
	if s > 16 {
		return p, acc, n, 0, FormatError("bad DC difference size")
	}
	v := 0
	if s > 0 {
		v = int(acc >> (64 - s))
		acc <<= s
		n -= s
		if v < 1<<(s-1) { // EXTEND: a leading 0 bit means negative
			v -= 1<<s - 1
		}
	}
	return p, acc, n, v, nil
}

// acSlow reads one AC code and the coefficient bits after it and moves k
// past it; end reports the end of the block.
func acSlow(t *huffTable, data []byte, p int, acc uint64, n uint, k int) (int, uint64, uint, int, bool, error) {
	if n < 32 { // up to a 16-bit code and 15 bits of coefficient
		p, acc, n = fill(data, p, acc, n)
	}
	var rs byte
	if e := t.lut[acc>>(64-lutBits)]; e != 0 {
		l := uint(e >> 8) // code and coefficient bits (build)
		acc <<= l
		n -= l
		rs = byte(e)
	} else {
		sym, l, err := t.decodeLong(acc)
		if err != nil {
			return p, acc, n, k, true, err
		}
		l += uint(sym & 15)
		acc <<= l
		n -= l
		rs = sym
	}
	switch {
	case rs&15 != 0:
		k += int(rs>>4) + 1
	case rs == 0xF0:
		k += 16 // ZRL: sixteen zeros
	default:
		return p, acc, n, k, true, nil // end of block
	}
	if k > 64 {
		return p, acc, n, k, true, FormatError("AC coefficients past the end of the block")
	}
	return p, acc, n, k, k == 64, nil
}

// scan decodes one scan. It reports done once the first component has been
// decoded, since nothing after that scan matters.
func (d *decoder) scan(seg []byte) (done bool, err error) {
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
	var sc [4]*component
	has1 := false
	for i := 0; i < ns; i++ {
		id, t := seg[1+2*i], seg[2+2*i]
		var c *component
		for j := range d.comps {
			if d.comps[j].id == id {
				c = &d.comps[j]
				has1 = has1 || j == 0
			}
		}
		if c == nil {
			return false, FormatError("scan names an unknown component")
		}
		for j := 0; j < i; j++ {
			if sc[j] == c {
				return false, FormatError("scan names a component twice")
			}
		}
		c.td, c.ta = int(t>>4), int(t&15)
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
	// The first component's size in its own samples, and in blocks.
	cw := (d.width*c1.h + d.hmax - 1) / d.hmax
	ch := (d.height*c1.v + d.vmax - 1) / d.vmax
	bw, bh := (cw+7)/8, (ch+7)/8
	// Every block takes at least 2 bits (a DC code and an end-of-block
	// code): refuse to allocate for data that cannot be there.
	if bw*bh > 4*(len(d.data)-d.pos)+64 {
		return false, errTruncated
	}
	d.out = image.NewGray(image.Rect(0, 0, bw, bh))
	for _, c := range sc[:ns] {
		d.huff[0][c.td].fastTable(false)
		d.huff[1][c.ta].fastTable(true)
	}
	q := d.qdc[c1.tq]

	var r bitReader
	var end, mark int
	// start begins the restart interval (or the scan) at d.pos.
	start := func() {
		end, mark, r.eof = unstuff(d.data, d.pos)
		r.data, r.p, r.acc, r.n = d.data[:end], d.pos, 0, 0
	}
	// restart ends a restart interval: at most 7 bits of padding may be
	// left, then RSTn.
	nextRST := 0
	restart := func() error {
		if 8*len(r.data)-(8*r.p-int(r.n)) >= 8 {
			return FormatError("restart interval has extra data")
		}
		pos, err := readRST(d.data, mark, r.eof, nextRST)
		if err != nil {
			return err
		}
		d.pos, nextRST = pos, (nextRST+1)&7
		start()
		return nil
	}
	start()

	if ns == 1 {
		// One component, one block per MCU, in raster order over the
		// component's blocks: the pixels of d.out in order (its stride is
		// bw).
		dc, ac := &d.huff[0][c1.td], &d.huff[1][c1.ta]
		total := bw * bh
		interval := total
		if d.restart > 0 {
			interval = d.restart
		}
		for mcu := 0; mcu < total; mcu += interval {
			if mcu > 0 {
				if err := restart(); err != nil {
					return false, err
				}
			}
			count := min(interval, total-mcu)
			if _, err := r.blocks(dc, ac, count, 0, q, d.out.Pix[mcu:mcu+count], true); err != nil {
				return false, err
			}
		}
		return true, nil
	}

	// Interleaved: each MCU has H×V blocks of each component (T.81 A.2).
	mcusX := (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	mcusY := (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	var pred [4]int
	pix, stride := d.out.Pix, d.out.Stride
	left := d.restart
	for my := 0; my < mcusY; my++ {
		for mx := 0; mx < mcusX; mx++ {
			if d.restart > 0 {
				if left == 0 {
					if err := restart(); err != nil {
						return false, err
					}
					pred = [4]int{}
					left = d.restart
				}
				left--
			}
			for i, c := range sc[:ns] {
				dc, ac := &d.huff[0][c.td], &d.huff[1][c.ta]
				for by := 0; by < c.v; by++ {
					for bx := 0; bx < c.h; bx++ {
						var out []byte
						x, y := mx*c.h+bx, my*c.v+by
						if c == c1 && x < bw && y < bh {
							out = pix[y*stride+x:][:1]
						}
						if pred[i], err = r.blocks(dc, ac, 1, pred[i], q, out, false); err != nil {
							return false, err
						}
					}
				}
			}
			if r.pastData() {
				return false, r.errPastData()
			}
		}
	}
	return true, nil
}

// skipEntropy moves past the entropy-coded data of a scan we do not need.
func (d *decoder) skipEntropy() error {
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

// readRST expects restart marker RSTn at data[mark], the end of a restart
// interval, and returns the position after it.
func readRST(data []byte, mark int, eof bool, n int) (int, error) {
	p := mark
	if eof {
		return 0, errTruncated
	}
	for p < len(data) && data[p] == 0xFF {
		p++
	}
	if p >= len(data) {
		return 0, errTruncated
	}
	if data[p] != mRST0+byte(n) {
		return 0, FormatError(fmt.Sprintf("expected RST%d marker, found 0x%02X", n, data[p]))
	}
	return p + 1, nil
}
