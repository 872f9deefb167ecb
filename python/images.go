package python

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/speedup-go/speedup/internal/stats"
)

//go:embed talk_image_resize.py
var script string

// ScriptName is the file name the script is written under (and its name in python/).
const ScriptName = "talk_image_resize.py"

// Script returns the Python source of talk_image_resize.py, to show in a notebook.
func Script() string { return script }

// The methods of the talk, in the talk's order.
const (
	ListComp = "listcomp" // np.array([image_resize(p) for p in paths])
	Map      = "map"      // np.array(list(map(image_resize, paths)))
	Pool     = "pool"     // with ProcessPoolExecutor() as ex: np.array(list(ex.map(image_resize, paths)))
)

// Methods lists every method in the talk's order.
var Methods = []string{ListComp, Map, Pool}

// Filters are the resize filters the script accepts besides Pillow's default ("").
var Filters = []string{"nearest", "bilinear", "bicubic", "lanczos"}

// Options say what [Run] and [RunProfile] measure. The zero value measures all three
// methods three times each, with no warm-up, Pillow's default filter and workers.
type Options struct {
	Methods []string // some of ListComp, Map, Pool; nil or empty means all three
	Workers int      // pool size; 0 lets ProcessPoolExecutor choose (os.cpu_count())
	Repeat  int      // timed runs per method; 0 means 3
	Warmup  int      // untimed runs per method before the timed ones; 0 means none
	Size    int      // side of the output images in pixels; 0 means 64
	Filter  string   // one of Filters; "" means Image.resize's default (BICUBIC today)
	Draft   bool     // decode JPEGs at reduced scale first (Image.draft, libjpeg DCT scaling)

	// StartMethod is the pool's multiprocessing start method: "fork", "spawn" or
	// "forkserver"; "" means the platform's default (fork on Linux up to Python 3.13,
	// forkserver from 3.14, spawn on macOS).
	StartMethod string
	Log         bool // have every task log its process id on stderr, as the talk did

	// Stderr, if set, receives the script's stderr as it runs (one line per method,
	// and every task's log line with Log). The last few kilobytes are kept for
	// error messages either way.
	Stderr io.Writer
}

func (o Options) args() ([]string, error) {
	var args []string
	if len(o.Methods) > 0 {
		for _, m := range o.Methods {
			if !slices.Contains(Methods, m) {
				return nil, fmt.Errorf("python: unknown method %q (want %s)", m, strings.Join(Methods, ", "))
			}
		}
		args = append(args, "--methods", strings.Join(o.Methods, ","))
	}
	if o.Filter != "" {
		if !slices.Contains(Filters, o.Filter) {
			return nil, fmt.Errorf("python: unknown filter %q (want %s, or \"\" for Pillow's default)", o.Filter, strings.Join(Filters, ", "))
		}
		args = append(args, "--filter", o.Filter)
	}
	if o.StartMethod != "" {
		if !slices.Contains([]string{"fork", "spawn", "forkserver"}, o.StartMethod) {
			return nil, fmt.Errorf("python: unknown start method %q (want fork, spawn or forkserver)", o.StartMethod)
		}
		args = append(args, "--start-method", o.StartMethod)
	}
	if o.Workers < 0 || o.Repeat < 0 || o.Warmup < 0 || o.Size < 0 {
		return nil, errors.New("python: Workers, Repeat, Warmup and Size must not be negative")
	}
	if o.Workers > 0 {
		args = append(args, "--workers", strconv.Itoa(o.Workers))
	}
	repeat := o.Repeat
	if repeat == 0 {
		repeat = 3
	}
	args = append(args, "--repeat", strconv.Itoa(repeat), "--warmup", strconv.Itoa(o.Warmup))
	if o.Size > 0 {
		args = append(args, "--size", strconv.Itoa(o.Size))
	}
	if o.Draft {
		args = append(args, "--draft")
	}
	if o.Log {
		args = append(args, "--log")
	}
	return args, nil
}

// Result is the script's report on one [Run].
type Result struct {
	Python      string `json:"python"` // versions, e.g. "3.11.7"
	Pillow      string `json:"pillow"`
	NumPy       string `json:"numpy"`
	CPUs        int    `json:"cpus"`         // os.cpu_count()
	StartMethod string `json:"start_method"` // multiprocessing's: "fork", "spawn" or "forkserver"
	Inputs      int    `json:"inputs"`       // paths given
	Images      int    `json:"images"`       // images decoded and gathered (Inputs minus Errors)
	Shape       []int  `json:"shape"`        // of the gathered array: [Images, Size, Size]
	Size        int    `json:"size"`
	Filter      string `json:"filter"`         // the filter used, by name ("bicubic", ...)
	FilterIsDef bool   `json:"filter_default"` // Filter is Image.resize's default, not asked for
	Draft       bool   `json:"draft"`

	Methods map[string]Method `json:"methods"` // by method name; see MethodNames for the order
	Errors  []ImageError      `json:"errors"`  // images that failed, skipped

	// Checksum is the sha256 of the gathered array (its shape, dtype and bytes) from the
	// first method; ChecksumsAgree says whether every method produced the same array.
	Checksum       string `json:"checksum"`
	ChecksumsAgree bool   `json:"checksums_agree"`

	Profile *Profile `json:"profile,omitempty"` // only from RunProfile
}

// Method is one method's measurements, one value per timed run, in seconds.
type Method struct {
	Wall        []float64 `json:"wall"`         // time.perf_counter() around the run
	CPU         []float64 `json:"cpu"`          // CPUParent + CPUChildren
	CPUParent   []float64 `json:"cpu_parent"`   // the Python process itself: what time.clock() measured
	CPUChildren []float64 `json:"cpu_children"` // exited child processes: the pool's workers
	CPUWorkers  []float64 `json:"cpu_workers"`  // pool only: the workers' own process_time, summed

	Workers     int         `json:"workers"`       // 1, or the pool's size
	PIDs        int         `json:"pids"`          // distinct processes that ran tasks in one run
	TasksPerPID map[int]int `json:"tasks_per_pid"` // of the run with the most processes
	Shape       []int       `json:"shape"`
	Checksum    string      `json:"checksum"`
}

// ImageError is an image the script could not decode; it was skipped.
type ImageError struct {
	Path  string `json:"path"`
	Error string `json:"error"` // e.g. "UnidentifiedImageError: cannot identify image file '...'"
}

// Profile is the mean time per image of each step, in milliseconds, from [RunProfile].
type Profile struct {
	OpenMS    float64 `json:"open_ms"`     // Image.open: reads the header
	DecodeMS  float64 `json:"decode_ms"`   // img.load(): the JPEG decode
	ConvertMS float64 `json:"convert_ms"`  // convert("L"), for the few non-gray images
	ResizeMS  float64 `json:"resize_ms"`   // img.resize((64, 64))
	ArrayMS   float64 `json:"to_array_ms"` // np.array(img)
	TotalMS   float64 `json:"total_ms"`
	Passes    int     `json:"passes"` // timed passes over all images

	MeanMegapixels        float64 `json:"mean_megapixels"`         // of the files
	MeanDecodedMegapixels float64 `json:"mean_decoded_megapixels"` // as decoded (smaller with Draft)
}

func seconds(xs []float64) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

// median is the median of seconds as a duration, 0 for none.
func median(seconds []float64) time.Duration {
	return time.Duration(stats.Median(seconds) * float64(time.Second))
}

// WallTimes returns Wall as durations.
func (m Method) WallTimes() []time.Duration { return seconds(m.Wall) }

// CPUTimes returns CPU (parent and children) as durations.
func (m Method) CPUTimes() []time.Duration { return seconds(m.CPU) }

// MedianWall is the median wall time of the timed runs, 0 for none.
func (m Method) MedianWall() time.Duration { return median(m.Wall) }

// MinWall is the fastest run's wall time, 0 for none.
func (m Method) MinWall() time.Duration {
	if len(m.Wall) == 0 {
		return 0
	}
	return time.Duration(slices.Min(m.Wall) * float64(time.Second))
}

// MedianCPU is the median CPU time of the process and its children, 0 for none.
func (m Method) MedianCPU() time.Duration { return median(m.CPU) }

// MedianCPUParent is the median CPU time of the Python process alone: the number the
// talk's time.clock() gave.
func (m Method) MedianCPUParent() time.Duration { return median(m.CPUParent) }

// MedianCPUWorkers is the median of the pool's workers' own CPU time (0 for the
// other methods): the workers' CPU even where CPU misses it, under the forkserver
// start method, whose workers are not children of the script.
func (m Method) MedianCPUWorkers() time.Duration { return median(m.CPUWorkers) }

// MethodNames returns the methods measured, in the talk's order.
func (r *Result) MethodNames() []string {
	var names []string
	for _, m := range Methods {
		if _, ok := r.Methods[m]; ok {
			names = append(names, m)
		}
	}
	return names
}

// ImagesPerSecond is Images divided by the method's median wall time, 0 if not measured.
func (r *Result) ImagesPerSecond(method string) float64 {
	w := r.Methods[method].MedianWall()
	if w <= 0 {
		return 0
	}
	return float64(r.Images) / w.Seconds()
}

// Speedup is the median wall time of baseline divided by that of method, 0 if either
// was not measured.
func (r *Result) Speedup(method, baseline string) float64 {
	m, b := r.Methods[method].MedianWall(), r.Methods[baseline].MedianWall()
	if m <= 0 || b <= 0 {
		return 0
	}
	return b.Seconds() / m.Seconds()
}

// WriteTable writes a plain-text table of the result: one line per method with wall
// time (median and spread), CPU time of the Python process and of its children, and
// images per second; or the per-step profile.
func (r *Result) WriteTable(w io.Writer) {
	filter := r.Filter
	if r.FilterIsDef {
		filter += " (Pillow's default)"
	}
	fmt.Fprintf(w, "Python %s, Pillow %s, NumPy %s, %d CPUs, start method %s: %d images -> %v uint8, filter %s, draft %v\n",
		r.Python, r.Pillow, r.NumPy, r.CPUs, r.StartMethod, r.Images, r.Shape, filter, r.Draft)
	if p := r.Profile; p != nil {
		fmt.Fprintf(w, "per image (%.2f MP, decoded %.2f MP): open %.2f ms, decode %.2f ms, convert %.2f ms, resize %.2f ms, to array %.2f ms, total %.2f ms\n",
			p.MeanMegapixels, p.MeanDecodedMegapixels, p.OpenMS, p.DecodeMS, p.ConvertMS, p.ResizeMS, p.ArrayMS, p.TotalMS)
	}
	if len(r.Methods) > 0 {
		fmt.Fprintf(w, "%-9s %7s %26s %11s %13s %10s %9s %5s\n", "method", "workers", "wall (median, min-max)", "CPU parent", "CPU children", "CPU total", "images/s", "pids")
		for _, name := range r.MethodNames() {
			m := r.Methods[name]
			spread := ""
			if len(m.Wall) > 1 {
				spread = fmt.Sprintf(" (%.3f-%.3f)", slices.Min(m.Wall), slices.Max(m.Wall))
			}
			fmt.Fprintf(w, "%-9s %7d %26s %9.3f s %11.3f s %8.3f s %9.1f %5d\n", name, m.Workers,
				fmt.Sprintf("%.3f s%s", m.MedianWall().Seconds(), spread),
				m.MedianCPUParent().Seconds(), median(m.CPUChildren).Seconds(), m.MedianCPU().Seconds(),
				r.ImagesPerSecond(name), m.PIDs)
		}
		fmt.Fprintln(w, "wall = time.perf_counter(); CPU parent = the Python process (what the talk's time.clock() measured); CPU children = its pool's workers")
		if r.StartMethod == "forkserver" {
			fmt.Fprintf(w, "forkserver: the workers are children of the fork server, not of the script, so CPU children misses them; their own CPU: %.3f s\n",
				r.Methods[Pool].MedianCPUWorkers().Seconds())
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "skipped %s: %s\n", e.Path, e.Error)
	}
}

// Run runs the talk's Python (talk_image_resize.py) with python on exactly paths, in
// their order (made absolute, passed in a list file), and returns its report. python
// is an interpreter with Pillow and NumPy, as [Find] returns. Images that fail to
// decode are reported in [Result.Errors], not as an error; a script that fails is an
// error ending with the last lines of its stderr.
// When ctx is cancelled, Run kills the script and its pool's workers and returns an
// error that wraps ctx.Err().
func Run(ctx context.Context, python string, paths []string, opts Options) (*Result, error) {
	args, err := opts.args()
	if err != nil {
		return nil, err
	}
	return run(ctx, python, paths, args, opts.Stderr)
}

// RunProfile runs the script's --profile mode on paths: no methods, but the mean time
// per image of each step (open, decode, convert, resize, to array) in
// [Result.Profile]. Of opts, Repeat, Warmup, Size, Filter, Draft and Stderr apply.
func RunProfile(ctx context.Context, python string, paths []string, opts Options) (*Result, error) {
	opts.Methods, opts.Workers, opts.Log, opts.StartMethod = nil, 0, false, ""
	args, err := opts.args()
	if err != nil {
		return nil, err
	}
	return run(ctx, python, paths, append(args, "--profile"), opts.Stderr)
}

func run(ctx context.Context, python string, paths []string, args []string, stderr io.Writer) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("python: no image paths")
	}
	var list bytes.Buffer
	for _, p := range paths {
		if strings.ContainsAny(p, "\r\n") {
			return nil, fmt.Errorf("python: path %q contains a line break", p)
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		list.WriteString(p)
		list.WriteByte('\n')
	}
	args = append([]string{"paths.txt", "--json", "--die-with-parent"}, args...)
	out, err := runScript(ctx, python, ScriptName, script, args, map[string][]byte{"paths.txt": list.Bytes()}, stderr)
	if err != nil {
		return nil, err
	}
	res, err := decodeReport(out.stdout)
	if err != nil {
		return nil, fmt.Errorf("python: reading the report of %s: %v%s", ScriptName, err, suffix(out.stderr))
	}
	return res, nil
}

// decodeReport parses the script's --json output.
func decodeReport(data []byte) (*Result, error) {
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
