package cpuprofile

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/google/pprof/profile"
)

// OtherName names the node [Tree] puts small siblings in.
const OtherName = "(other)"

// A Node is one frame of a flame graph: a function called along one path from the root,
// and the CPU time of the samples whose stacks pass through it. A node's Value is at least
// the sum of its children's; the difference is the function's own (self) time there.
type Node struct {
	Name     string // the function's full name, e.g. "image/jpeg.(*decoder).processSOS"
	Value    time.Duration
	Children []Node // callees, largest Value first; OtherName, if present, last
}

// Tree builds the flame graph of p, caller above callee: the root, named "total", holds all
// the CPU time, its children are the outermost frames of the stacks (the task's function,
// for a profile from [Trim]), and so on down to the leaves. Each location's inlined
// functions are frames of their own, as in pprof. Among the children of any node, those
// whose Value is below minFraction of the root's are merged into one node named
// [OtherName], with no children; minFraction 0 keeps every node. Samples are not told
// apart by label: filter the profile first (e.g. [profile.Profile.FilterSamplesByTag]) to
// draw one process. The error reports a profile with no CPU time in it.
func Tree(p *profile.Profile, minFraction float64) (Node, error) {
	cpu, err := cpuValue(p)
	if err != nil {
		return Node{}, fmt.Errorf("cpuprofile: %w", err)
	}
	type tnode struct {
		value    time.Duration
		children map[string]*tnode
	}
	root := &tnode{}
	for _, s := range p.Sample {
		d := cpu(s)
		n := root
		n.value += d
		for _, name := range frames(s) {
			c := n.children[name]
			if c == nil {
				if n.children == nil {
					n.children = map[string]*tnode{}
				}
				c = &tnode{}
				n.children[name] = c
			}
			c.value += d
			n = c
		}
	}
	limit := time.Duration(minFraction * float64(root.value))
	var build func(name string, t *tnode) Node
	build = func(name string, t *tnode) Node {
		n := Node{Name: name, Value: t.value}
		var other time.Duration
		for name, c := range t.children {
			if c.value < limit {
				other += c.value
				continue
			}
			n.Children = append(n.Children, build(name, c))
		}
		slices.SortFunc(n.Children, func(a, b Node) int {
			return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Name, b.Name))
		})
		if other > 0 {
			n.Children = append(n.Children, Node{Name: OtherName, Value: other})
		}
		return n
	}
	return build("total", root), nil
}

// frames lists the function names of s's stack from the root to the leaf.
func frames(s *profile.Sample) []string {
	var names []string
	for i := len(s.Location) - 1; i >= 0; i-- {
		loc := s.Location[i]
		if len(loc.Line) == 0 {
			names = append(names, fmt.Sprintf("0x%x", loc.Address))
			continue
		}
		for k := len(loc.Line) - 1; k >= 0; k-- {
			names = append(names, funcName(loc.Line[k]))
		}
	}
	return names
}

func funcName(l profile.Line) string {
	if l.Function == nil || l.Function.Name == "" {
		return "(unknown)"
	}
	return l.Function.Name
}
