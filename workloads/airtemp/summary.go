package airtemp

import (
	"math"
	"strconv"
	"time"
)

// This file sums a day up straight from its JSON, for [Client.Fetch]: a
// DayResult needs the number of stations, items and readings and the sum,
// minimum and maximum of the values, not the 400 to 2,300 structs, strings and
// times that decoding a day into a [Response] allocates, which cost about
// three quarters of the client's CPU time per request.
//
// The scanner accepts only what it can answer exactly as decoding with
// encoding/json and then summarize would: JSON of the API's shape, each key
// at most once per object, spelled as the struct tags have it, no nulls. It
// checks everything that decoding checks (the syntax of the whole body, the
// type of every field, every timestamp as time.Time parses it, every number
// as a float64) and ignores unknown keys, as encoding/json does. Anything
// else, from a truncated body to a key in capitals, makes it give up, and
// Fetch decodes the body with encoding/json as before: a body either takes the
// fast path and gets the same DayResult, or takes the old path and gets the
// same DayResult or error.

// summarizeJSON sums up the day in body, or reports false when body is not
// something it can be sure about.
func summarizeJSON(date string, body []byte) (DayResult, bool) {
	s := daySummer{scan: scan{b: body}, res: DayResult{Date: date}, min: math.Inf(1), max: math.Inf(-1)}
	if !s.response() {
		return DayResult{}, false
	}
	s.ws()
	if s.i != len(s.b) {
		return DayResult{}, false
	}
	res := s.res
	if res.Readings == 0 {
		return res, true // Mean, Min and Max stay 0
	}
	res.Mean = s.sum / float64(res.Readings)
	res.Min, res.Max = s.min, s.max
	return res, true
}

type daySummer struct {
	scan
	res           DayResult
	sum, min, max float64
}

// response is the top-level object.
func (s *daySummer) response() bool {
	return s.object(responseKeys, func(k int) bool {
		switch k {
		case 0:
			return s.metadata()
		case 1:
			return s.array(s.item, &s.res.Items)
		default:
			return s.object(apiInfoKeys, func(int) bool { return s.str() })
		}
	})
}

var (
	responseKeys = []string{"metadata", "items", "api_info"}
	metadataKeys = []string{"stations", "reading_type", "reading_unit"}
	stationKeys  = []string{"id", "device_id", "name", "location"}
	locationKeys = []string{"latitude", "longitude"}
	itemKeys     = []string{"timestamp", "readings"}
	readingKeys  = []string{"station_id", "value"}
	apiInfoKeys  = []string{"status"}
)

func (s *daySummer) metadata() bool {
	return s.object(metadataKeys, func(k int) bool {
		if k == 0 {
			return s.array(s.station, &s.res.Stations)
		}
		return s.str()
	})
}

func (s *daySummer) station() bool {
	return s.object(stationKeys, func(k int) bool {
		if k < 3 {
			return s.str()
		}
		return s.object(locationKeys, func(int) bool {
			_, ok := s.float()
			return ok
		})
	})
}

func (s *daySummer) item() bool {
	return s.object(itemKeys, func(k int) bool {
		if k == 0 {
			return s.timestamp()
		}
		return s.array(s.reading, nil)
	})
}

// reading adds one reading's value to the sums, in document order, as
// summarize does; a reading without a value counts as 0 °C, as a Reading
// decoded from it would.
func (s *daySummer) reading() bool {
	v, ok := s.plainReading()
	if !ok {
		v = 0
		ok = s.object(readingKeys, func(k int) bool {
			if k == 0 {
				return s.str()
			}
			var ok bool
			v, ok = s.float()
			return ok
		})
	}
	if !ok {
		return false
	}
	s.res.Readings++
	s.sum += v
	s.min, s.max = min(s.min, v), max(s.max, v)
	return true
}

// plainReading reads a reading as json.Marshal writes it, and nearly all
// readings are, {"station_id":"S24","value":27.3}, in one pass. For anything
// else it leaves i where it was and reports false, and reading takes the
// general path.
func (s *daySummer) plainReading() (float64, bool) {
	const head, mid = `{"station_id":"`, `","value":`
	start := s.i
	b, i := s.b, s.i
	if len(b)-i < len(head) || string(b[i:i+len(head)]) != head {
		return 0, false
	}
	for i += len(head); i < len(b) && b[i] != '"'; i++ {
		if b[i] < 0x20 || b[i] == '\\' {
			return 0, false
		}
	}
	if len(b)-i < len(mid) || string(b[i:i+len(mid)]) != mid {
		return 0, false
	}
	s.i = i + len(mid)
	v, ok := s.float()
	if !ok || s.i >= len(b) || b[s.i] != '}' {
		s.i = start
		return 0, false
	}
	s.i++
	return v, true
}

// timestamp checks a time as encoding/json would decode it into a
// time.Time: by handing the literal, quotes and all, to UnmarshalJSON.
func (s *daySummer) timestamp() bool {
	start := s.i
	if !s.str() {
		return false
	}
	var t time.Time
	return t.UnmarshalJSON(s.b[start:s.i]) == nil
}

// scan reads JSON from b. Its methods skip leading white space, advance i past
// what they read and report false for anything they do not accept.
type scan struct {
	b []byte
	i int
}

// maxDepth bounds the nesting of the unknown values skip walks through.
const maxDepth = 64

func (s *scan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether the next byte is c, consuming it if so.
func (s *scan) next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// object reads an object. For each key of keys it calls field with the key's
// index, positioned before the value; it skips the values of other keys. A
// key twice, a key that encoding/json would match to one of keys without
// being spelled the same (it ignores case), or a null for one of keys is not
// accepted.
func (s *scan) object(keys []string, field func(k int) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	var seen uint32
	for {
		key, ok := s.key()
		if !ok || !s.next(':') {
			return false
		}
		k := lookup(keys, key)
		switch {
		case k == unknown:
			if !s.skip(0) {
				return false
			}
		case k < 0 || seen&(1<<k) != 0:
			return false
		default:
			seen |= 1 << k
			if !field(k) {
				return false
			}
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}

const unknown = -1 << 10

// lookup returns the index of key in keys, unknown for a key that encoding/json
// would not match to any of keys, and -1 for a key it might (the same letters
// in other cases, or non-ASCII bytes that Unicode case folding might turn into
// one of them).
func lookup(keys []string, key []byte) int {
	for i, k := range keys {
		if string(key) == k {
			return i
		}
	}
	for _, c := range key {
		if c >= 0x80 {
			return -1
		}
	}
	for _, k := range keys {
		if len(k) == len(key) && foldASCII(k, key) {
			return -1
		}
	}
	return unknown
}

func foldASCII(a string, b []byte) bool {
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// key reads an object's key: a string without escapes (which encoding/json
// would decode before matching), returned without its quotes.
func (s *scan) key() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	b := s.b
	for i := s.i; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			key := b[s.i:i]
			s.i = i + 1
			return key, true
		case c < 0x20 || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

// array reads an array, calling elem for each element, and counts the
// elements into *n when n is not nil.
func (s *scan) array(elem func() bool, n *int) bool {
	if !s.next('[') {
		return false
	}
	count := 0
	if !s.next(']') {
		for {
			if !elem() {
				return false
			}
			count++
			if s.next(',') {
				continue
			}
			if !s.next(']') {
				return false
			}
			break
		}
	}
	if n != nil {
		*n = count
	}
	return true
}

// str reads a string, checking it as encoding/json's scanner does: no control
// characters, only JSON's escapes. Bytes that are not UTF-8 are accepted, as
// encoding/json accepts them (it replaces them when it decodes the string).
func (s *scan) str() bool {
	if !s.next('"') {
		return false
	}
	b := s.b
	for i := s.i; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(b) {
				return false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return false
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// number reads a number in JSON's grammar and returns its text.
func (s *scan) number() ([]byte, bool) {
	s.ws()
	b, i := s.b, s.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	s.i = i
	return b[start:i], true
}

// float reads a number into a float64, as encoding/json does: with
// strconv.ParseFloat, refusing what it refuses (numbers out of range).
func (s *scan) float() (float64, bool) {
	text, ok := s.number()
	if !ok {
		return 0, false
	}
	if v, ok := exactFloat(text); ok {
		return v, true
	}
	v, err := strconv.ParseFloat(string(text), 64)
	return v, err == nil
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// exactFloat converts a plain decimal, such as "27.5" or "-3", of at most 15
// digits and without exponent, and reports false for anything else. Both the
// digits as an integer (below 2^53) and the power of ten (at most 10^22) are
// exact float64s, and IEEE 754 division rounds correctly, so the quotient is
// the float64 nearest the decimal: what strconv.ParseFloat returns, which
// takes this same path for such numbers.
func exactFloat(text []byte) (float64, bool) {
	neg := len(text) > 0 && text[0] == '-'
	if neg {
		text = text[1:]
	}
	var mant uint64
	digits, frac := 0, -1
	for i, c := range text {
		switch {
		case '0' <= c && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
		case c == '.':
			frac = i
		default:
			return 0, false // an exponent
		}
	}
	if digits > 15 {
		return 0, false
	}
	scale := 0
	if frac >= 0 {
		scale = len(text) - frac - 1
	}
	v := float64(mant) / pow10[scale]
	if neg {
		v = -v
	}
	return v, true
}

// skip reads any JSON value, at most maxDepth arrays and objects deep.
func (s *scan) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{':
		return s.skipObject(depth)
	case c == '[':
		return s.array(func() bool { return s.skip(depth + 1) }, nil)
	case c == '-' || '0' <= c && c <= '9':
		_, ok := s.number()
		return ok
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return true
		}
	}
	return false
}

// skipObject reads an object with any keys, skipping their values.
func (s *scan) skipObject(depth int) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		s.ws()
		if !s.str() || !s.next(':') || !s.skip(depth+1) {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}
