package airtemp

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSyntheticDay(t *testing.T) {
	tests := []struct {
		date       string
		resolution time.Duration
		items      int
		first      string
		last       string
	}{
		{"2020-01-01", 0, 144, "2020-01-01T00:00:00+08:00", "2020-01-01T23:50:00+08:00"},
		{"2020-02-29", time.Minute, 1440, "2020-02-29T00:00:00+08:00", "2020-02-29T23:59:00+08:00"},
		{"2019-07-15", time.Hour, 24, "2019-07-15T00:00:00+08:00", "2019-07-15T23:00:00+08:00"},
		{"2020-12-31", 7 * time.Minute, 206, "2020-12-31T00:00:00+08:00", "2020-12-31T23:55:00+08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			day, err := SyntheticDay(tt.date, tt.resolution)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := SyntheticDay(tt.date, tt.resolution)
			if !reflect.DeepEqual(day, again) {
				t.Error("two calls for the same day differ")
			}
			if len(day.Items) != tt.items {
				t.Fatalf("%d items, want %d", len(day.Items), tt.items)
			}
			if got := day.Items[0].Timestamp.Format(time.RFC3339); got != tt.first {
				t.Errorf("first timestamp %s, want %s", got, tt.first)
			}
			if got := day.Items[len(day.Items)-1].Timestamp.Format(time.RFC3339); got != tt.last {
				t.Errorf("last timestamp %s, want %s", got, tt.last)
			}
			m := day.Metadata
			if len(m.Stations) != len(Stations) || m.ReadingType != "DBT 1M F" || m.ReadingUnit != "deg C" || day.APIInfo.Status != "healthy" {
				t.Errorf("metadata %+v, api_info %+v", m, day.APIInfo)
			}
			for _, it := range day.Items {
				if len(it.Readings) != len(Stations) {
					t.Fatalf("%v: %d readings, want %d", it.Timestamp, len(it.Readings), len(Stations))
				}
				for j, r := range it.Readings {
					if r.StationID != Stations[j].ID || r.Value < 24 || r.Value > 33 || math.Abs(r.Value*10-math.Round(r.Value*10)) > 1e-9 {
						t.Fatalf("%v: reading %+v: want station %s, 24–33 °C in tenths", it.Timestamp, r, Stations[j].ID)
					}
				}
			}
		})
	}
}

func TestSyntheticDayShape(t *testing.T) {
	// Averages over a month: warmer at 2 pm than at 6 am, warmer in July than
	// in January; and no two days alike.
	hourMean := func(month string, hour int) float64 {
		sum, n := 0.0, 0
		for _, date := range Dates(month+"-01", 28) {
			day, err := SyntheticDay(date, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range day.Items[hour].Readings {
				sum += r.Value
				n++
			}
		}
		return sum / float64(n)
	}
	if dawn, afternoon := hourMean("2020-03", 6), hourMean("2020-03", 14); afternoon < dawn+3 {
		t.Errorf("March means: 6 am %.1f °C, 2 pm %.1f °C; want the afternoon at least 3 °C warmer", dawn, afternoon)
	}
	if jan, jul := hourMean("2020-01", 12), hourMean("2020-07", 12); jul < jan+1 {
		t.Errorf("noon means: January %.1f °C, July %.1f °C; want July at least 1 °C warmer", jan, jul)
	}
	a, _ := SyntheticDay("2020-01-01", 0)
	b, _ := SyntheticDay("2020-01-02", 0)
	ja, _ := json.Marshal(a.Items[0].Readings)
	jb, _ := json.Marshal(b.Items[0].Readings)
	if string(ja) == string(jb) {
		t.Error("2020-01-01 and 2020-01-02 have the same midnight readings")
	}
}

func TestParseDateAndDates(t *testing.T) {
	for _, tt := range []struct{ date, want string }{
		{"2020-13-01", "month out of range"},
		{"2020-02-30", "day out of range"},
		{"2020-1-1", "want YYYY-MM-DD"},
		{"", "want YYYY-MM-DD"},
		{"yesterday", "want YYYY-MM-DD"},
	} {
		_, err := ParseDate(tt.date)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `"`+tt.date+`"`) {
			t.Errorf("ParseDate(%q) = %v, want an error quoting the date and saying %q", tt.date, err, tt.want)
		}
	}
	tests := []struct {
		start string
		n     int
		want  []string
	}{
		{"2020-02-27", 4, []string{"2020-02-27", "2020-02-28", "2020-02-29", "2020-03-01"}},
		{"", 2, []string{"2020-01-01", "2020-01-02"}},
		{"2019-12-31", 2, []string{"2019-12-31", "2020-01-01"}},
		{"2020-01-01", 0, []string{}},
		{"2020-01-01", -3, []string{}},
	}
	for _, tt := range tests {
		if got := Dates(tt.start, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Dates(%q, %d) = %q, want %q", tt.start, tt.n, got, tt.want)
		}
	}
	if got := Dates("", 100); got[99] != "2020-04-09" {
		t.Errorf("the talk's 100th day is %s, want 2020-04-09", got[99])
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "month out of range") {
			t.Errorf("Dates with a bad start: recovered %v, want a panic saying why", r)
		}
	}()
	Dates("2020-13-01", 3)
}
