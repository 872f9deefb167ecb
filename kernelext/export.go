package kernelext

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/speedup-go/speedup/internal/stats"
)

// Save writes the comparison's measurements, every repetition of every strategy (wall
// and CPU seconds per run), to path in the format its extension names:
//
//   - .txt or .bench: Go benchmark format, one line per run, which benchstat reads:
//     benchstat -col /strategy toast.txt compares the strategies with the baseline;
//   - .csv: one row per strategy and run;
//   - .json: the rows with their samples, medians, 95 % confidence intervals and
//     verdicts against the baseline.
//
// Rows are named "title/strategy=NAME" (spaces become underscores in the benchmark format).
func (c *Comparison[Out]) Save(path string) error {
	r := stats.NewReport()
	r.Baseline = c.Baseline
	for _, row := range c.Rows {
		r.Rows = append(r.Rows, stats.Row{
			Name: c.Title + "/strategy=" + row.Strategy.String(),
			Metrics: []stats.Metric{
				{Unit: stats.UnitWall, Values: stats.Seconds(row.Wall)},
				{Unit: stats.UnitCPU, Values: stats.Seconds(row.CPU)},
			},
		})
	}
	write := r.WriteBench
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".txt", ".bench":
	case ".csv":
		write = r.WriteCSV
	case ".json":
		write = r.WriteJSON
	default:
		return fmt.Errorf("saving %s: unknown format %q (want .txt or .bench, .csv, .json)", path, ext)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("saving the comparison: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("saving the comparison to %s: %w", path, err)
	}
	return f.Close()
}
