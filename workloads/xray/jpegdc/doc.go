// Package jpegdc decodes a baseline JPEG at one eighth of its size: one gray
// pixel per 8x8 block, the block's mean, read straight from the block's DC
// coefficient.
//
// It is what libjpeg does when asked to scale by 1/8 (Pillow's Image.draft,
// the trick behind fast thumbnails): a W×H JPEG becomes a
// ceil(W/8)×ceil(H/8) [image.Gray], each pixel the block's mean,
// round(DC·Q₀/8)+128, clamped to 0–255. The decoder still reads every
// Huffman code of the scan, since nothing else tells where the next block
// starts, but it skips what costs a full decoder most: dequantizing the AC
// coefficients, the inverse DCT, the chroma planes and colour conversion. It
// does not even work out the AC coefficients: one table lookup steps over
// their codes, about two at a time. Its output is within a level or two
// of the 8x8 block means of a full decode, and it runs more than ten times
// faster than [image/jpeg] (go test -bench . reports MB/s of compressed
// input and images per second, per core).
//
// Supported: sequential Huffman-coded JPEGs (SOF0 baseline, SOF1 extended)
// with 8-bit samples, one (gray) or three (YCbCr) components with any
// sampling factors, interleaved or one scan per component, 8- and 16-bit
// quantization tables, restart intervals. For colour files the result is the
// luma (Y) plane, which is what converting to gray gives. Everything else,
// progressive, arithmetic-coded, lossless, hierarchical, 12-bit, CMYK or RGB
// files, fails with an error that wraps [ErrUnsupported], so a caller can fall
// back to a full decoder; broken files fail with a [FormatError] or
// [io.ErrUnexpectedEOF], never a panic.
//
// Decode may run on any number of goroutines at once. The lookup tables it
// makes for a Huffman table are kept, a few dozen at most, and shared by
// every later file that uses the same table, as files from one encoder do.
//
// The decoder is written from the JPEG specification (ITU-T T.81, annexes
// B, C, F) and shares no code with image/jpeg.
package jpegdc
