package cpuprofile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// A handSample is a stack in folded form, root first: "main;run;task+helper;leaf", where
// "+" joins functions inlined into one location (caller first), with its values.
type handSample struct {
	stack  string
	values []int64
	labels map[string][]string
}

// handProfile builds a valid profile of one binary mapped at base, every function at a
// fixed offset from it, so that profiles of the same functions at different bases are
// the same binary loaded elsewhere.
func handProfile(t *testing.T, base uint64, period *profile.ValueType, periodN int64, types []*profile.ValueType, samples ...handSample) *profile.Profile {
	t.Helper()
	m := &profile.Mapping{ID: 1, Start: base, Limit: base + 0x100000, File: "/bin/hand", BuildID: "hand-build", HasFunctions: true}
	p := &profile.Profile{
		SampleType: types,
		PeriodType: period,
		Period:     periodN,
		Mapping:    []*profile.Mapping{m},
		TimeNanos:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano(),
	}
	funcs := map[string]*profile.Function{}
	locs := map[string]*profile.Location{}
	fn := func(name string) *profile.Function {
		if f := funcs[name]; f != nil {
			return f
		}
		f := &profile.Function{ID: uint64(len(funcs) + 1), Name: name, SystemName: name}
		funcs[name] = f
		p.Function = append(p.Function, f)
		return f
	}
	for _, hs := range samples {
		groups := strings.Split(hs.stack, ";")
		var stack []*profile.Location
		for i := len(groups) - 1; i >= 0; i-- { // leaf first
			g := groups[i]
			l := locs[g]
			if l == nil {
				l = &profile.Location{ID: uint64(len(locs) + 1), Mapping: m}
				l.Address = base + 0x1000 + 0x10*l.ID
				names := strings.Split(g, "+")
				for k := len(names) - 1; k >= 0; k-- { // innermost first
					l.Line = append(l.Line, profile.Line{Function: fn(names[k]), Line: int64(10 + k)})
				}
				locs[g] = l
				p.Location = append(p.Location, l)
			}
			stack = append(stack, l)
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: stack, Value: hs.values, Label: hs.labels})
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("hand-built profile invalid: %v", err)
	}
	return p
}

var (
	cpuNS     = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	countType = &profile.ValueType{Type: "samples", Unit: "count"}
	goTypes   = []*profile.ValueType{countType, cpuNS}
)

const ms = int64(time.Millisecond)

// goProfile builds a profile laid out as runtime/pprof writes one at 100 Hz, each stack
// given its CPU time in milliseconds (a multiple of 10).
func goProfile(t *testing.T, stacks ...any) *profile.Profile {
	t.Helper()
	var samples []handSample
	for i := 0; i < len(stacks); i += 2 {
		d := int64(stacks[i+1].(int)) * ms
		samples = append(samples, handSample{stack: stacks[i].(string), values: []int64{d / (10 * ms), d}})
	}
	return handProfile(t, 0x400000, cpuNS, 10*ms, goTypes, samples...)
}
