package cpuprofile

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/pprof/profile"
)

// ProcessLabel is the sample label [Merge] sets to [Source.Process].
const ProcessLabel = "process"

// A Source is one process's profile, for [Merge].
type Source struct {
	// Process names the process, e.g. "cell" or "worker 1"; Merge labels each of its
	// samples [ProcessLabel]=Process (pprof -tagfocus=process=cell selects them). Empty
	// means no label, and a label the profile already has is kept.
	Process string
	Profile *profile.Profile
}

// Merge joins the CPU profiles of several processes into one new profile; the sources
// are not modified.
//
// Each source is first brought to the layout runtime/pprof writes (sample types
// samples/count and cpu/nanoseconds, period type cpu/nanoseconds), so profiles recorded at
// different rates, or holding only one of the two sample types, or time in other units,
// merge and their CPU times add up; the merged period is the largest (coarsest) one, and
// the samples/count values of sources of different rates are not comparable with each
// other: read cpu. A source with neither a cpu sample type nor a cpu period type is not a
// CPU profile and is an error.
//
// Identical stacks of one binary are merged even when the processes mapped it at different
// addresses (position-independent executables): the profile package matches mappings by
// file, build ID and size and shifts addresses accordingly. The merged profile's duration
// runs from the earliest start to the latest end of the sources (so pprof's "Total
// samples" exceeds 100% of it when processes ran in parallel), or is their sum if a source
// has no start time. Merge with no sources is an error; nil profiles are skipped.
func Merge(srcs ...Source) (*profile.Profile, error) {
	var ps []*profile.Profile
	var first, last int64
	spanKnown := true
	for i, src := range srcs {
		if src.Profile == nil {
			continue
		}
		p, err := normalize(src.Profile)
		if err != nil {
			name := src.Process
			if name == "" {
				name = fmt.Sprintf("#%d", i)
			}
			return nil, fmt.Errorf("cpuprofile: merging source %s: %w", name, err)
		}
		if src.Process != "" {
			for _, s := range p.Sample {
				if s.Label == nil {
					s.Label = map[string][]string{}
				}
				s.Label[ProcessLabel] = []string{src.Process}
			}
		}
		if p.TimeNanos == 0 {
			spanKnown = false
		} else {
			if first == 0 || p.TimeNanos < first {
				first = p.TimeNanos
			}
			last = max(last, p.TimeNanos+p.DurationNanos)
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, errors.New("cpuprofile: no profiles to merge")
	}
	m, err := profile.Merge(ps)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if spanKnown {
		m.DurationNanos = last - first
	}
	return m, nil
}

// timeUnits converts the time units profiles use to nanoseconds.
var timeUnits = map[string]float64{
	"nanoseconds": 1, "ns": 1,
	"microseconds": 1e3, "us": 1e3,
	"milliseconds": 1e6, "ms": 1e6,
	"seconds": 1e9, "s": 1e9,
}

// cpuValue returns how to read a sample's CPU time from p: its cpu sample type if it has
// one in a time unit, else its samples/count times a cpu period.
func cpuValue(p *profile.Profile) (func(*profile.Sample) time.Duration, error) {
	for i, st := range p.SampleType {
		if scale, ok := timeUnits[st.Unit]; ok && st.Type == "cpu" {
			return func(s *profile.Sample) time.Duration {
				return time.Duration(math.Round(float64(s.Value[i]) * scale))
			}, nil
		}
	}
	if p.PeriodType != nil && p.PeriodType.Type == "cpu" && p.Period > 0 {
		if scale, ok := timeUnits[p.PeriodType.Unit]; ok {
			for i, st := range p.SampleType {
				if st.Type == "samples" && st.Unit == "count" {
					period := float64(p.Period) * scale
					return func(s *profile.Sample) time.Duration {
						return time.Duration(math.Round(float64(s.Value[i]) * period))
					}, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("not a CPU profile: sample types %v, period type %v", valueTypes(p.SampleType), valueTypes([]*profile.ValueType{p.PeriodType}))
}

func valueTypes(vts []*profile.ValueType) []string {
	var s []string
	for _, vt := range vts {
		if vt != nil {
			s = append(s, vt.Type+"/"+vt.Unit)
		}
	}
	return s
}

// normalize returns a copy of p with sample types samples/count and cpu/nanoseconds and
// period type cpu/nanoseconds.
func normalize(p *profile.Profile) (*profile.Profile, error) {
	cpu, err := cpuValue(p)
	if err != nil {
		return nil, err
	}
	count := -1
	for i, st := range p.SampleType {
		if st.Type == "samples" && st.Unit == "count" {
			count = i
		}
	}
	var period int64 // nanoseconds
	if p.PeriodType != nil && p.PeriodType.Type == "cpu" {
		period = int64(math.Round(float64(p.Period) * timeUnits[p.PeriodType.Unit]))
	}
	q := p.Copy()
	for _, s := range q.Sample {
		ns := int64(cpu(s))
		var n int64
		switch {
		case count >= 0:
			n = s.Value[count]
		case period > 0:
			n = max(1, (ns+period/2)/period)
		default:
			n = 1
		}
		s.Value = []int64{n, ns}
	}
	q.SampleType = []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}
	q.DefaultSampleType = "cpu"
	q.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	q.Period = period
	return q, nil
}
