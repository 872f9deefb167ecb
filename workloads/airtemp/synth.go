package airtemp

import (
	"encoding/binary"
	"math"
	"time"
)

// DefaultResolution is the time between two items of a synthetic day: 144
// items a day, where the real API has one a minute (1440). Bodies stay near
// 90 kB instead of 900 kB.
const DefaultResolution = 10 * time.Minute

// Stations are the weather stations of the synthetic API: sixteen stations
// the real API reported air temperature from around 2020, with their ids,
// names and (rounded) coordinates. Their order is the order of every item's
// readings. Treat it as read-only.
var Stations = []Station{
	station("S24", "Upper Changi Road North", 1.3678, 103.9826),
	station("S43", "Kim Chuan Road", 1.3399, 103.8878),
	station("S44", "Nanyang Avenue", 1.34583, 103.68166),
	station("S50", "Clementi Road", 1.3337, 103.7768),
	station("S60", "Sentosa", 1.25, 103.8279),
	station("S100", "Woodlands Road", 1.4172, 103.74855),
	station("S102", "Semakau Landfill", 1.189, 103.768),
	station("S104", "Woodlands Avenue 9", 1.44387, 103.78538),
	station("S106", "Pulau Ubin", 1.4168, 103.9673),
	station("S107", "East Coast Parkway", 1.3135, 103.9625),
	station("S108", "Marina Gardens Drive", 1.2799, 103.8703),
	station("S109", "Ang Mo Kio Avenue 5", 1.3764, 103.8492),
	station("S111", "Scotts Road", 1.31055, 103.8365),
	station("S115", "Tuas South Avenue 3", 1.29377, 103.61843),
	station("S116", "West Coast Highway", 1.281, 103.754),
	station("S121", "Old Choa Chu Kang Road", 1.37288, 103.72244),
}

func station(id, name string, lat, lon float64) Station {
	return Station{ID: id, DeviceID: id, Name: name, Location: Location{Latitude: lat, Longitude: lon}}
}

// climate shapes a station's readings: inland and urban stations swing
// further between night and afternoon than coastal and offshore ones.
var climate = map[string]struct{ offset, swing float64 }{
	"S24": {0.0, 1.0}, "S43": {0.2, 1.05}, "S44": {0.0, 1.1}, "S50": {0.1, 1.05},
	"S60": {0.1, 0.7}, "S100": {-0.2, 1.15}, "S102": {0.2, 0.6}, "S104": {-0.1, 1.1},
	"S106": {-0.1, 0.8}, "S107": {0.2, 0.75}, "S108": {0.3, 0.85}, "S109": {0.1, 1.1},
	"S111": {0.5, 1.0}, "S115": {0.0, 0.9}, "S116": {0.1, 0.9}, "S121": {-0.3, 1.2},
}

// SyntheticDay is the day [Server] serves for date: every station of
// [Stations] read every resolution (≤ 0 means [DefaultResolution]) from
// midnight, Singapore time, to the end of the day.
//
// The readings depend on the date alone, so every call, server and run agrees
// on them. They look like Singapore's: 24–33 °C, coolest around 6 am and
// warmest around 2 pm, about two degrees warmer in June than in January, with
// cloudy days that swing less and afternoon showers that cool some of them,
// plus a little noise, rounded to 0.1 °C as the real API does.
func SyntheticDay(date string, resolution time.Duration) (*Response, error) {
	day, err := ParseDate(date)
	if err != nil {
		return nil, err
	}
	if resolution <= 0 {
		resolution = DefaultResolution
	}
	doy := float64(day.YearDay())
	// The seasonal cycle: coolest in mid-January, warmest in mid-July.
	seasonal := -1.0 * math.Cos(2*math.Pi*(doy-15)/365.25)
	cloud := unit(hash(date, "cloud"))               // 0 clear … 1 overcast
	shower := cloud > 0.6                            // an afternoon shower
	showerAt := 14 + 3*unit(hash(date, "shower at")) // hour it peaks
	swing := 3.0 * (1 - 0.4*cloud)                   // half the day's range

	n := int((24 * time.Hour) / resolution)
	if (24*time.Hour)%resolution != 0 {
		n++
	}
	r := &Response{
		Metadata: Metadata{
			Stations:    append([]Station(nil), Stations...),
			ReadingType: "DBT 1M F",
			ReadingUnit: "deg C",
		},
		Items:   make([]Item, n),
		APIInfo: APIInfo{Status: "healthy"},
	}
	climates := make([]struct{ offset, swing float64 }, len(Stations))
	for j, s := range Stations {
		climates[j] = climate[s.ID]
	}
	readings := make([]Reading, n*len(Stations)) // one allocation for the day's readings
	var clock [5]byte
	for i := range r.Items {
		at := day.Add(time.Duration(i) * resolution)
		hour := float64(i) * resolution.Hours()
		diurnal := diurnal(hour)
		rain := 0.0
		if shower {
			rain = 2.5 * (cloud - 0.6) / 0.4 * math.Exp(-math.Pow((hour-showerAt)/1.2, 2))
		}
		item := Item{Timestamp: at, Readings: readings[i*len(Stations) : (i+1)*len(Stations) : (i+1)*len(Stations)]}
		hhmm := string(at.AppendFormat(clock[:0], "15:04"))
		for j, s := range Stations {
			c := climates[j]
			noise := 0.6 * (unit(hash(date, s.ID, hhmm)) - 0.5)
			v := 27.6 + seasonal + c.offset + c.swing*swing*diurnal - rain + noise
			v = math.Round(min(max(v, 24), 33)*10) / 10
			item.Readings[j] = Reading{StationID: s.ID, Value: v}
		}
		r.Items[i] = item
	}
	return r, nil
}

// diurnal is the day's cycle, from -1 at 7 am, the coolest hour, up to 1 at
// 2 pm, the warmest, and slowly down again through the night.
func diurnal(hour float64) float64 {
	if hour >= 7 && hour <= 14 {
		return -math.Cos(math.Pi * (hour - 7) / 7)
	}
	since := math.Mod(hour-14+24, 24) // hours since 2 pm, 0–17
	return math.Cos(math.Pi * since / 17)
}

// hash mixes strings into 64 bits: FNV-1a, then splitmix64's finalizer so
// that nearby inputs land far apart.
func hash(parts ...string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211 // FNV-1a, 64 bits
	h := uint64(offset)
	for _, p := range parts {
		for i := range len(p) {
			h = (h ^ uint64(p[i])) * prime
		}
		h *= prime // the 0 byte after each part: h ^ 0 = h
	}
	return mix(h)
}

// hashSeed is hash with a seed and a number mixed in.
func hashSeed(seed uint64, n int, parts ...string) uint64 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(n))
	return hash(append([]string{string(b[:])}, parts...)...)
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
