package kernelext

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Remember keeps v for the later cells of this kernel session, under name: GoNB runs every
// cell as a new program, so a figure measured in one cell (images per second, a slice of
// timings) reaches another only this way. v is stored as JSON (exported fields only) in
// $GONB_TMP_DIR, which lives as long as the kernel; outside a notebook, in the system's
// temporary folder for this user. See [Recall].
func Remember(name string, v any) error {
	path, err := memoryPath(name)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("remembering %q: %w", name, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("remembering %q: %w", name, err)
	}
	return nil
}

// Recall reads into v what [Remember] kept under name. When nothing was kept (the cell
// that remembers it has not run since the kernel started) the error says so.
func Recall(name string, v any) error {
	path, err := memoryPath(name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("nothing remembered as %q in this kernel session: run the cell that measures it first", name)
	}
	if err != nil {
		return fmt.Errorf("recalling %q: %w", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("recalling %q: %w", name, err)
	}
	return nil
}

var memoryName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

func memoryPath(name string) (string, error) {
	if !memoryName.MatchString(name) {
		return "", fmt.Errorf("remember: name %q must be letters, digits, '.', '-' or '_'", name)
	}
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("speedup-memory-%d", os.Getuid()))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("remember: %w", err)
		}
	}
	return filepath.Join(dir, "speedup-memory-"+name+".json"), nil
}
