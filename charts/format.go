package charts

import (
	"encoding/json"
	"math"
	"strconv"
)

var nan = math.NaN()

// num is a number in an option: six significant digits, null if not finite.
func num(x float64) any {
	if !finite(x) {
		return nil
	}
	return json.Number(strconv.FormatFloat(x, 'g', 6, 64))
}

// sec is a time in seconds in an option: rounded to 0.1 ms.
func sec(x float64) any { return fixed(x, 4) }

// fixed is a number in an option rounded to d decimals (d may be negative), null if not finite.
func fixed(x float64, d int) any {
	if !finite(x) {
		return nil
	}
	p := math.Pow(10, float64(d))
	r := math.Round(x*p) / p
	if r == 0 {
		r = 0 // no -0
	}
	return json.Number(strconv.FormatFloat(r, 'f', -1, 64))
}

// barValue is a bar's value: "-" (no bar) if not finite.
func barValue(x float64) any {
	if v := num(x); v != nil {
		return v
	}
	return "-"
}

// fmtNum formats a number for a fallback table: four significant digits, no exponent
// from 10,000 up, "–" if not finite. js/helpers.js num is its counterpart in tooltips.
func fmtNum(x float64) string {
	switch {
	case !finite(x):
		return "–"
	case math.Abs(x) >= 1e4:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// at returns xs[i], or NaN past its end.
func at(xs []float64, i int) float64 {
	if i < len(xs) {
		return xs[i]
	}
	return math.NaN()
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// niceCeil returns the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten
// that is at least x (x > 0), for an axis end a reader can read.
func niceCeil(x float64) float64 {
	if !(x > 0) || !finite(x) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if v := m * p; v >= x*(1-1e-12) {
			return v
		}
	}
	return 10 * p
}
