package python

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// EnvPython is the environment variable that names the Python to use, overriding the
// search of [Find].
const EnvPython = "SPEEDUP_PYTHON"

// modulePath is this repository's module; its folder holds the .venv made by make setup.
const modulePath = "github.com/speedup-go/speedup"

// venvPython is the interpreter of a virtual environment, relative to the repository.
var venvPython = filepath.Join(".venv", "bin", "python")

// Find returns a Python 3 (>= 3.9) that can import Pillow and NumPy. It tries, in
// order:
//
//   - $SPEEDUP_PYTHON, if set (and then only it: a Python asked for by name that lacks
//     Pillow or NumPy is an error, not a reason to pick another);
//   - the repository's .venv/bin/python (made by make setup), found by walking up to
//     the go.mod of this module from the working directory, from $GONB_DIR (the
//     notebook's folder, under GoNB) and from this package's source folder;
//   - python3 on PATH.
//
// The error says what was tried and what each lacked.
func Find() (string, error) { return find(starts(), imaging) }

// starts are the folders [Find] walks up from to the repository's .venv.
func starts() []string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if d := os.Getenv("GONB_DIR"); d != "" {
		starts = append(starts, d)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	return starts
}

// FindFrom is [Find] with dir as the only place to start the walk up to the
// repository's .venv: $SPEEDUP_PYTHON first, then that .venv, then python3 on PATH.
func FindFrom(dir string) (string, error) {
	return find([]string{dir}, imaging)
}

// needs is what a script needs of its Python besides the standard library.
type needs struct {
	imports []string // modules to import, e.g. "PIL"
	names   string   // the packages, for messages: "Pillow and NumPy"
	pip     string   // their names on PyPI: "pillow numpy"
}

// imaging is what talk_image_resize.py needs.
var imaging = needs{[]string{"PIL", "numpy"}, "Pillow and NumPy", "pillow numpy"}

func find(starts []string, need needs) (string, error) {
	if p := os.Getenv(EnvPython); p != "" {
		if err := check(p, need); err != nil {
			return "", fmt.Errorf("python: %s=%s: %v", EnvPython, p, err)
		}
		return p, nil
	}
	var tried []string
	seen := map[string]bool{}
	for _, start := range starts {
		root := moduleRoot(start)
		if root == "" || seen[root] {
			continue
		}
		seen[root] = true
		p := filepath.Join(root, venvPython)
		if _, err := os.Stat(p); err != nil {
			tried = append(tried, fmt.Sprintf("%s: not there (make setup creates it)", p))
			continue
		}
		if err := check(p, need); err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		return p, nil
	}
	if p, err := exec.LookPath("python3"); err != nil {
		tried = append(tried, "python3: not on PATH")
	} else if err := check(p, need); err != nil {
		tried = append(tried, fmt.Sprintf("%s: %v", p, err))
	} else {
		return p, nil
	}
	return "", fmt.Errorf("python: no Python >= 3.9 with %s found; tried:\n  %s\n"+
		"Run `make setup` in the repository (it installs %s into .venv from requirements.txt), "+
		"or `pip install %s`, or set %s=/path/to/python3", need.names, strings.Join(tried, "\n  "), need.names, need.pip, EnvPython)
}

// check runs python and has it import what need lists; the error is Python's last line.
func check(python string, need needs) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c",
		`import sys; assert sys.version_info >= (3, 9), "Python " + sys.version.split()[0] + " is older than 3.9"; import `+strings.Join(need.imports, ", "))
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return errors.New(last) // e.g. "ModuleNotFoundError: No module named 'PIL'"
	}
	return err
}

// moduleRoot walks up from dir to the folder whose go.mod declares this module, "" if
// none. Other go.mod files on the way (GoNB's temporary module) are passed by.
func moduleRoot(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && moduleOf(data) == modulePath {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// moduleOf returns the module path a go.mod declares.
func moduleOf(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest = strings.TrimSpace(rest)
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = strings.TrimSpace(rest[:i])
			}
			return strings.Trim(rest, "\"`")
		}
	}
	return ""
}
