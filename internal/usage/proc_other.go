//go:build !linux

package usage

import "time"

type tree struct {
	start time.Time
	cpu   time.Duration
}

func newTree() (*tree, error)  { return nil, ErrNotSupported }
func (t *tree) begin() bool    { return false }
func (t *tree) sample() Sample { return Sample{} }
func (t *tree) end() int64     { return 0 }
