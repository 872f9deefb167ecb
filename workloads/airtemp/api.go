package airtemp

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Path is the API's air-temperature endpoint; the day is its query parameter
// date=YYYY-MM-DD.
const Path = "/v1/environment/air-temperature"

// DataGovSG is the real API's address. No default points there: set
// [Client.BaseURL] to it explicitly to leave the machine.
const DataGovSG = "https://api.data.gov.sg"

// DateLayout is the API's date format, YYYY-MM-DD.
const DateLayout = time.DateOnly

// DefaultStart is the first day [Dates] lists when given no start: New Year's
// Day 2020, the year of the talk.
const DefaultStart = "2020-01-01"

// Response is the API's answer for one day.
type Response struct {
	Metadata Metadata `json:"metadata"`
	Items    []Item   `json:"items"`
	APIInfo  APIInfo  `json:"api_info"`
}

// Metadata describes the stations and what they measure.
type Metadata struct {
	Stations    []Station `json:"stations"`
	ReadingType string    `json:"reading_type"` // "DBT 1M F": dry-bulb temperature, 1-minute
	ReadingUnit string    `json:"reading_unit"` // "deg C"
}

// Station is one weather station.
type Station struct {
	ID       string   `json:"id"` // e.g. "S24"
	DeviceID string   `json:"device_id"`
	Name     string   `json:"name"` // e.g. "Upper Changi Road North"
	Location Location `json:"location"`
}

// Location is a station's position in degrees.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Item is the readings of all stations at one moment: one item per minute of
// the day in the real API, one per [ServerConfig.Resolution] from [Server].
type Item struct {
	Timestamp time.Time `json:"timestamp"` // RFC 3339 in Singapore time, +08:00
	Readings  []Reading `json:"readings"`
}

// Reading is one station's temperature at one moment.
type Reading struct {
	StationID string  `json:"station_id"`
	Value     float64 `json:"value"` // degrees Celsius
}

// APIInfo is the API's health, "healthy" when all is well.
type APIInfo struct {
	Status string `json:"status"`
}

// ErrInvalidDate is wrapped by the errors for dates that are not YYYY-MM-DD
// days of the calendar.
var ErrInvalidDate = errors.New("invalid date")

// ParseDate parses a YYYY-MM-DD date as midnight in Singapore (+08:00). Its
// error wraps [ErrInvalidDate] and says what is wrong, e.g.
// `invalid date "2020-13-01": month out of range (want YYYY-MM-DD)`.
func ParseDate(date string) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, date, singapore)
	if err != nil {
		var pe *time.ParseError
		why := "not a YYYY-MM-DD date"
		if errors.As(err, &pe) && pe.Message != "" {
			why = strings.TrimPrefix(pe.Message, ": ")
		}
		return time.Time{}, fmt.Errorf("%w %q: %s (want YYYY-MM-DD)", ErrInvalidDate, date, why)
	}
	return t, nil
}

// singapore is Singapore time, fixed at +08:00 so that no time-zone database
// is needed.
var singapore = time.FixedZone("SGT", 8*60*60)

// Dates lists n consecutive days from start, as YYYY-MM-DD: Dates("", 100) is
// the talk's 100 days from [DefaultStart]. It returns an empty, non-nil slice
// when n ≤ 0, and panics when start is neither empty nor a valid date, as
// regexp.MustCompile does with a bad literal.
func Dates(start string, n int) []string {
	if start == "" {
		start = DefaultStart
	}
	t, err := ParseDate(start)
	if err != nil {
		panic("airtemp.Dates: " + err.Error())
	}
	out := make([]string, max(n, 0))
	for i := range out {
		out[i] = t.AddDate(0, 0, i).Format(DateLayout)
	}
	return out
}
