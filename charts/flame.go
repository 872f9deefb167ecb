package charts

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// FlameNode is one frame of a flame graph (a function in a call stack, as pprof reports
// it) and the frames it called.
type FlameNode struct {
	Name     string
	Value    float64 // the total of the subtree, e.g. CPU seconds; raised to its children's sum if below it
	Children []FlameNode
}

// Bounds of a flame graph: frames below minFlameShare of the root are pruned (merged into
// one "(other)" frame per parent), more if it still has more than maxFlameFrames frames.
const (
	minFlameShare  = 0.001
	maxFlameFrames = 8000
	flameScale     = 1e6 // frames are sent in millionths of the root's value
)

// otherName names the frame standing for the pruned children of a frame.
const otherName = "(other)"

// Flame draws a flame graph of root: each frame as wide as its value, its callees under it
// (the root on top, as pprof draws it), named inside when the name fits, colored by package
// (the same package, the same color, in every chart). The tooltip gives the frame's value
// in unit, its share of the total and its self value (not spent in callees). Click a frame
// to zoom into it, the top frame to zoom out. Frames below 0.1 % of the total are merged
// into one "(other)" frame per caller. The fallback table lists the functions with the
// largest self and total values.
func Flame(title, unit string, root FlameNode) *Chart {
	root = normalizeFlame(root)
	frames, names, depth := layoutFlame(root)
	meta := map[string]any{"unit": unit, "total": num(root.Value), "names": names, "colors": flameColors(names), "scale": flameScale}
	c := newChart("flame", "flame", title, flameOption(title, frames), meta, flameTable(title, unit, root))
	c.height = min(max(240, 70+20*(depth+1)), 1000)
	return c
}

// normalizeFlame returns the tree with non-finite and negative values as 0, zero frames
// dropped, and each value at least its children's sum.
func normalizeFlame(n FlameNode) FlameNode {
	out := FlameNode{Name: n.Name}
	sum := 0.0
	for _, ch := range n.Children {
		if ch = normalizeFlame(ch); ch.Value > 0 {
			out.Children = append(out.Children, ch)
			sum += ch.Value
		}
	}
	out.Value = n.Value
	if !finite(out.Value) || out.Value < 0 {
		out.Value = 0
	}
	out.Value = max(out.Value, sum)
	return out
}

// flameFrame is one frame to draw: [depth, start, value, self, name index], the numbers in
// millionths of the root's value.
type flameFrame = [5]int64

// layoutFlame places the frames of root, pruned, and returns them with the frame names (a
// frame refers to its name by index) and the depth of the deepest frame.
func layoutFlame(root FlameNode) (frames []flameFrame, names []string, depth int) {
	if root.Value <= 0 {
		return nil, nil, 0
	}
	nameIdx := map[string]int{}
	var walk func(n FlameNode, d int, start, floor float64)
	walk = func(n FlameNode, d int, start, floor float64) {
		kids, other := prune(n.Children, floor)
		i, ok := nameIdx[n.Name]
		if !ok {
			i = len(names)
			nameIdx[n.Name] = i
			names = append(names, n.Name)
		}
		childSum := other
		for _, k := range kids {
			childSum += k.Value
		}
		scale := flameScale / root.Value
		frames = append(frames, flameFrame{int64(d), int64(math.Round(start * scale)), int64(math.Round(n.Value * scale)),
			int64(math.Round((n.Value - childSum) * scale)), int64(i)})
		depth = max(depth, d)
		at := start
		for _, k := range kids {
			walk(k, d+1, at, floor)
			at += k.Value
		}
		if other > 0 {
			walk(FlameNode{Name: otherName, Value: other}, d+1, at, floor)
		}
	}
	// Prune at 0.1 % of the total, more if that leaves too many frames.
	for share := minFlameShare; ; share *= 2 {
		frames, names, depth, nameIdx = frames[:0], names[:0], 0, map[string]int{}
		walk(root, 0, 0, share*root.Value)
		if len(frames) <= maxFlameFrames {
			return frames, names, depth
		}
	}
}

// prune returns the children worth a frame of their own (value at least floor) and the sum
// of the others.
func prune(children []FlameNode, floor float64) (kept []FlameNode, other float64) {
	for _, c := range children {
		if c.Value >= floor {
			kept = append(kept, c)
		} else {
			other += c.Value
		}
	}
	return kept, other
}

func flameOption(title string, frames []flameFrame) map[string]any {
	c := ec.NewCustom()
	c.SetGlobalOptions(
		ec.WithTitleOpts(opts.Title{Title: title, Subtitle: "click a frame to zoom in, the top frame to zoom out", Left: "center", Top: "4"}),
		ec.WithAnimation(false),
		ec.WithGridOpts(opts.Grid{Left: "8", Right: "8", Top: "56", Bottom: "8"}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: flameScale, Show: opts.Bool(false)}),
		ec.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: "dataMax", Inverse: opts.Bool(true), Show: opts.Bool(false)}),
	)
	items := make([]any, len(frames))
	for i, f := range frames {
		items[i] = f
	}
	c.AddSeries("frames", nil,
		ec.WithEncodeOpts(opts.Encode{X: []int{1, 2}, Y: 0}),
		ec.WithSeriesAnimation(false),
		ec.WithSeriesOpts(func(s *ec.SingleSeries) { s.Data = items }),
	)
	o := optionOf(c)
	withTooltip(o)
	set(o, "series.0.renderItem", fnRef("frame"))
	set(o, "series.0.progressive", 0) // one pass, also when zooming
	// The y axis counts depths: one more than the deepest, so that it has room.
	deepest := int64(0)
	for _, f := range frames {
		deepest = max(deepest, f[0])
	}
	set(o, "yAxis.0.max", deepest+1)
	return o
}

// flameColors gives each name the color of its package: a hue from a hash of the package's
// name, so that it is the same in every chart.
func flameColors(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if n == otherName {
			out[i] = "#c8c8c8"
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(packageOf(n)))
		out[i] = hsl(float64(h.Sum32()%360), 0.55, 0.72)
	}
	return out
}

// packageOf returns the package of a Go function name as pprof writes it
// ("github.com/x/y.(*T).M" is in "github.com/x/y"); the name itself if it has none.
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot > 0 {
		return fn[:slash+1+dot]
	}
	return fn
}

// hsl returns the CSS hex color of hue (degrees), saturation and lightness (0 to 1).
func hsl(h, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	channel := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", channel(r), channel(g), channel(b))
}

// flameTable is the flame graph's fallback: the functions with the largest self values and
// those with the largest totals (a function's total counts it once per stack, however
// often it recurses), by self value.
func flameTable(title, unit string, root FlameNode) string {
	const top = 12
	type fnStat struct {
		name        string
		self, total float64
	}
	stats := map[string]*fnStat{}
	var walk func(n FlameNode, onStack map[string]bool)
	walk = func(n FlameNode, onStack map[string]bool) {
		s := stats[n.Name]
		if s == nil {
			s = &fnStat{name: n.Name}
			stats[n.Name] = s
		}
		self := n.Value
		for _, c := range n.Children {
			self -= c.Value
		}
		s.self += max(self, 0)
		if !onStack[n.Name] {
			s.total += n.Value
			onStack[n.Name] = true
			defer delete(onStack, n.Name)
		}
		for _, c := range n.Children {
			walk(c, onStack)
		}
	}
	walk(root, map[string]bool{})

	all := make([]*fnStat, 0, len(stats))
	for _, s := range stats {
		all = append(all, s)
	}
	bySelf := func(a, b *fnStat) int {
		return cmp.Or(cmp.Compare(b.self, a.self), cmp.Compare(b.total, a.total), strings.Compare(a.name, b.name))
	}
	slices.SortFunc(all, func(a, b *fnStat) int {
		return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(b.self, a.self), strings.Compare(a.name, b.name))
	})
	shown := slices.Clone(all[:min(top, len(all))])
	slices.SortFunc(all, bySelf)
	for _, s := range all[:min(top, len(all))] {
		if !slices.Contains(shown, s) {
			shown = append(shown, s)
		}
	}
	slices.SortFunc(shown, bySelf)

	pct := func(x float64) string { return fmtNum(100 * x / root.Value) }
	rows := make([][]string, 0, len(shown))
	for _, s := range shown {
		rows = append(rows, []string{s.name, fmtNum(s.self), pct(s.self), fmtNum(s.total), pct(s.total)})
	}
	return table(title+": functions with the largest self and total "+unit,
		[]string{"function", "self (" + unit + ")", "self (%)", "total (" + unit + ")", "total (%)"}, rows)
}
