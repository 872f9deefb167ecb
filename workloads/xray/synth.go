package xray

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// TalkCount is the number of images the talk resized: train/NORMAL of its
// copy of the Kaggle set.
const TalkCount = 1431

// DefaultCount is the number of train/NORMAL images a zero [Config]
// generates: enough for the speedups to show, quick to make and process.
const DefaultCount = 120

// Splits and Classes name the dataset's folders, chest_xray/SPLIT/CLASS.
// Treat them as read-only.
var (
	Splits  = []string{"train", "test", "val"}
	Classes = []string{"NORMAL", "PNEUMONIA"}
)

// realCounts are the image counts of the Kaggle set (version 2), folder by
// folder; the talk's 1431 for train/NORMAL is a different copy of it.
var realCounts = map[string]int{
	"train/NORMAL": 1341, "train/PNEUMONIA": 3875,
	"test/NORMAL": 234, "test/PNEUMONIA": 390,
	"val/NORMAL": 8, "val/PNEUMONIA": 8,
}

// Config says what [Generate] makes. The zero Config is valid: [DefaultCount]
// images with seed 0.
type Config struct {
	// Count is the number of images in train/NORMAL, the folder the talk
	// processes; 0 means DefaultCount, TalkCount gives the talk's size.
	// The other five folders get a tenth of their real share relative to
	// train/NORMAL (1341 in the Kaggle set), at least one image each: for
	// 120, train/PNEUMONIA 35, test/NORMAL 2, test/PNEUMONIA 3, val 1 and 1.
	// They are there so the layout is the real one; they cost little.
	Count int
	// Seed makes the images: the same Config always writes the same bytes,
	// another seed writes other images (file names depend on Count only).
	Seed uint64
}

func (c Config) count() int {
	if c.Count <= 0 {
		return DefaultCount
	}
	return c.Count
}

// Images is how many images Generate writes to chest_xray/split/class.
func (c Config) Images(split, class string) int {
	real, ok := realCounts[split+"/"+class]
	if !ok {
		return 0
	}
	n := c.count()
	if split == "train" && class == "NORMAL" {
		return n
	}
	return max(1, int(math.Round(float64(n)*float64(real)/float64(realCounts["train/NORMAL"])/10)))
}

// ManifestName is the file Generate writes in its root folder to recognise
// its own data: the config, and every image's path, size and length.
const ManifestName = "xray-synthetic.json"

const (
	generatorID      = "github.com/speedup-go/speedup/workloads/xray"
	generatorVersion = 1
)

type manifest struct {
	Generator string       `json:"generator"`
	Version   int          `json:"version"`
	Config    Config       `json:"config"`
	Complete  bool         `json:"complete"` // false while images are being written
	Files     []fileRecord `json:"files"`
}

type fileRecord struct {
	Path      string `json:"path"` // slash-separated, relative to the root
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Bytes     int64  `json:"bytes"`
	Pneumonia bool   `json:"pneumonia"`
	seed      uint64
}

// plan lists every image c makes, in folder order.
func (c Config) plan() []fileRecord {
	var files []fileRecord
	for si, split := range Splits {
		for ci, class := range Classes {
			n := c.Images(split, class)
			for i := 0; i < n; i++ {
				folder := uint64(si*len(Classes) + ci)
				rng := rand.New(rand.NewPCG(c.Seed, folder<<32|uint64(i)))
				w, h := imageSize(rng)
				files = append(files, fileRecord{
					Path:      path.Join("chest_xray", split, class, fileName(split, class, i)),
					Width:     w,
					Height:    h,
					Pneumonia: class == "PNEUMONIA",
					seed:      rng.Uint64(),
				})
			}
		}
	}
	return files
}

// imageSize spreads sizes like the real set: heights 1000–2400 px (most
// near 1300), widths 1000–2900 px, most images a little wider than tall
// (aspect 0.8–1.4), about 2.2 megapixels on average.
func imageSize(rng *rand.Rand) (w, h int) {
	tri := func() float64 { return (rng.Float64() + rng.Float64()) / 2 }
	t := tri()
	h = 1000 + int(1400*t*t)
	aspect := 0.8 + 0.6*tri()
	w = min(max(int(float64(h)*aspect), 1000), 2900)
	return w, h
}

// fileName makes Kaggle-like names: IM-0115-0001.jpeg and
// NORMAL2-IM-0427-0001.jpeg for normal images, person12_bacteria_46.jpeg and
// person12_virus_47.jpeg for pneumonia.
func fileName(split, class string, i int) string {
	base := map[string]int{"train": 115, "test": 1, "val": 1427}[split]
	if class == "NORMAL" {
		if i%3 == 2 {
			return fmt.Sprintf("NORMAL2-IM-%04d-0001.jpeg", base+300+i)
		}
		return fmt.Sprintf("IM-%04d-0001.jpeg", base+i)
	}
	kind := "bacteria"
	if i%3 == 2 {
		kind = "virus"
	}
	return fmt.Sprintf("person%d_%s_%d.jpeg", 1+i*2/3, kind, base+i)
}

// JPEGQuality is the quality Generate encodes with.
const JPEGQuality = 90

// Generate writes a synthetic stand-in for the Kaggle chest X-ray set under
// root/chest_xray/{train,test,val}/{NORMAL,PNEUMONIA}/ and returns it.
//
// The images are grayscale baseline JPEGs (quality [JPEGQuality], one 8-bit
// component, as most of the real set is) of 1000–2900 px a side (2.2 megapixels on average), drawn from
// cfg.Seed: a dark background, the body, two dark lung fields with ribs
// across them, spine, clavicles, heart, film grain and, on PNEUMONIA images,
// one to three hazy patches in the lungs. They are made in parallel, one
// goroutine per core.
//
// Generate caches: it records what it wrote in root/[ManifestName], and a
// second call with the same config only checks that the files are there
// (rewriting any that are missing or changed in length) and returns at once.
// With another config it deletes the files its manifest lists and writes
// new ones. It never deletes anything else: if root/chest_xray exists and
// was not written by Generate, or holds files its manifest does not list,
// Generate returns an error and leaves the folder alone.
//
// Two programs should not generate into the same root at the same time.
func Generate(root string, cfg Config) (*Dataset, error) {
	if root == "" {
		return nil, errors.New("xray: Generate needs a root folder")
	}
	cfg.Count = cfg.count()
	want := cfg.plan()
	mpath := filepath.Join(root, ManifestName)
	old, err := readManifest(mpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Fresh folder: refuse to mix with a chest_xray we did not write.
		if n, err := countFiles(filepath.Join(root, "chest_xray")); err != nil {
			return nil, fmt.Errorf("xray: %w", err)
		} else if n > 0 {
			return nil, fmt.Errorf("xray: %s already holds a chest_xray folder that Generate did not write (no %s); use Open for real data or pick another folder", root, ManifestName)
		}
	case err != nil:
		return nil, err
	case old.Config == cfg && old.Version == generatorVersion && old.Complete:
		todo := missing(root, old.Files, want)
		if len(todo) == 0 {
			return &Dataset{root: filepath.Join(root, "chest_xray")}, nil
		}
		if err := writeImages(root, todo); err != nil {
			return nil, err
		}
		return &Dataset{root: filepath.Join(root, "chest_xray")}, nil
	default:
		// Ours, but another config, version or an interrupted run: check
		// that nothing else crept in, then clear what we wrote.
		listed := map[string]bool{}
		for _, f := range old.Files {
			listed[filepath.Join(root, filepath.FromSlash(f.Path))] = true
		}
		var foreign string
		filepath.WalkDir(filepath.Join(root, "chest_xray"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !listed[p] && foreign == "" {
				foreign = p
			}
			return nil
		})
		if foreign != "" {
			return nil, fmt.Errorf("xray: %s holds %s, which Generate did not write; not regenerating there", root, foreign)
		}
		for p := range listed {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("xray: %w", err)
			}
		}
	}

	// Record the plan before writing, so an interrupted run is still
	// recognised as ours next time.
	m := manifest{Generator: generatorID, Version: generatorVersion, Config: cfg, Files: want}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("xray: %w", err)
	}
	if err := writeManifest(mpath, &m); err != nil {
		return nil, err
	}
	if err := writeImages(root, m.Files); err != nil {
		return nil, err
	}
	m.Complete = true
	if err := writeManifest(mpath, &m); err != nil {
		return nil, err
	}
	return &Dataset{root: filepath.Join(root, "chest_xray")}, nil
}

// missing returns the planned images whose files are absent or differ in
// length from the manifest's record.
func missing(root string, recorded, planned []fileRecord) []fileRecord {
	var todo []fileRecord
	for i, f := range planned {
		fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil || i >= len(recorded) || recorded[i].Path != f.Path || fi.Size() != recorded[i].Bytes {
			todo = append(todo, f)
		}
	}
	return todo
}

// writeImages renders and writes files in parallel and fills in their
// lengths.
func writeImages(root string, files []fileRecord) error {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range files {
		g.Go(func() error {
			f := &files[i]
			a := newAnatomy(rand.New(rand.NewPCG(f.seed, 1)), f.Pneumonia)
			img := render(f.Width, f.Height, &a, f.seed)
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
				return fmt.Errorf("xray: encoding %s: %w", f.Path, err)
			}
			p := filepath.Join(root, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("xray: %w", err)
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("xray: %w", err)
			}
			f.Bytes = int64(buf.Len())
			return nil
		})
	}
	return g.Wait()
}

func readManifest(p string) (*manifest, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Generator != generatorID {
		return nil, fmt.Errorf("xray: %s is not a manifest written by Generate; not touching that folder", p)
	}
	return &m, nil
}

// writeManifest replaces the manifest atomically.
func writeManifest(p string, m *manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("xray: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("xray: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("xray: %w", err)
	}
	return nil
}

// countFiles counts the files (not folders) under dir; a missing dir has
// none.
func countFiles(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	return n, err
}
