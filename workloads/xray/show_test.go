package xray

import (
	"context"
	"strings"
	"testing"
)

func TestGalleryShowsEachFileWithItsThumbnail(t *testing.T) {
	ds := shared(t)
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	h, err := Gallery(files[:2], 60)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(h, `src="data:image/png;base64,`); n != 4 || !strings.Contains(h, "→ 64×64</figcaption>") {
		t.Errorf("gallery of 2 files has %d images:\n%.300s", n, h)
	}
	if _, err := Gallery([]string{"/no/such.jpeg"}, 60); err == nil || !strings.Contains(err.Error(), "/no/such.jpeg") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestBadFilesFailEachInItsOwnWay(t *testing.T) {
	ds := shared(t)
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := BadFiles(t.TempDir(), files[0])
	if err != nil || len(bad) != 3 {
		t.Fatalf("BadFiles = %v, %v", bad, err)
	}
	for _, f := range bad {
		if _, err := Resize(context.Background(), f); err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("%s: %v, want an error naming the file", f, err)
		}
	}
}
