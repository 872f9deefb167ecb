package xray

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOpenFolders(t *testing.T) {
	ds := shared(t)
	for _, p := range []string{sharedDir, ds.Root()} {
		got, err := Open(p)
		if err != nil {
			t.Fatalf("Open(%s): %v", p, err)
		}
		if got.Root() != ds.Root() {
			t.Errorf("Open(%s).Root() = %s, want %s", p, got.Root(), ds.Root())
		}
	}
	empty := t.TempDir()
	notAZip := filepath.Join(empty, "data.tar")
	os.WriteFile(notAZip, []byte("x"), 0o644)
	badZip := filepath.Join(empty, "broken.zip")
	os.WriteFile(badZip, []byte("not really a zip"), 0o644)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(empty, "nowhere"), "no such file"},
		{empty, "no chest_xray folder"},
		{notAZip, "neither a folder nor a .zip"},
		{badZip, "broken.zip"},
	} {
		if _, err := Open(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v, want an error saying %q", c.path, err, c.want)
		}
	}
}

func TestFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "chest_xray", "train", "NORMAL")
	for _, name := range []string{"b.jpeg", "a.JPG", "c.png", ".DS_Store", "._a.jpeg", "notes.txt"} {
		writeJPEG(t, filepath.Join(dir, name), uniform(8, 8, 1), 50)
	}
	os.Mkdir(filepath.Join(dir, "sub.jpeg"), 0o755)
	ds, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if filepath.Dir(f) != dir {
			t.Errorf("%s is not in %s", f, dir)
		}
		names = append(names, filepath.Base(f))
	}
	if want := []string{"a.JPG", "b.jpeg", "c.png"}; !slices.Equal(names, want) {
		t.Errorf("Files = %v, want %v", names, want)
	}
	if _, err := ds.Files("test", "NORMAL"); err == nil || !strings.Contains(err.Error(), "test/NORMAL") {
		t.Errorf("Files of a missing folder: %v", err)
	}
}

func TestOpenZip(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "chest-xray-pneumonia.zip")
	img := jpegBytes(t, uniform(16, 16, 120))
	writeZip(t, zipPath, map[string][]byte{
		"chest_xray/":                                    nil,
		"chest_xray/train/":                              nil,
		"chest_xray/train/NORMAL/":                       nil,
		"chest_xray/train/NORMAL/IM-0115-0001.jpeg":      img,
		"chest_xray/train/NORMAL/IM-0117-0001.jpeg":      img,
		"chest_xray/test/PNEUMONIA/person1_virus_6.jpeg": img,
		"chest_xray/__MACOSX/train/._IM-0115-0001.jpeg":  []byte("apple double"),
		"__MACOSX/chest_xray/train/NORMAL/._x.jpeg":      []byte("apple double"),
		"chest_xray/chest_xray/train/NORMAL/copy.jpeg":   img,
		"chest_xray/train/NORMAL/._IM-0115-0001.jpeg":    []byte("apple double"),
		"README.txt": []byte("hello"),
	})
	ds, err := Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Root() != filepath.Join(dir, "chest_xray") {
		t.Errorf("Root() = %s", ds.Root())
	}
	got := tree(t, dir)
	delete(got, "chest-xray-pneumonia.zip")
	var names []string
	for n := range got {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{
		"chest_xray/test/PNEUMONIA/person1_virus_6.jpeg",
		"chest_xray/train/NORMAL/IM-0115-0001.jpeg",
		"chest_xray/train/NORMAL/IM-0117-0001.jpeg",
	}
	if !slices.Equal(names, want) {
		t.Errorf("unpacked %v, want %v", names, want)
	}
	files, err := ds.Files("train", "NORMAL")
	if err != nil || len(files) != 2 {
		t.Fatalf("Files: %v, %v", files, err)
	}
	if _, err := Resize(t.Context(), files[0]); err != nil {
		t.Error(err)
	}

	// Second time: found, not unpacked again.
	age(t, filepath.Join(dir, "chest_xray"))
	os.Remove(files[1])
	if _, err := Open(zipPath); err != nil {
		t.Fatal(err)
	}
	if w := rewritten(t, filepath.Join(dir, "chest_xray")); len(w) > 0 {
		t.Errorf("second Open rewrote %v", w)
	}
	if _, err := os.Stat(files[1]); err == nil {
		t.Error("second Open unpacked the zip again")
	}
}

func TestOpenZipRefused(t *testing.T) {
	img := jpegBytes(t, uniform(8, 8, 1))
	cases := []struct {
		name    string
		entries map[string][]byte
		want    string
	}{
		{"zip slip", map[string][]byte{
			"chest_xray/train/NORMAL/a.jpeg":           img,
			"chest_xray/train/NORMAL/../../../../evil": []byte("pwned"),
		}, "unsafe entry"},
		{"absolute", map[string][]byte{
			"chest_xray/train/NORMAL/a.jpeg": img,
			"/tmp/evil":                      []byte("pwned"),
		}, "unsafe entry"},
		{"backslash", map[string][]byte{
			"chest_xray/train/NORMAL/a.jpeg": img,
			`chest_xray\..\..\evil`:          []byte("pwned"),
		}, "unsafe entry"},
		{"no chest_xray", map[string][]byte{
			"train/NORMAL/a.jpeg": img,
		}, "no chest_xray folder"},
		{"only __MACOSX", map[string][]byte{
			"__MACOSX/chest_xray/train/NORMAL/._a.jpeg": img,
		}, "no chest_xray folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			zipPath := filepath.Join(filepath.Join(dir, "deep"), "data.zip")
			os.Mkdir(filepath.Dir(zipPath), 0o755)
			writeZip(t, zipPath, c.entries)
			_, err := Open(zipPath)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), zipPath) {
				t.Fatalf("Open: %v, want an error naming the zip and saying %q", err, c.want)
			}
			if files := tree(t, dir); len(files) != 1 {
				t.Errorf("a refused zip left files behind: %v", files)
			}
		})
	}
}

func TestTrainNormal(t *testing.T) {
	cache := t.TempDir()
	_, files, err := TrainNormal("", cache, Config{Count: 5, Seed: 3})
	if err != nil || len(files) != 5 || !strings.HasPrefix(files[0], cache) {
		t.Fatalf("synthetic: %v, %v", files, err)
	}
	if names := Names(files); names[0] != filepath.Base(files[0]) || strings.Contains(names[0], "/") {
		t.Errorf("Names = %v", names)
	}
	// The synthetic set's chest_xray folder opens as a real one would, cut to Count.
	ds, _, err := TrainNormal("", cache, Config{Count: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, real, err := TrainNormal(ds.Root(), "", Config{Count: 2})
	if err != nil || len(real) != 2 {
		t.Errorf("real folder: %v, %v", real, err)
	}
	if _, _, err := TrainNormal(filepath.Join(cache, "missing"), "", Config{}); err == nil {
		t.Error("a missing folder gave no error")
	}
}
