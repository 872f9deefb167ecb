package xray

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

// Gallery is an HTML figure for a notebook: each file scaled to height pixels beside its
// 64×64 thumbnail (from [Resize]), shown enlarged pixel for pixel, with the file's name
// and size. The images are embedded as PNG data, so the figure needs no files to show.
func Gallery(files []string, height int) (string, error) {
	var b strings.Builder
	b.WriteString(`<div class="speedup-gallery" style="display:flex;gap:18px;flex-wrap:wrap;align-items:flex-end">`)
	for _, f := range files {
		th, err := Resize(context.Background(), f)
		if err != nil {
			return "", err
		}
		prev, err := Preview(f, height)
		if err != nil {
			return "", err
		}
		var big, small bytes.Buffer
		if err := png.Encode(&big, prev); err != nil {
			return "", fail(f, err)
		}
		if err := png.Encode(&small, th.Image()); err != nil {
			return "", fail(f, err)
		}
		fmt.Fprintf(&b, `<figure style="margin:0;text-align:center"><img src="data:image/png;base64,%s" height="%d"> `+
			`<img src="data:image/png;base64,%s" width="128" height="128" style="image-rendering:pixelated">`+
			`<figcaption style="font-size:12px">%s, %d×%d → 64×64</figcaption></figure>`,
			base64.StdEncoding.EncodeToString(big.Bytes()), height, base64.StdEncoding.EncodeToString(small.Bytes()),
			html.EscapeString(filepath.Base(f)), th.Width, th.Height)
	}
	b.WriteString("</div>")
	return b.String(), nil
}

// BadFiles writes into dir the three ways an image folder goes wrong, for a batch to
// fail on: corrupt.jpeg (the first third of good, a real JPEG), notes.jpeg (text named
// like an image) and missing.jpeg (a path that does not exist), in that order.
func BadFiles(dir, good string) ([]string, error) {
	data, err := os.ReadFile(good)
	if err != nil {
		return nil, fail(good, err)
	}
	corrupt, notes := filepath.Join(dir, "corrupt.jpeg"), filepath.Join(dir, "notes.jpeg")
	if err := os.WriteFile(corrupt, data[:len(data)/3], 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(notes, []byte("radiologist's notes, not an image"), 0o644); err != nil {
		return nil, err
	}
	return []string{corrupt, notes, filepath.Join(dir, "missing.jpeg")}, nil
}
