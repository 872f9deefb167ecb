package xray

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestConfigImages(t *testing.T) {
	cases := []struct {
		cfg  Config
		want map[string]int
	}{
		{Config{}, map[string]int{"train/NORMAL": 120, "train/PNEUMONIA": 35, "test/NORMAL": 2, "test/PNEUMONIA": 3, "val/NORMAL": 1, "val/PNEUMONIA": 1}},
		{Config{Count: TalkCount}, map[string]int{"train/NORMAL": 1431, "train/PNEUMONIA": 414, "test/NORMAL": 25, "test/PNEUMONIA": 42, "val/NORMAL": 1, "val/PNEUMONIA": 1}},
		{Config{Count: 1}, map[string]int{"train/NORMAL": 1, "train/PNEUMONIA": 1, "test/NORMAL": 1, "test/PNEUMONIA": 1, "val/NORMAL": 1, "val/PNEUMONIA": 1}},
	}
	for _, c := range cases {
		for folder, want := range c.want {
			split, class, _ := strings.Cut(folder, "/")
			if got := c.cfg.Images(split, class); got != want {
				t.Errorf("%+v: Images(%s) = %d, want %d", c.cfg, folder, got, want)
			}
		}
	}
	if got := (Config{}).Images("train", "COVID"); got != 0 {
		t.Errorf("Images of an unknown class = %d", got)
	}
}

func TestPlanSizesAndNames(t *testing.T) {
	// The plan of the talk's size, without drawing anything.
	files := Config{Count: TalkCount, Seed: 7}.plan()
	names := map[string]bool{}
	normal := regexp.MustCompile(`^(NORMAL2-)?IM-\d{4}-0001\.jpeg$`)
	pneumonia := regexp.MustCompile(`^person\d+_(bacteria|virus)_\d+\.jpeg$`)
	var pixels float64
	minW, maxW, minH, maxH, minA, maxA := 1<<30, 0, 1<<30, 0, 10.0, 0.0
	for _, f := range files {
		if names[f.Path] {
			t.Fatalf("%s planned twice", f.Path)
		}
		names[f.Path] = true
		base := filepath.Base(f.Path)
		if f.Pneumonia && !pneumonia.MatchString(base) || !f.Pneumonia && !normal.MatchString(base) {
			t.Errorf("%s: not a Kaggle-like name", f.Path)
		}
		minW, maxW, minH, maxH = min(minW, f.Width), max(maxW, f.Width), min(minH, f.Height), max(maxH, f.Height)
		a := float64(f.Width) / float64(f.Height)
		minA, maxA = min(minA, a), max(maxA, a)
		pixels += float64(f.Width * f.Height)
	}
	if minW < 1000 || maxW > 2900 || minH < 1000 || maxH > 2900 {
		t.Errorf("sizes %d–%d x %d–%d px, want 1000–2900 a side", minW, maxW, minH, maxH)
	}
	if maxW-minW < 1000 || maxH-minH < 1000 {
		t.Errorf("sizes %d–%d x %d–%d px do not spread", minW, maxW, minH, maxH)
	}
	if minA < 0.7 || maxA > 1.45 || maxA-minA < 0.4 {
		t.Errorf("aspect ratios %.2f–%.2f, want a spread within 0.7–1.45", minA, maxA)
	}
	if mp := pixels / float64(len(files)) / 1e6; mp < 1.8 || mp > 2.8 {
		t.Errorf("mean %.2f megapixels, want about 2.2", mp)
	}
}

func TestGenerateLayout(t *testing.T) {
	ds := shared(t)
	if ds.Root() != filepath.Join(sharedDir, "chest_xray") {
		t.Errorf("Root() = %s", ds.Root())
	}
	for _, split := range Splits {
		for _, class := range Classes {
			files, err := ds.Files(split, class)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != sharedCfg.Images(split, class) {
				t.Errorf("%s/%s: %d files, want %d", split, class, len(files), sharedCfg.Images(split, class))
			}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if cfg.ColorModel != color.GrayModel {
					t.Errorf("%s: not grayscale", f)
				}
				if cfg.Width < 1000 || cfg.Width > 2900 || cfg.Height < 1000 || cfg.Height > 2900 {
					t.Errorf("%s: %dx%d", f, cfg.Width, cfg.Height)
				}
				// Baseline (SOF0), one 8-bit component: FF C0, length 11, precision 8.
				if i := bytes.Index(data, []byte{0xFF, 0xC0, 0, 11, 8}); i < 0 || data[i+9] != 1 {
					t.Errorf("%s: not a baseline 8-bit gray JPEG", f)
				}
			}
		}
	}
	var m manifest
	b, err := os.ReadFile(filepath.Join(sharedDir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Complete || m.Config != sharedCfg || len(m.Files) != 8 {
		t.Errorf("manifest: complete %v, config %+v, %d files", m.Complete, m.Config, len(m.Files))
	}
	for _, f := range m.Files {
		fi, err := os.Stat(filepath.Join(sharedDir, filepath.FromSlash(f.Path)))
		if err != nil || fi.Size() != f.Bytes {
			t.Errorf("manifest says %s has %d bytes: %v", f.Path, f.Bytes, err)
		}
	}
}

func TestGenerateLooksLikeAnXRay(t *testing.T) {
	ds := shared(t)
	files, _ := ds.Files("train", "NORMAL")
	th, err := Resize(t.Context(), files[0])
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y int) int { return int(th.Pix[y*Size+x]) }
	// Background corners dark, lungs darker than the spine between them and
	// than the soft tissue outside them.
	corner, spine := at(1, 40), at(32, 30)
	lungL, lungR := at(32-11, 28), at(32+11, 28)
	tissue := at(32, 60)
	if corner > 60 || lungL >= spine-20 || lungR >= spine-20 || lungL >= tissue-20 || corner >= lungL {
		t.Errorf("corner %d, lungs %d %d, spine %d, tissue %d: not a chest", corner, lungL, lungR, spine, tissue)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	ds := shared(t)
	dir := t.TempDir()
	if _, err := Generate(dir, sharedCfg); err != nil {
		t.Fatal(err)
	}
	a, b := tree(t, ds.Root()), tree(t, filepath.Join(dir, "chest_xray"))
	if len(a) != 8 || len(a) != len(b) {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for name, h := range a {
		if b[name] != h {
			t.Errorf("%s differs between two runs of the same config", name)
		}
	}

	// Another seed: the same names, other images.
	other := t.TempDir()
	if _, err := Generate(other, Config{Count: sharedCfg.Count, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	c := tree(t, filepath.Join(other, "chest_xray"))
	for name, h := range a {
		if hc, ok := c[name]; !ok {
			t.Errorf("%s missing with another seed", name)
		} else if hc == h {
			t.Errorf("%s is the same with another seed", name)
		}
	}
}

func TestGenerateCaches(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Count: 1, Seed: 3}
	if _, err := Generate(dir, cfg); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	age(t, dir)
	start := time.Now()
	ds, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("second Generate took %v", d)
	}
	if w := rewritten(t, dir); len(w) > 0 {
		t.Errorf("second Generate rewrote %v", w)
	}

	// A missing image comes back, the same bytes, and nothing else moves.
	files, _ := ds.Files("train", "NORMAL")
	os.Remove(files[0])
	if _, err := Generate(dir, cfg); err != nil {
		t.Fatal(err)
	}
	if w := rewritten(t, dir); len(w) != 1 || w[0] != files[0] {
		t.Errorf("rewrote %v, want only %s", w, files[0])
	}
	after := tree(t, dir)
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed", name)
		}
	}
}

func TestGenerateNewConfig(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Config{Count: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	first := tree(t, filepath.Join(dir, "chest_xray"))
	ds, err := Generate(dir, Config{Count: 1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	second := tree(t, ds.Root())
	if len(second) != 6 {
		t.Errorf("%d files after regenerating with Count 1, want 6: %v", len(second), second)
	}
	for name, h := range second {
		if first[name] == h {
			t.Errorf("%s not regenerated", name)
		}
	}
}

func TestGenerateLeavesOthersAlone(t *testing.T) {
	t.Run("no manifest", func(t *testing.T) {
		dir := t.TempDir()
		mine := filepath.Join(dir, "chest_xray", "train", "NORMAL", "mine.jpeg")
		writeJPEG(t, mine, uniform(16, 16, 9), 90)
		_, err := Generate(dir, Config{Count: 1})
		if err == nil || !strings.Contains(err.Error(), "did not write") {
			t.Fatalf("Generate over real data: %v", err)
		}
		if _, err := os.Stat(mine); err != nil {
			t.Errorf("the user's file is gone: %v", err)
		}
	})
	t.Run("foreign file", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := Generate(dir, Config{Count: 1, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		mine := filepath.Join(dir, "chest_xray", "val", "NORMAL", "mine.jpeg")
		writeJPEG(t, mine, uniform(16, 16, 9), 90)
		before := tree(t, dir)
		_, err := Generate(dir, Config{Count: 1, Seed: 2})
		if err == nil || !strings.Contains(err.Error(), "mine.jpeg") {
			t.Fatalf("Generate with a foreign file: %v", err)
		}
		after := tree(t, dir)
		if len(after) != len(before) {
			t.Errorf("%d files before, %d after a refused Generate", len(before), len(after))
		}
	})
	t.Run("someone else's manifest", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"generator":"other"}`), 0o644)
		if _, err := Generate(dir, Config{Count: 1}); err == nil {
			t.Fatal("Generate accepted a manifest it did not write")
		}
	})
}

func TestGenerateResumesInterruptedRun(t *testing.T) {
	// An interrupted run leaves a manifest marked incomplete: still ours.
	dir := t.TempDir()
	cfg := Config{Count: 1, Seed: 4}
	m := manifest{Generator: generatorID, Version: generatorVersion, Config: cfg, Files: cfg.plan()}
	if err := writeManifest(filepath.Join(dir, ManifestName), &m); err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, filepath.FromSlash(m.Files[0].Path))
	writeJPEG(t, half, image.NewGray(image.Rect(0, 0, 8, 8)), 50)
	ds, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	th, err := Resize(t.Context(), half)
	if err != nil || th.Width < 1000 {
		t.Errorf("the half-written file was not replaced: %+v, %v", th.Width, err)
	}
	if files, _ := ds.Files("train", "NORMAL"); len(files) != 1 {
		t.Errorf("%d files", len(files))
	}
}
