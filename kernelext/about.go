package kernelext

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/speedup-go/speedup/charts"
)

// About describes where the notebook runs: Go, the machine's cores, the kernel and the
// libraries this program was built with.
type About struct {
	Go          string
	Platform    string
	CPUs        int
	GOMAXPROCS  int
	Notebook    bool              // running inside a GoNB kernel
	Module      string            // this module's path and version (local: "(devel)")
	Modules     map[string]string // dependency path → version, as built
	ChartsAsset string            // the embedded ECharts build
}

// Describe reads the program's build information.
func Describe() About {
	a := About{
		Go:          runtime.Version(),
		Platform:    runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:        runtime.NumCPU(),
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		Notebook:    gonbui.IsNotebook,
		Modules:     map[string]string{},
		ChartsAsset: charts.BundleVersion,
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return a
	}
	for _, m := range info.Deps {
		v := m.Version
		if m.Replace != nil {
			v += " => " + m.Replace.Path
			if m.Replace.Version != "" {
				v += " " + m.Replace.Version
			}
		}
		if m.Path == "github.com/speedup-go/speedup" {
			a.Module = m.Path + " " + v
			continue
		}
		a.Modules[m.Path] = v
	}
	if a.Module == "" && strings.HasPrefix(info.Main.Path, "github.com/speedup-go/speedup") {
		a.Module = info.Main.Path + " " + info.Main.Version
	}
	return a
}

// Write prints the description, the libraries of the talk's story first.
func (a About) Write(w io.Writer) {
	fmt.Fprintf(w, "Go:          %s on %s, %d CPUs, GOMAXPROCS=%d\n", a.Go, a.Platform, a.CPUs, a.GOMAXPROCS)
	fmt.Fprintf(w, "notebook:    %v (GoNB kernel)\n", a.Notebook)
	fmt.Fprintf(w, "speedup:     %s\n", a.Module)
	for _, lib := range []struct{ name, path string }{
		{"gonb", "github.com/janpfeifer/gonb"},
		{"go-echarts", "github.com/go-echarts/go-echarts/v2"},
		{"x/sync", "golang.org/x/sync"},
		{"backoff", "github.com/cenkalti/backoff/v5"},
		{"imaging", "github.com/disintegration/imaging"},
	} {
		if v, ok := a.Modules[lib.path]; ok {
			fmt.Fprintf(w, "%-12s %s %s\n", lib.name+":", lib.path, v)
		}
	}
	fmt.Fprintf(w, "charts:      %s, embedded (no CDN)\n", a.ChartsAsset)
}
