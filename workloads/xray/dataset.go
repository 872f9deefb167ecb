package xray

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Dataset is a chest X-ray set on disk in the Kaggle layout,
// chest_xray/{train,test,val}/{NORMAL,PNEUMONIA}/*.jpeg, real ([Open]) or
// synthetic ([Generate]).
type Dataset struct {
	root string // the chest_xray folder
}

// Root is the dataset's chest_xray folder.
func (d *Dataset) Root() string { return d.root }

// Files lists the images of one folder, chest_xray/split/class, as sorted
// paths: the talk's glob('chest_xray/train/NORMAL/*.jpeg'). Images are the
// files named *.jpeg, *.jpg or *.png in any case; hidden files (.DS_Store,
// AppleDouble ._ files) are left out. It is an error if the folder does not
// exist.
func (d *Dataset) Files(split, class string) ([]string, error) {
	dir := filepath.Join(d.root, split, class)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("xray: no folder %s/%s in %s: %w", split, class, d.root, err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".jpeg", ".jpg", ".png":
			files = append(files, filepath.Join(dir, name))
		}
	}
	slices.Sort(files)
	return files, nil
}

// Open opens the real Kaggle "Chest X-Ray Images (Pneumonia)" set, or any
// folder in its layout. path may be the chest_xray folder itself (one that
// holds train, test or val), a folder that holds chest_xray, or the
// downloaded chest-xray-pneumonia.zip.
//
// A zip is unpacked on first use, as the talk's script did: its chest_xray
// folder (the shallowest one holding train, test or val; the archive's
// nested copy and its __MACOSX folders are skipped) goes next to the zip,
// and later calls find it there and do not unpack again. Unpacking goes
// through a temporary folder renamed into place at the end, so an
// interrupted unpack leaves no half chest_xray behind. A zip entry whose
// name would land outside the folder (an absolute path or "..", the
// zip-slip attack) fails the whole zip before anything is written.
func Open(path string) (*Dataset, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("xray: %w", err)
	}
	if !fi.IsDir() {
		if !strings.EqualFold(filepath.Ext(path), ".zip") {
			return nil, fmt.Errorf("xray: %s is neither a folder nor a .zip file", path)
		}
		if path, err = unzip(path); err != nil {
			return nil, err
		}
	}
	for _, dir := range []string{filepath.Join(path, "chest_xray"), path} {
		if hasSplit(dir) {
			return &Dataset{root: dir}, nil
		}
	}
	return nil, fmt.Errorf("xray: %s holds no chest_xray folder with train, test or val in it", path)
}

func hasSplit(dir string) bool {
	for _, s := range Splits {
		if fi, err := os.Stat(filepath.Join(dir, s)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// unzip unpacks the chest_xray folder of the zip next to it, unless it is
// there already, and returns the folder that holds chest_xray.
func unzip(zipPath string) (string, error) {
	dest := filepath.Dir(zipPath)
	target := filepath.Join(dest, "chest_xray")
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return dest, nil
	}
	zr, err := zip.OpenReader(zipPath)
	if errors.Is(err, zip.ErrInsecurePath) {
		err = nil // with GODEBUG=zipinsecurepath=0; the check below names the entry
	}
	if err != nil {
		return "", fmt.Errorf("xray: %s: %w", zipPath, err)
	}
	defer zr.Close()

	// Check every name first: one unsafe entry and the zip is refused.
	prefix, depth := "", -1
	for _, f := range zr.File {
		name := f.Name
		if strings.Contains(name, `\`) || !filepath.IsLocal(filepath.FromSlash(strings.TrimSuffix(name, "/"))) {
			return "", fmt.Errorf("xray: %s: unsafe entry %q would be written outside the folder; not unpacking", zipPath, name)
		}
		parts := strings.Split(name, "/")
		if slices.Contains(parts, "__MACOSX") {
			continue
		}
		for i := 0; i+1 < len(parts) && (depth < 0 || i < depth); i++ {
			if parts[i] == "chest_xray" && slices.Contains(Splits, parts[i+1]) && (i+2 < len(parts) || strings.HasSuffix(name, "/")) {
				prefix, depth = strings.Join(parts[:i+1], "/")+"/", i
				break
			}
		}
	}
	if depth < 0 {
		return "", fmt.Errorf("xray: %s holds no chest_xray folder with train, test or val in it", zipPath)
	}

	tmp, err := os.MkdirTemp(dest, ".chest_xray-unzip-*")
	if err != nil {
		return "", fmt.Errorf("xray: %w", err)
	}
	defer os.RemoveAll(tmp) // empty after a successful rename
	for _, f := range zr.File {
		rel, ok := strings.CutPrefix(f.Name, prefix)
		if !ok || !slices.Contains(Splits, strings.SplitN(rel, "/", 2)[0]) {
			continue // outside our chest_xray: nested copies, __MACOSX, readme
		}
		parts := strings.Split(rel, "/")
		if slices.Contains(parts, "__MACOSX") || strings.HasPrefix(parts[len(parts)-1], "._") {
			continue
		}
		out := filepath.Join(tmp, filepath.FromSlash(rel))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return "", fmt.Errorf("xray: %w", err)
			}
			continue
		}
		if !f.Mode().IsRegular() {
			continue // symlinks and other specials have no place in a dataset
		}
		if err := extract(f, out); err != nil {
			return "", fmt.Errorf("xray: unpacking %s from %s: %w", f.Name, zipPath, err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		// Someone else unpacked it meanwhile: theirs will do.
		if fi, serr := os.Stat(target); serr == nil && fi.IsDir() {
			return dest, nil
		}
		return "", fmt.Errorf("xray: %w", err)
	}
	return dest, nil
}

func extract(f *zip.File, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// TrainNormal returns the images of train/NORMAL, the folder the talk resizes: of the
// real Kaggle set at real (a chest_xray folder or chest-xray-pneumonia.zip, see [Open]; at
// most cfg.Count of its images when Count > 0), or, when real is "", of the synthetic set
// of cfg, generated in cache the first time and reused after (see [Generate]).
func TrainNormal(real, cache string, cfg Config) (*Dataset, []string, error) {
	var ds *Dataset
	var err error
	if real != "" {
		ds, err = Open(real)
	} else {
		ds, err = Generate(cache, cfg)
	}
	if err != nil {
		return nil, nil, err
	}
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		return nil, nil, err
	}
	if real != "" && cfg.Count > 0 && len(files) > cfg.Count {
		files = files[:cfg.Count]
	}
	return ds, files, nil
}

// Names are the files' base names, e.g. to name the tasks of a timeline.
func Names(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Base(f)
	}
	return out
}
