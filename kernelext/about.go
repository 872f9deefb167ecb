package kernelext

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/speedup-go/speedup/charts"
)

// About describes where the notebook runs, one line each: Go, the machine's cores, the
// kernel, this module and the libraries of the talk's story as this program was built.
func About() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Go:          %s on %s/%s, %d CPUs, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "notebook:    %v (GoNB kernel)\n", gonbui.IsNotebook)
	module, deps := buildInfo()
	fmt.Fprintf(&b, "speedup:     %s\n", module)
	for _, lib := range []struct{ name, path string }{
		{"gonb", "github.com/janpfeifer/gonb"},
		{"go-echarts", "github.com/go-echarts/go-echarts/v2"},
		{"x/sync", "golang.org/x/sync"},
		{"backoff", "github.com/cenkalti/backoff/v5"},
		{"imaging", "github.com/disintegration/imaging"},
	} {
		if v, ok := deps[lib.path]; ok {
			fmt.Fprintf(&b, "%-12s %s %s\n", lib.name+":", lib.path, v)
		}
	}
	fmt.Fprintf(&b, "charts:      %s, embedded (no CDN)\n", charts.BundleVersion)
	return b.String()
}

// buildInfo returns this module's path and version and its dependencies' versions, as
// built (replacements shown as "v => path").
func buildInfo() (module string, deps map[string]string) {
	const self = "github.com/speedup-go/speedup"
	deps = map[string]string{}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(no build information)", deps
	}
	for _, m := range info.Deps {
		v := m.Version
		if m.Replace != nil {
			v += " => " + strings.TrimSpace(m.Replace.Path+" "+m.Replace.Version)
		}
		if m.Path == self {
			module = m.Path + " " + v
			continue
		}
		deps[m.Path] = v
	}
	if module == "" && strings.HasPrefix(info.Main.Path, self) {
		module = info.Main.Path + " " + info.Main.Version
	}
	return module, deps
}
