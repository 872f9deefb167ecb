package schedtrace

import (
	"cmp"
	"slices"
	"time"
)

// capSegments enforces the segment cap on every lane of tl: it looks for the smallest
// threshold q such that folding segments shorter than q into their neighbours (see coarsen)
// brings the total within limit, and records what it did in tl.Merge.
func capSegments(tl *Timeline, limit int) {
	lanes := make([]*[]Segment, 0, len(tl.Procs)+len(tl.Goroutines)+2)
	for i := range tl.Procs {
		lanes = append(lanes, &tl.Procs[i].Segments)
	}
	for i := range tl.Goroutines {
		lanes = append(lanes, &tl.Goroutines[i].Segments)
	}
	// Pauses and mark phases overlap: merge them as two lanes, then interleave again.
	var marks, pauses []Segment
	for _, s := range tl.GC.Segments {
		if s.State == GCMark {
			marks = append(marks, s)
		} else {
			pauses = append(pauses, s)
		}
	}
	lanes = append(lanes, &marks, &pauses)

	n := 0
	for _, l := range lanes {
		n += len(*l)
	}
	if limit == 0 {
		limit = DefaultMaxSegments
	}
	tl.Merge = Merge{Before: n, After: n}
	if limit < 0 {
		return
	}
	tl.Merge.Limit = limit
	if n <= limit {
		return
	}

	count := func(q time.Duration) int {
		total := 0
		for _, l := range lanes {
			total += coarsenCount(*l, q)
		}
		return total
	}
	// Double the threshold until the lanes fit (or every lane is down to one segment,
	// which happens once q exceeds the whole trace), then bisect for the smallest q.
	span := max(tl.Duration, time.Nanosecond)
	hi := time.Microsecond
	for count(hi) > limit && hi <= span {
		hi *= 2
	}
	lo := hi / 2
	for hi-lo > max(hi/64, 1) {
		mid := lo + (hi-lo)/2
		if count(mid) <= limit {
			hi = mid
		} else {
			lo = mid
		}
	}

	tl.Merge.After = 0
	for _, l := range lanes {
		*l = coarsen(*l, hi)
		tl.Merge.After += len(*l)
	}
	tl.Merge.Threshold = hi
	tl.GC.Segments = append(marks, pauses...)
	slices.SortStableFunc(tl.GC.Segments, func(a, b Segment) int { return cmp.Compare(a.Start, b.Start) })
}

// absorbs tells whether a merged segment ending at end whose first part is cur takes in
// the next segment s at threshold q: when the gap before s is shorter than q and s is
// either shorter than q or of the same kind as cur.
func absorbs(cur Segment, end time.Duration, s Segment, q time.Duration) bool {
	return s.Start-end < q && (s.Len() < q || sameKind(cur, s))
}

func sameKind(a, b Segment) bool {
	return a.State == b.State && a.Reason == b.Reason && a.G == b.G
}

// coarsenCount is len(coarsen(segs, q)) without building the result.
func coarsenCount(segs []Segment, q time.Duration) int {
	n := 0
	var first Segment
	var end time.Duration
	for i, s := range segs {
		if i > 0 && absorbs(first, end, s, q) {
			end = s.End
			continue
		}
		n++
		first, end = s, s.End
	}
	return n
}

// coarsen folds segments into their predecessor when absorbs says so. A merged segment
// spans its parts (and the gaps between them), counts them in Merged, and takes the kind
// (state, reason, goroutine, label) that covered most of its time; ties go to the earliest.
func coarsen(segs []Segment, q time.Duration) []Segment {
	type part struct {
		seg Segment
		dur time.Duration
	}
	var out []Segment
	var parts []part
	flush := func() {
		if len(parts) < 2 {
			parts = parts[:0]
			return
		}
		best := parts[0]
		for _, p := range parts[1:] {
			if p.dur > best.dur {
				best = p
			}
		}
		cur := &out[len(out)-1]
		cur.State, cur.Reason, cur.G, cur.Label, cur.Marked = best.seg.State, best.seg.Reason, best.seg.G, best.seg.Label, best.seg.Marked
		parts = parts[:0]
	}
	add := func(s Segment) {
		for i := range parts {
			if sameKind(parts[i].seg, s) {
				parts[i].dur += s.Len()
				return
			}
		}
		parts = append(parts, part{s, s.Len()})
	}
	for _, s := range segs {
		if n := len(out); n > 0 && absorbs(parts[0].seg, out[n-1].End, s, q) {
			add(s)
			out[n-1].End = s.End
			out[n-1].Merged += 1 + s.Merged
			continue
		}
		flush()
		out = append(out, s)
		add(s)
	}
	flush()
	return out
}
