// Package demo makes realistic inputs for the charts (a CPU profile, an execution trace,
// resource use, task spans) for the size tests of package charts and the pages of its
// browser tests. The same seed gives the same data.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/speedup-go/speedup/charts"
)

var packages = []string{
	"runtime", "image/jpeg", "github.com/disintegration/imaging", "github.com/speedup-go/speedup/kernelext",
	"github.com/speedup-go/speedup/workloads/xray", "compress/flate", "sync", "syscall", "net/http", "encoding/json",
	"bufio", "os", "internal/poll", "math", "sort",
}

var funcs = []string{
	"decode", "(*decoder).processSOS", "(*decoder).idct", "Resize", "mallocgc", "scanobject", "(*Pool).Go", "Read",
	"Unmarshal", "(*Writer).Write", "memmove", "gcBgMarkWorker", "park_m", "schedule", "(*Mutex).Lock", "convolve",
}

// Profile returns a CPU profile of about n frames (Go function names, values in seconds,
// 30 s in all), as pprof would give it.
func Profile(n int, seed uint64) charts.FlameNode {
	r := rand.New(rand.NewPCG(seed, 1))
	root := &node{FlameNode: charts.FlameNode{Name: "main.main", Value: 30}}
	queue, count := []*node{root}, 1
	for len(queue) > 0 && count < n {
		p := queue[0]
		queue = queue[1:]
		k := 1 + r.IntN(6)
		weights, sum := make([]float64, k), 0.0
		for i := range weights {
			weights[i] = math.Pow(r.Float64(), 2) + 0.01
			sum += weights[i]
		}
		left := p.Value * (0.6 + 0.4*r.Float64()) // the rest is p's own time
		for i := 0; i < k && count < n; i++ {
			name := fmt.Sprintf("%s.%s", packages[r.IntN(len(packages))], funcs[r.IntN(len(funcs))])
			c := &node{FlameNode: charts.FlameNode{Name: name, Value: left * weights[i] / sum}}
			p.kids = append(p.kids, c)
			queue = append(queue, c)
			count++
		}
	}
	return root.tree()
}

type node struct {
	charts.FlameNode
	kids []*node
}

func (n *node) tree() charts.FlameNode {
	out := n.FlameNode
	for _, k := range n.kids {
		out.Children = append(out.Children, k.tree())
	}
	return out
}

// States are the colors of a trace's states, in legend order.
var States = []charts.StateStyle{
	{Name: "running", Color: "#59a14f"},
	{Name: "runnable", Color: "#f28e2b"},
	{Name: "blocked", Color: "#bab0ac"},
	{Name: "syscall", Color: "#b07aa1"},
	{Name: "GC mark", Color: "#4e79a7"},
	{Name: "stop the world", Color: "#e15759", Overlay: true},
}

// Trace returns the lanes and spans of an execution trace of about n spans, in ms: procs
// processors running goroutines goroutines, and the collector.
func Trace(procs, goroutines, n int, seed uint64) ([]string, []charts.StateSpan) {
	r := rand.New(rand.NewPCG(seed, 2))
	var lanes []string
	for p := range procs {
		lanes = append(lanes, fmt.Sprintf("P%d", p))
	}
	lanes = append(lanes, "GC")
	for g := range goroutines {
		lanes = append(lanes, fmt.Sprintf("G%d", g+1))
	}
	perG := max(n/(goroutines+procs), 4)
	var spans []charts.StateSpan
	end := 0.0
	for g := range goroutines {
		lane, t := fmt.Sprintf("G%d", g+1), r.Float64()*2
		for range perG / 2 {
			state := []string{"runnable", "blocked", "syscall", "blocked"}[r.IntN(4)]
			d := 0.02 + r.ExpFloat64()*0.3
			spans = append(spans, charts.StateSpan{Lane: lane, State: state, Start: t, End: t + d})
			t += d
			p := r.IntN(procs)
			d = 0.01 + r.ExpFloat64()*0.2
			label := fmt.Sprintf("%s main.worker", lane)
			spans = append(spans,
				charts.StateSpan{Lane: lane, State: "running", Label: fmt.Sprintf("on P%d", p), Start: t, End: t + d},
				charts.StateSpan{Lane: fmt.Sprintf("P%d", p), State: "running", Label: label, Start: t, End: t + d})
			t += d
		}
		end = max(end, t)
	}
	for t := 5.0; t < end; t += 40 + r.Float64()*20 {
		spans = append(spans,
			charts.StateSpan{Lane: "GC", State: "stop the world", Label: "sweep termination", Start: t, End: t + 0.05},
			charts.StateSpan{Lane: "GC", State: "GC mark", Label: "concurrent mark", Start: t + 0.05, End: t + 8},
			charts.StateSpan{Lane: "GC", State: "stop the world", Label: "mark termination", Start: t + 8, End: t + 8.08})
	}
	return lanes, spans
}

// Usage returns the resources of a run of the given seconds sampled at hz: CPU rising to
// about cores, memory growing from 30 MB to 120 MB.
func Usage(seconds, hz, cores float64, seed uint64) []charts.UsageSample {
	r := rand.New(rand.NewPCG(seed, 3))
	var out []charts.UsageSample
	for i := 0; float64(i) <= seconds*hz; i++ {
		t := float64(i) / hz
		ramp := math.Min(1, t/(0.1*seconds)) * math.Min(1, (seconds-t)/(0.1*seconds)+0.05)
		out = append(out, charts.UsageSample{
			T:        t,
			CPUCores: math.Max(0, cores*0.92*ramp+0.15*r.NormFloat64()),
			RSSBytes: 30e6 + 90e6*t/seconds + 3e6*r.Float64(),
		})
	}
	return out
}

// Spans returns n tasks of about 10 ms over lanes workers, one in 97 failed.
func Spans(n, lanes int, seed uint64) []charts.Span {
	r := rand.New(rand.NewPCG(seed, 4))
	at := make([]float64, lanes)
	spans := make([]charts.Span, n)
	for i := range spans {
		w := i % lanes
		d := 0.005 + r.ExpFloat64()*0.01
		spans[i] = charts.Span{Lane: fmt.Sprintf("worker %d", w+1), Task: fmt.Sprintf("image %04d.jpeg", i), Start: at[w], End: at[w] + d, Failed: i%97 == 0}
		at[w] += d + 0.0005
	}
	return spans
}
