package cpuprofile

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/google/pprof/profile"
)

// A Row is one function of a [Top] table, as go tool pprof -top shows it.
type Row struct {
	Function string
	Flat     time.Duration // CPU time with the function at the leaf: its own code
	Cum      time.Duration // CPU time with the function anywhere on the stack: it and its callees
	FlatPct  float64       // Flat as a percentage of the profile's total
	CumPct   float64       // Cum as a percentage of the profile's total
}

// Order says how [Top] ranks functions.
type Order int

const (
	ByFlat Order = iota // by own time, then by cumulative time (pprof -top)
	ByCum               // by cumulative time, then by own time (pprof -top -cum)
)

// Top returns the n functions of p with most CPU time in the given order (all of them if
// n <= 0), ties broken by name. A function recursing counts once per sample in Cum, so Cum
// never exceeds the total; inlined functions are functions of their own. Rows with no time
// in the chosen order's measure are left out. The error reports a profile with no CPU time
// in it.
func Top(p *profile.Profile, n int, order Order) ([]Row, error) {
	cpu, err := cpuValue(p)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	rows := map[string]*Row{}
	row := func(name string) *Row {
		r := rows[name]
		if r == nil {
			r = &Row{Function: name}
			rows[name] = r
		}
		return r
	}
	var total time.Duration
	seen := map[string]bool{}
	for _, s := range p.Sample {
		d := cpu(s)
		total += d
		names := frames(s)
		if len(names) == 0 {
			continue
		}
		row(names[len(names)-1]).Flat += d
		clear(seen)
		for _, name := range names {
			if !seen[name] {
				seen[name] = true
				row(name).Cum += d
			}
		}
	}
	var out []Row
	for _, r := range rows {
		if total > 0 {
			r.FlatPct = 100 * float64(r.Flat) / float64(total)
			r.CumPct = 100 * float64(r.Cum) / float64(total)
		}
		if (order == ByCum && r.Cum > 0) || (order != ByCum && r.Flat > 0) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b Row) int {
		if order == ByCum {
			return cmp.Or(cmp.Compare(b.Cum, a.Cum), cmp.Compare(b.Flat, a.Flat), cmp.Compare(a.Function, b.Function))
		}
		return cmp.Or(cmp.Compare(b.Flat, a.Flat), cmp.Compare(b.Cum, a.Cum), cmp.Compare(a.Function, b.Function))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out, nil
}
