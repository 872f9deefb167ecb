package cpuprofile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func TestMergeMismatchedRatesTypesAndMappings(t *testing.T) {
	// The cell: runtime/pprof's layout at 100 Hz.
	cell := goProfile(t, "main;task;leaf", 300, "main;task", 100)
	// A worker of the same binary, loaded at another address, at 500 Hz, with only a cpu
	// sample type, in microseconds.
	us := &profile.ValueType{Type: "cpu", Unit: "microseconds"}
	worker := handProfile(t, 0x7f0000000000, us, 2000, []*profile.ValueType{us},
		handSample{stack: "main;task;leaf", values: []int64{250_000}},
		handSample{stack: "serve;write", values: []int64{14_000}, labels: map[string][]string{"phase": {"io"}}})
	worker.TimeNanos = cell.TimeNanos + int64(50*time.Millisecond)
	worker.DurationNanos = int64(time.Second)
	cell.DurationNanos = int64(500 * time.Millisecond)

	m, err := Merge(Source{"cell", cell}, Source{"worker 1", worker}, Source{"absent", nil})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CheckValid(); err != nil {
		t.Fatalf("merged profile invalid: %v", err)
	}
	if got := valueTypes(m.SampleType); strings.Join(got, ",") != "samples/count,cpu/nanoseconds" {
		t.Errorf("sample types %v", got)
	}
	if m.Period != 10*ms {
		t.Errorf("period %d, want the coarser 10ms", m.Period)
	}
	if got, want := time.Duration(m.DurationNanos), 1050*time.Millisecond; got != want {
		t.Errorf("duration %v, want the span %v", got, want)
	}

	byProc := map[string]time.Duration{}
	counts := map[string]int64{}
	for _, s := range m.Sample {
		proc := s.Label[ProcessLabel]
		if len(proc) != 1 {
			t.Fatalf("sample without one process label: %v", s.Label)
		}
		byProc[proc[0]] += time.Duration(s.Value[1])
		counts[proc[0]] += s.Value[0]
		if s.HasLabel("phase", "io") && proc[0] != "worker 1" {
			t.Errorf("the worker's own label moved to %s", proc[0])
		}
	}
	if byProc["cell"] != 400*time.Millisecond || byProc["worker 1"] != 264*time.Millisecond {
		t.Errorf("CPU by process %v, want cell 400ms, worker 1 264ms", byProc)
	}
	if counts["cell"] != 40 || counts["worker 1"] != 132 {
		t.Errorf("sample counts %v, want cell 40 (100 Hz), worker 1 132 (500 Hz)", counts)
	}

	// One binary: one mapping, and one location per distinct frame, although the
	// processes loaded it at different addresses.
	if len(m.Mapping) != 1 {
		t.Errorf("%d mappings, want 1", len(m.Mapping))
	}
	if len(m.Location) != 5 { // main, task, leaf (shared), serve, write
		t.Errorf("%d locations, want 5:\n%v", len(m.Location), m)
	}
	tree, err := Tree(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tree.Value != 664*time.Millisecond || tree.Children[0].Name != "main" ||
		tree.Children[0].Children[0].Children[0].Value != 550*time.Millisecond {
		t.Errorf("tree of the merged profile:\n%s", dump(tree))
	}

	for _, src := range []*profile.Profile{cell, worker} {
		for _, s := range src.Sample {
			if len(s.Label[ProcessLabel]) > 0 {
				t.Fatal("Merge labelled its input's samples")
			}
		}
	}
}

func TestMergeErrors(t *testing.T) {
	heap := handProfile(t, 0x400000, &profile.ValueType{Type: "space", Unit: "bytes"}, 1,
		[]*profile.ValueType{{Type: "alloc_space", Unit: "bytes"}},
		handSample{stack: "main;alloc", values: []int64{4096}})
	cpu := goProfile(t, "main", 10)
	tests := []struct {
		name string
		srcs []Source
		want string
	}{
		{"no sources", nil, "no profiles"},
		{"only nil", []Source{{"cell", nil}}, "no profiles"},
		{"a heap profile", []Source{{"cell", cpu}, {"worker 2", heap}}, "source worker 2: not a CPU profile"},
		{"unnamed", []Source{{"", cpu}, {"", heap}}, "source #1: not a CPU profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.srcs...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
