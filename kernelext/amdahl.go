package kernelext

import (
	"math"

	"github.com/speedup-go/speedup/charts"
)

// Amdahl is Amdahl's law: the speedup of a job whose parallel fraction p (0..1) runs on n
// workers, S = 1 / ((1 - p) + p/n). The serial part, 1 - p, bounds it by 1 / (1 - p).
func Amdahl(p, n float64) float64 {
	if n <= 0 {
		return 0
	}
	return 1 / ((1 - p) + p/n)
}

// AmdahlCurve is Amdahl's law for parallel fraction p from 1 to maxWorkers workers, as a
// chart curve.
func AmdahlCurve(name string, p float64, maxWorkers int) charts.Curve {
	c := charts.Curve{Name: name}
	for n := 1; n <= maxWorkers; n++ {
		c.Points = append(c.Points, charts.Point{X: float64(n), Y: Amdahl(p, float64(n))})
	}
	return c
}

// fitAmdahl finds the parallel fraction p that best explains measured speedups on n
// workers: it fits 1/S = 1 - p·(1 - 1/n), the law's linear form, by least squares and
// clamps p to [0, 1]. Points with n <= 1 or a speedup that is not positive carry no
// information and are skipped; with none left it returns NaN.
func fitAmdahl(workers []int, speedups []float64) float64 {
	var num, den float64
	for i, n := range workers {
		if i >= len(speedups) || n <= 1 || !(speedups[i] > 0) {
			continue
		}
		x := 1 - 1/float64(n)
		y := 1 - 1/speedups[i]
		num += x * y
		den += x * x
	}
	if den == 0 {
		return math.NaN()
	}
	return min(max(num/den, 0), 1)
}
