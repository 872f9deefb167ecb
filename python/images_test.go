package python

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// needPython returns a Python with Pillow and NumPy, or skips the test.
func needPython(t *testing.T) string {
	t.Helper()
	pythonOnce.Do(func() { pythonPath, pythonErr = Find() })
	if pythonErr != nil {
		t.Skipf("no Python with Pillow and NumPy to run the talk's script (run `make setup`): %v", pythonErr)
	}
	return pythonPath
}

// makeImages writes JPEGs of differing sizes into dir: gray ones, one in colour, and
// two that cannot be decoded (garbage, and a gray JPEG cut short). It returns the
// good paths and the bad ones.
func makeImages(t *testing.T, dir string) (good, bad []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	write := func(name string, img image.Image) []byte {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		good = append(good, p)
		return buf.Bytes()
	}
	gray := func(w, h int) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Pix[y*img.Stride+x] = uint8((x*255/w+y*255/h)/2 + rng.IntN(16))
			}
		}
		return img
	}
	var last []byte
	for i, sz := range [][2]int{{320, 240}, {257, 311}, {640, 480}, {100, 900}, {1200, 1000}} {
		last = write("IM-"+strconv.Itoa(i)+".jpeg", gray(sz[0], sz[1]))
	}
	rgb := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			rgb.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	write("colour.jpeg", rgb)

	garbage := filepath.Join(dir, "garbage.jpeg")
	if err := os.WriteFile(garbage, []byte("this is not a JPEG at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut-short.jpeg")
	if err := os.WriteFile(cut, last[:len(last)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	return good, []string{garbage, cut}
}

var checksumRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func TestRunAllMethods(t *testing.T) {
	python := needPython(t)
	good, bad := makeImages(t, t.TempDir())
	paths := append([]string{bad[0]}, good...)
	paths = append(paths, bad[1])
	var stderr bytes.Buffer
	res, err := Run(context.Background(), python, paths, Options{Repeat: 1, Workers: 2, Log: true, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inputs != len(paths) || res.Images != len(good) {
		t.Errorf("inputs %d, images %d; want %d and %d", res.Inputs, res.Images, len(paths), len(good))
	}
	if want := []int{len(good), 64, 64}; !slices.Equal(res.Shape, want) {
		t.Errorf("shape %v, want %v", res.Shape, want)
	}
	if len(res.Errors) != len(bad) {
		t.Fatalf("errors %+v, want one for each of %v", res.Errors, bad)
	}
	for i, e := range res.Errors {
		if e.Path != bad[i] || e.Error == "" {
			t.Errorf("error %d = %+v, want path %s with a message", i, e, bad[i])
		}
	}
	if got := res.MethodNames(); !slices.Equal(got, Methods) {
		t.Fatalf("methods %v, want %v", got, Methods)
	}
	for _, name := range Methods {
		m := res.Methods[name]
		if len(m.Wall) != 1 || len(m.CPU) != 1 || len(m.CPUParent) != 1 || len(m.CPUChildren) != 1 || m.Wall[0] <= 0 {
			t.Errorf("%s: want one positive wall time and one of each CPU time, got %+v", name, m)
		}
		if m.Checksum != res.Checksum {
			t.Errorf("%s: checksum %s, want %s like the first method", name, m.Checksum, res.Checksum)
		}
		if !slices.Equal(m.Shape, res.Shape) {
			t.Errorf("%s: shape %v, want %v", name, m.Shape, res.Shape)
		}
		if name != Pool && (m.PIDs != 1 || m.Workers != 1) {
			t.Errorf("%s ran in %d processes with %d workers, want 1 and 1", name, m.PIDs, m.Workers)
		}
	}
	pool := res.Methods[Pool]
	if pool.Workers != 2 || pool.PIDs < 1 || pool.PIDs > 2 || len(pool.CPUWorkers) != 1 {
		t.Errorf("pool: %d workers, %d pids, cpu_workers %v; want 2, 1-2, one value", pool.Workers, pool.PIDs, pool.CPUWorkers)
	}
	n := 0
	for _, c := range pool.TasksPerPID {
		n += c
	}
	if n != len(paths) {
		t.Errorf("pool tasks per pid %v add up to %d, want %d", pool.TasksPerPID, n, len(paths))
	}
	if !checksumRE.MatchString(res.Checksum) || !res.ChecksumsAgree {
		t.Errorf("checksum %q (agree %v), want sha256:<hex> agreeing across methods", res.Checksum, res.ChecksumsAgree)
	}
	if res.Python == "" || res.Pillow == "" || res.NumPy == "" || res.CPUs < 1 || res.StartMethod == "" {
		t.Errorf("missing versions or machine facts: %+v", res)
	}
	if res.Filter != "bicubic" || !res.FilterIsDef || res.Draft {
		t.Errorf("filter %q (default %v), draft %v; want Pillow's default bicubic, no draft", res.Filter, res.FilterIsDef, res.Draft)
	}
	if !strings.Contains(stderr.String(), ": running IM-0.jpeg") {
		t.Errorf("with Log, every task logs its pid; stderr:\n%s", stderr.String())
	}
	var table bytes.Buffer
	res.WriteTable(&table)
	for _, want := range append(Methods, "garbage.jpeg", "images/s") {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	t.Logf("\n%s", table.String())

	// The same images with draft decoding and another filter: still deterministic.
	res2, err := Run(context.Background(), python, good, Options{Methods: []string{ListComp, Map}, Repeat: 1, Filter: "nearest", Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Filter != "nearest" || res2.FilterIsDef || !res2.Draft || !res2.ChecksumsAgree || len(res2.Errors) != 0 {
		t.Errorf("draft run: filter %q (default %v), draft %v, checksums agree %v, errors %v",
			res2.Filter, res2.FilterIsDef, res2.Draft, res2.ChecksumsAgree, res2.Errors)
	}
	if len(res2.Methods) != 2 {
		t.Errorf("asked for 2 methods, got %v", res2.MethodNames())
	}

	// The pool under another start method: fresh interpreters, the same array.
	res3, err := Run(context.Background(), python, paths, Options{Methods: []string{Pool}, Workers: 2, Repeat: 1, StartMethod: "spawn"})
	if err != nil {
		t.Fatal(err)
	}
	if res3.StartMethod != "spawn" || res3.Checksum != res.Checksum || res3.Methods[Pool].MedianCPUWorkers() <= 0 {
		t.Errorf("spawn: start method %q, checksum %s (want %s), workers' CPU %v",
			res3.StartMethod, res3.Checksum, res.Checksum, res3.Methods[Pool].MedianCPUWorkers())
	}
}

func TestRunProfile(t *testing.T) {
	python := needPython(t)
	good, bad := makeImages(t, t.TempDir())
	res, err := RunProfile(context.Background(), python, append(good, bad...), Options{Repeat: 1, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Profile
	if p == nil || p.DecodeMS <= 0 || p.ResizeMS <= 0 || p.TotalMS < p.DecodeMS+p.ResizeMS || p.Passes != 1 {
		t.Fatalf("profile %+v", p)
	}
	if p.MeanDecodedMegapixels >= p.MeanMegapixels {
		t.Errorf("draft decoded %.3f MP of %.3f MP: want fewer", p.MeanDecodedMegapixels, p.MeanMegapixels)
	}
	if res.Images != len(good) || len(res.Errors) != len(bad) || len(res.Methods) != 0 {
		t.Errorf("images %d, errors %v, methods %v", res.Images, res.Errors, res.MethodNames())
	}
}

// groupMembers lists the live (not zombie) processes in process group pgid, from /proc.
func groupMembers(t *testing.T, pgid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:])) // state ppid pgrp ...
		if len(f) > 2 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestCancelKillsTheScriptAndItsWorkers(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	python := needPython(t)
	good, _ := makeImages(t, t.TempDir())
	var paths []string
	for range 400 {
		paths = append(paths, good...)
	}
	started := make(chan int, 1)
	onStart = func(pid int) { started <- pid }
	t.Cleanup(func() { onStart = nil })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := Run(ctx, python, paths, Options{Methods: []string{Pool}, Workers: 2, Repeat: 20})
		done <- outcome{res, err}
	}()
	pid := <-started
	// Wait until the pool's workers are up: the script and two workers in its group.
	deadline := time.Now().Add(30 * time.Second)
	for len(groupMembers(t, pid)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the pool's workers never showed up in process group %d", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	members := groupMembers(t, pid)
	t0 := time.Now()
	cancel()
	var out outcome
	select {
	case out = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of the cancel")
	}
	if !errors.Is(out.err, context.Canceled) || out.res != nil {
		t.Errorf("Run = %v, %v; want no result and an error wrapping context.Canceled", out.res, out.err)
	}
	t.Logf("returned %v after the cancel: %v", time.Since(t0).Round(time.Millisecond), out.err)
	deadline = time.Now().Add(2 * time.Second)
	for left := groupMembers(t, pid); len(left) > 0; left = groupMembers(t, pid) {
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of group %d (was %v) still running after the cancel", left, pid, members)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestScriptCompiles(t *testing.T) {
	python, err := Find()
	if err != nil {
		if python, err = exec.LookPath("python3"); err != nil {
			t.Skip("no python3 on PATH")
		}
	}
	p := filepath.Join(t.TempDir(), ScriptName)
	if err := os.WriteFile(p, []byte(Script()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(python, "-m", "py_compile", p).CombinedOutput(); err != nil {
		t.Fatalf("python -m py_compile %s: %v\n%s", ScriptName, err, out)
	}
}

// An argument only the script checks: the error carries the script's stderr.
func TestScriptErrorsCarryItsStderr(t *testing.T) {
	python := needPython(t)
	good, _ := makeImages(t, t.TempDir())
	_, err := run(context.Background(), python, good, []string{"--repeat", "0"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--repeat") {
		t.Errorf("want an error quoting the script's complaint about --repeat, got %v", err)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	for _, o := range []Options{
		{Methods: []string{"threads"}},
		{Filter: "box"},
		{Repeat: -1},
		{StartMethod: "thread"},
	} {
		if _, err := Run(context.Background(), "python-not-needed", []string{"x.jpeg"}, o); err == nil {
			t.Errorf("Run with %+v: want an error", o)
		}
	}
	if _, err := Run(context.Background(), "python-not-needed", nil, Options{}); err == nil {
		t.Error("Run with no paths: want an error")
	}
	args, err := Options{}.args()
	if err != nil || strings.Join(args, " ") != "--repeat 3 --warmup 0" {
		t.Errorf("zero Options give %q, %v; want --repeat 3 --warmup 0", args, err)
	}
}

// fakePython writes an executable shell script that stands in for python.
func fakePython(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeRepo makes a folder with this module's go.mod and returns it.
func fakeRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("// a comment\nmodule \""+modulePath+"\" // the project\n\ngo 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func isolate(t *testing.T) {
	t.Setenv(EnvPython, "")
	t.Setenv("PATH", t.TempDir())
}

func TestFindFromWalksUpToTheVenv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	isolate(t)
	root := fakeRepo(t)
	py := filepath.Join(root, venvPython)
	fakePython(t, py, "exit 0")
	// A notebook's GoNB module, with a go.mod of its own, below the repository.
	nested := filepath.Join(root, "notebooks", "gonb_123")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nested, "go.mod"), []byte("module gonb_123\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := FindFrom(nested)
	if err != nil || got != py {
		t.Errorf("FindFrom = %q, %v; want %q", got, err, py)
	}
}

func TestFindSaysWhatIsMissing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	isolate(t)
	root := fakeRepo(t)
	fakePython(t, filepath.Join(root, venvPython), `echo "ModuleNotFoundError: No module named 'PIL'" >&2; exit 1`)
	_, err := FindFrom(root)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"No module named 'PIL'", "python3: not on PATH", "make setup", EnvPython} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	// Only python3 on PATH, and it works.
	bin := t.TempDir()
	fakePython(t, filepath.Join(bin, "python3"), "exit 0")
	t.Setenv("PATH", bin)
	if got, err := FindFrom(t.TempDir()); err != nil || got != filepath.Join(bin, "python3") {
		t.Errorf("FindFrom with python3 on PATH = %q, %v", got, err)
	}

	// $SPEEDUP_PYTHON wins, and a broken one is an error rather than a reason to look on.
	t.Setenv(EnvPython, filepath.Join(root, venvPython))
	if _, err := FindFrom(t.TempDir()); err == nil || !strings.Contains(err.Error(), EnvPython) {
		t.Errorf("broken $%s: got %v", EnvPython, err)
	}
}

func TestReportHelpers(t *testing.T) {
	const report = `{"python":"3.11.7","pillow":"13.0.0","numpy":"2.4.6","cpus":2,"start_method":"fork",
	 "inputs":101,"size":64,"filter":"bicubic","filter_default":true,"draft":false,"images":100,"shape":[100,64,64],
	 "methods":{
	  "listcomp":{"wall":[2.0,1.0,3.0],"cpu":[1,1,1],"cpu_parent":[1,1,1],"cpu_children":[0,0,0],"workers":1,"pids":1,"tasks_per_pid":{"7":101}},
	  "pool":{"wall":[0.5,0.7],"cpu":[1.1,1.2],"cpu_parent":[0.1,0.1],"cpu_children":[1,1.1],"cpu_workers":[1,1],"workers":2,"pids":2,"tasks_per_pid":{"8":50,"9":51}}},
	 "errors":[{"path":"bad.jpeg","error":"OSError: image file is truncated"}],
	 "checksum":"sha256:00","checksums_agree":true}`
	res, err := decodeReport([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	lc, pool := res.Methods[ListComp], res.Methods[Pool]
	if lc.MedianWall() != 2*time.Second || lc.MinWall() != time.Second || pool.MedianWall() != 600*time.Millisecond {
		t.Errorf("medians %v %v, min %v", lc.MedianWall(), pool.MedianWall(), lc.MinWall())
	}
	if got := res.Speedup(Pool, ListComp); got < 3.33 || got > 3.34 {
		t.Errorf("speedup %v, want 2/0.6", got)
	}
	if got := res.ImagesPerSecond(ListComp); got != 50 {
		t.Errorf("images/s %v, want 50", got)
	}
	if res.ImagesPerSecond(Map) != 0 || res.Speedup(Map, ListComp) != 0 {
		t.Error("a method not measured should give 0")
	}
	if pool.TasksPerPID[9] != 51 || !slices.Equal(res.MethodNames(), []string{ListComp, Pool}) {
		t.Errorf("tasks per pid %v, methods %v", pool.TasksPerPID, res.MethodNames())
	}
	if pool.MedianCPUParent() != 100*time.Millisecond {
		t.Errorf("pool CPU parent %v", pool.MedianCPUParent())
	}
}

// TestHelperRun is not a test: TestScriptDiesWithItsGoProgram runs the test binary with
// PYRUN_HELPER_DIR set, and this then runs a long pool over that folder's images,
// printing the script's pid, until it is killed.
func TestHelperRun(t *testing.T) {
	dir := os.Getenv("PYRUN_HELPER_DIR")
	if dir == "" {
		t.Skip("helper for TestScriptDiesWithItsGoProgram")
	}
	good, _ := filepath.Glob(filepath.Join(dir, "IM-*.jpeg"))
	var paths []string
	for range 400 {
		paths = append(paths, good...)
	}
	onStart = func(pid int) { os.Stdout.WriteString("pid " + strconv.Itoa(pid) + "\n") }
	_, err := Run(context.Background(), os.Getenv(EnvPython), paths, Options{Methods: []string{Pool}, Workers: 2, Repeat: 20})
	t.Fatalf("Run returned: %v", err)
}

// GoNB stops a cell's program with SIGKILL when SIGINT is not enough: the script and
// its workers must not outlive it.
func TestScriptDiesWithItsGoProgram(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	python := needPython(t)
	dir := t.TempDir()
	makeImages(t, dir)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRun$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PYRUN_HELPER_DIR="+dir, EnvPython+"="+python)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var line [64]byte
	n, _ := out.Read(line[:])
	var pid int
	if s, ok := strings.CutPrefix(strings.TrimSpace(string(line[:n])), "pid "); ok {
		pid, _ = strconv.Atoi(s)
	}
	if pid == 0 {
		t.Fatalf("helper printed %q, want its script's pid", line[:n])
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(groupMembers(t, pid)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the pool's workers never showed up in process group %d", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	t0 := time.Now()
	deadline = t0.Add(5 * time.Second)
	for left := groupMembers(t, pid); len(left) > 0; left = groupMembers(t, pid) {
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of group %d still running 5 s after their Go program was killed", left, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("script and workers gone %v after the Go program was killed", time.Since(t0).Round(time.Millisecond))
}
