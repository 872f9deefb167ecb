package kernelext

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/speedup-go/speedup/charts"
	"github.com/speedup-go/speedup/internal/stats"
)

// Show displays the scaling: the table with the fitted serial fraction, then in a notebook
// the measured speedups over the fitted Amdahl curve and the ideal S = N, from 1 to
// maxWorkers workers (or the largest count measured), with any extra curves (see
// [AmdahlCurve]).
func (s *Scaling) Show(maxWorkers int, extra ...charts.Curve) {
	var b strings.Builder
	s.writeTable(&b)
	showHTML(`<pre class="speedup-scaling">`+html.EscapeString(b.String())+`</pre>`, b.String())
	Display(s.chart(maxWorkers, extra...))
}

func (s *Scaling) chart(maxWorkers int, extra ...charts.Curve) *charts.Chart {
	var measured []charts.Point
	top := maxWorkers
	for i, sp := range s.speedups() {
		if !math.IsNaN(sp) {
			measured = append(measured, charts.Point{X: float64(s.Workers[i]), Y: sp})
			top = max(top, s.Workers[i])
		}
	}
	ideal := charts.Curve{Name: "ideal (S = N)", Dashed: true}
	for n := 1; n <= top; n++ {
		ideal.Points = append(ideal.Points, charts.Point{X: float64(n), Y: float64(n)})
	}
	curves := []charts.Curve{ideal}
	if p := s.parallel(); !math.IsNaN(p) {
		curves = append(curves, AmdahlCurve(fmt.Sprintf("Amdahl fit, serial fraction %.1f%%", 100*(1-p)), p, top))
	}
	return charts.Scaling(s.Label+": speedup vs workers", measured, append(curves, extra...)...)
}

// writeTable writes the scaling as a plain-text table with the fitted serial fraction.
func (s *Scaling) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\nworkers\twall (median)\tmin–max\tspeedup\tAmdahl fit\n", s.Label)
	p := s.parallel()
	for i, sp := range s.speedups() {
		fmt.Fprintf(tw, "%d\t%s\t%s–%s\t%.2f×\t%.2f×\n", s.Workers[i], formatDuration(s.Wall[i].Median()),
			formatDuration(stats.Min(s.Wall[i])), formatDuration(stats.Max(s.Wall[i])), sp, Amdahl(p, float64(s.Workers[i])))
	}
	tw.Flush()
	fmt.Fprintf(w, "fitted serial fraction %.1f%%, speedup limit %.1f×\n", 100*(1-p), 1/(1-p))
}
