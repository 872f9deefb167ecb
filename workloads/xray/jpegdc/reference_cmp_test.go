package jpegdc

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// RefDecode lets the external tests (xray_test.go) compare with the
// reference decoder.
var RefDecode = refDecode

// errorKind names the class of a decoding error, which is what Decode and
// the reference must agree on (messages may say more or less).
func errorKind(err error) string {
	var fe FormatError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrUnsupported):
		return "unsupported"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	case errors.As(err, &fe):
		return "invalid"
	}
	return "other: " + err.Error()
}

// sameAsReference fails t unless Decode and the reference decoder return
// the same image, byte for byte, or the same kind of error for data.
func sameAsReference(t testing.TB, name string, data []byte) {
	t.Helper()
	want, wantErr := refDecode(data)
	got, err := Decode(bytes.NewReader(data))
	if errorKind(err) != errorKind(wantErr) {
		t.Fatalf("%s: Decode error %v, reference %v", name, err, wantErr)
	}
	if (got == nil) != (want == nil) {
		t.Fatalf("%s: Decode image %v, reference %v", name, got != nil, want != nil)
	}
	if got == nil {
		return
	}
	if got.Rect != want.Rect || got.Stride != want.Stride || !bytes.Equal(got.Pix, want.Pix) {
		t.Fatalf("%s: Decode gives another image than the reference (%v, %v)", name, got.Rect, want.Rect)
	}
}

// referenceInputs are valid files of every kind the decoder supports.
func referenceInputs(t testing.TB) map[string][]byte {
	in := map[string][]byte{}
	for i, size := range [][2]int{{1, 1}, {8, 8}, {37, 23}, {129, 257}, {300, 200}} {
		for _, q := range []int{10, 50, 90, 100} {
			var buf bytes.Buffer
			jpeg.Encode(&buf, testImage(size[0], size[1], uint64(i)), &jpeg.Options{Quality: q})
			in[fmt.Sprintf("gray_%dx%d_q%d", size[0], size[1], q)] = buf.Bytes()
			buf = bytes.Buffer{}
			jpeg.Encode(&buf, colorImage(size[0], size[1], uint64(i)), &jpeg.Options{Quality: q})
			in[fmt.Sprintf("ycbcr420_%dx%d_q%d", size[0], size[1], q)] = buf.Bytes()
		}
	}
	for i, e := range []testEncoder{
		{components: 1, q0: 8},
		{components: 1, q0: 1, restart: 1},
		{components: 1, q0: 2, restart: 7},
		{components: 1, q0: 3, sof1: true, quant16: true, restart: 3},
		{components: 3, h: 1, v: 1, q0: 8},
		{components: 3, h: 2, v: 1, q0: 8, restart: 3},
		{components: 3, h: 2, v: 2, q0: 4, restart: 5},
		{components: 3, h: 4, v: 1, q0: 16},
		{components: 3, h: 2, v: 2, q0: 8, separate: true, restart: 4},
		{components: 3, h: 1, v: 1, q0: 8, separate: true, restart: 4},
	} {
		data, _ := e.encode(testImage(70, 43, uint64(200+i)))
		in[fmt.Sprintf("encoder_%d_%+v", i, e)] = data
	}
	// The fuzzing corpus: "go test fuzz v1" then one []byte("...") line.
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecode", "*"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		arg, ok := strings.CutPrefix(lines[len(lines)-1], "[]byte(")
		data, err := strconv.Unquote(strings.TrimSuffix(arg, ")"))
		if len(lines) != 2 || !ok || err != nil {
			t.Fatalf("%s: not a one-argument corpus file", p)
		}
		in["corpus_"+filepath.Base(p)] = []byte(data)
	}
	return in
}

func TestMatchesReference(t *testing.T) {
	for name, data := range referenceInputs(t) {
		sameAsReference(t, name, data)
	}
}

// TestMatchesReferenceBroken compares the two decoders on damaged files:
// every truncation of a small one and many random corruptions of all, which
// reach the error paths (bad codes, markers and restart intervals in the
// wrong places, data that ends early).
func TestMatchesReferenceBroken(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	inputs := referenceInputs(t)
	small, _ := testEncoder{components: 3, h: 2, v: 1, q0: 8, restart: 2}.encode(testImage(40, 24, 9))
	for n := range len(small) {
		sameAsReference(t, fmt.Sprintf("truncated_%d", n), small[:n])
	}
	for name, data := range inputs {
		if len(data) < 4 {
			continue
		}
		for i := range 40 {
			bad := append([]byte(nil), data...)
			for range 1 + rng.IntN(3) {
				p := rng.IntN(len(bad))
				switch rng.IntN(4) {
				case 0:
					bad[p] = byte(rng.Uint32())
				case 1:
					bad[p] ^= 1 << rng.IntN(8)
				case 2:
					bad[p] = 0xFF
				default:
					bad = append(bad[:p:p], append([]byte{0xFF, byte(0xD0 + rng.IntN(10))}, bad[p:]...)...)
				}
			}
			sameAsReference(t, fmt.Sprintf("%s_corrupt_%d", name, i), bad)
		}
	}
}
