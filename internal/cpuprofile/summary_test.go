package cpuprofile

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

const boundaryName = "kernelext.safeCall[...]"

var atSafeCall = regexp.MustCompile(`^kernelext\.safeCall\b`).MatchString

func TestTrimKeepsTheTaskAndAccountsForTheRest(t *testing.T) {
	p := goProfile(t,
		"runtime.goexit;kernelext.run;"+boundaryName+";main.task;main.leaf", 30,
		"runtime.goexit;kernelext.run;"+boundaryName+";main.task", 20,
		"runtime.goexit;kernelext.run;"+boundaryName+"+main.task;main.leaf", 40, // task inlined into the boundary
		"runtime.goexit;kernelext.run;"+boundaryName, 50, // the harness's own time
		"runtime.goexit;kernelext.serve;kernelext.writeFrame;encoding/gob.(*Encoder).Encode;runtime.mallocgc", 70,
		"runtime.gcBgMarkWorker;runtime.gcDrain", 110,
		"runtime.goexit;kernelext.run;"+boundaryName+";main.task;runtime.mallocgc;runtime.gcAssistAlloc", 10, // GC assist inside the task is the task's
		"runtime.mcall;runtime.schedule", 30,
		"main.main;main.setup", 60,
	)
	p.Sample[0].Label = map[string][]string{ProcessLabel: {"worker 1"}}
	before := p.String()

	trimmed, rep, err := Trim(p, atSafeCall)
	if err != nil {
		t.Fatal(err)
	}
	want := TrimReport{
		Total: 420 * time.Millisecond,
		Task:  100 * time.Millisecond,
		GC:    110 * time.Millisecond,
		IO:    70 * time.Millisecond,
		// Runtime: only runtime frames.
		Runtime: 30 * time.Millisecond,
		// Other: the harness's self time and main's setup.
		Other: 110 * time.Millisecond,
	}
	if rep != want {
		t.Errorf("report = %+v, want %+v", rep, want)
	}
	if got, want := rep.OutsideFraction(), 320.0/420; got != want {
		t.Errorf("OutsideFraction = %v, want %v", got, want)
	}
	if p.String() != before {
		t.Error("Trim modified its input")
	}

	tree, err := Tree(trimmed, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantTree := Node{Name: "total", Value: 100 * time.Millisecond, Children: []Node{
		{Name: "main.task", Value: 100 * time.Millisecond, Children: []Node{
			{Name: "main.leaf", Value: 70 * time.Millisecond},
			{Name: "runtime.mallocgc", Value: 10 * time.Millisecond, Children: []Node{
				{Name: "runtime.gcAssistAlloc", Value: 10 * time.Millisecond},
			}},
		}},
	}}
	if !reflect.DeepEqual(tree, wantTree) {
		t.Errorf("tree of the trimmed profile =\n%s\nwant\n%s", dump(tree), dump(wantTree))
	}

	var labelled int
	for _, s := range trimmed.Sample {
		if s.HasLabel(ProcessLabel, "worker 1") {
			labelled++
		}
	}
	if labelled != 1 {
		t.Errorf("%d samples keep their process label, want 1", labelled)
	}
	if err := trimmed.CheckValid(); err != nil {
		t.Errorf("trimmed profile invalid: %v", err)
	}
}

func TestTrimWithNoBoundaryDropsEverything(t *testing.T) {
	p := goProfile(t, "main.main;main.work", 30)
	trimmed, rep, err := Trim(p, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if len(trimmed.Sample) != 0 || rep.Task != 0 || rep.Other != 30*time.Millisecond || rep.OutsideFraction() != 1 {
		t.Errorf("got %d samples, report %+v; want none, all Other", len(trimmed.Sample), rep)
	}
}

func TestTreeSortsAndMergesSmallSiblings(t *testing.T) {
	p := goProfile(t,
		"a;b", 500, "a;c", 300, "a;d", 20, "a;e", 30, "f", 150, // 1 s in all
	)
	tests := []struct {
		name        string
		minFraction float64
		want        Node
	}{
		{"everything", 0, Node{"total", 1000 * time.Millisecond, []Node{
			{"a", 850 * time.Millisecond, []Node{
				{"b", 500 * time.Millisecond, nil}, {"c", 300 * time.Millisecond, nil},
				{"e", 30 * time.Millisecond, nil}, {"d", 20 * time.Millisecond, nil}}},
			{"f", 150 * time.Millisecond, nil}}}},
		{"below 5% merged", 0.05, Node{"total", 1000 * time.Millisecond, []Node{
			{"a", 850 * time.Millisecond, []Node{
				{"b", 500 * time.Millisecond, nil}, {"c", 300 * time.Millisecond, nil},
				{OtherName, 50 * time.Millisecond, nil}}},
			{"f", 150 * time.Millisecond, nil}}}},
		{"other goes last even when larger", 0.2, Node{"total", 1000 * time.Millisecond, []Node{
			{"a", 850 * time.Millisecond, []Node{
				{"b", 500 * time.Millisecond, nil}, {"c", 300 * time.Millisecond, nil},
				{OtherName, 50 * time.Millisecond, nil}}},
			{OtherName, 150 * time.Millisecond, nil}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tree(p, tt.minFraction)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

func TestTopCountsFlatAndCumulative(t *testing.T) {
	p := goProfile(t,
		"main;f;g;f;h", 100, // f recurses: counts once in Cum
		"main;f;g", 200,
		"main;k+h", 300, // h inlined into k
		"main", 400,
	)
	flat, err := Top(p, 0, ByFlat)
	if err != nil {
		t.Fatal(err)
	}
	d := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	wantFlat := []Row{
		{"main", d(400), d(1000), 40, 100},
		{"h", d(400), d(400), 40, 40},
		{"g", d(200), d(300), 20, 30},
	}
	if !reflect.DeepEqual(flat, wantFlat) {
		t.Errorf("ByFlat =\n%v\nwant\n%v", flat, wantFlat)
	}
	cum, err := Top(p, 4, ByCum)
	if err != nil {
		t.Fatal(err)
	}
	wantCum := []Row{
		{"main", d(400), d(1000), 40, 100},
		{"h", d(400), d(400), 40, 40},
		{"g", d(200), d(300), 20, 30}, // ties on Cum go by Flat,
		{"f", 0, d(300), 0, 30},       // then by name: k (also 300 ms, no Flat) is fifth
	}
	if !reflect.DeepEqual(cum, wantCum) {
		t.Errorf("ByCum =\n%v\nwant\n%v", cum, wantCum)
	}
}

func TestSummariesRejectNonCPUProfiles(t *testing.T) {
	heap := handProfile(t, 0x400000, &profile.ValueType{Type: "space", Unit: "bytes"}, 512*1024,
		[]*profile.ValueType{{Type: "alloc_space", Unit: "bytes"}},
		handSample{stack: "main;alloc", values: []int64{4096}})
	if _, err := Tree(heap, 0); err == nil || !strings.Contains(err.Error(), "not a CPU profile") {
		t.Errorf("Tree: err = %v, want not a CPU profile", err)
	}
	if _, err := Top(heap, 5, ByFlat); err == nil {
		t.Error("Top: no error")
	}
	if _, _, err := Trim(heap, atSafeCall); err == nil {
		t.Error("Trim: no error")
	}
}

// dump prints a tree one node a line, for failure messages.
func dump(n Node) string {
	var b strings.Builder
	var walk func(Node, int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth) + n.Name + " " + n.Value.String() + "\n")
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
