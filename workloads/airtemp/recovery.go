package airtemp

import "time"

// Recovery is how a run against a faulty server compares with a run of the same days
// against a clean one: what the retries brought back.
type Recovery struct {
	Days    int // days asked
	Fetched int // days the faulty run brought back
	Same    int // of those, identical to the clean run's (same readings, same mean)
	Retries int // failed requests the client retried to bring them back
}

// Recovered compares clean and faulty, the results of the same days in the same order
// (a day that failed is the zero DayResult).
func Recovered(clean, faulty []DayResult) Recovery {
	r := Recovery{Days: len(faulty)}
	for i, d := range faulty {
		if d.Date == "" {
			continue
		}
		r.Fetched++
		r.Retries += d.Attempts - 1
		if i < len(clean) && d.Readings == clean[i].Readings && d.Mean == clean[i].Mean {
			r.Same++
		}
	}
	return r
}

// Injected is the number of faults the server injected, of every kind.
func (s Stats) Injected() int {
	n := 0
	for _, k := range s.Faults {
		n += k
	}
	return n
}

// Limit is the physical limit of fetching days on a pool of workers at this pace: ⌈N/W⌉
// rounds of one answer and its pause, what no pool of that size can beat.
func (t Talk) Limit(days, workers int) time.Duration {
	rounds := (days + max(workers, 1) - 1) / max(workers, 1)
	return time.Duration(rounds) * t.Seconds(t.Latency+t.Pause)
}
