package kernelext

// Option tunes [Map], [Compare], [Sweep], [MeasureScaling] and [TimeIt]; each says which
// of them it applies to, the others ignore it.
type Option func(*config)

type config struct {
	label    string
	progress bool
	quiet    bool // Quiet
	repeat   int  // 0: chosen by the run (see Repeat)
	warmup   int
	names    []string
	prog     *progress // shared with an enclosing Compare
	profile  bool      // Profile
	trace    bool      // Trace
	measure  bool      // sample CPU and memory (Compare's timed runs)
	traced   bool      // this run is being traced: mark the worker goroutines
}

func newConfig(opts []Option) config {
	cfg := config{progress: showProgressByDefault(), warmup: 1}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// Label names what runs, in progress displays, tables and chart titles (default: the
// task's name, with the strategy for a single run).
func Label(s string) Option { return func(c *config) { c.label = s } }

// Quiet turns off what a call shows while it runs: the live progress display of [Map],
// [Compare] and [MeasureScaling] (on by default in a notebook and in a terminal, off
// elsewhere), and the line [TimeIt] prints, as %timeit -q. Results and Show are unchanged.
func Quiet() Option { return func(c *config) { c.progress, c.quiet = false, true } }

// Repeat sets how many timed repetitions [Compare], [Sweep], [MeasureScaling] and [TimeIt]
// make (at least 1). Without it, TimeIt makes 3 and the others choose from how long a
// run takes (see [Compare]).
func Repeat(n int) Option { return func(c *config) { c.repeat = max(n, 1) } }

// Warmup sets how many untimed runs [Compare], [Sweep] and [MeasureScaling] make of each
// strategy or worker count first (default 1).
func Warmup(n int) Option { return func(c *config) { c.warmup = max(n, 0) } }

// TaskNames names the tasks in input order (e.g. the dates fetched) for timeline charts;
// by default tasks are named by their index.
func TaskNames(names []string) Option { return func(c *config) { c.names = names } }
