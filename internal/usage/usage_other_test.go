//go:build !linux

package usage

import (
	"errors"
	"testing"
)

func TestStartNotSupported(t *testing.T) {
	if _, err := Start(0); !errors.Is(err, ErrNotSupported) {
		t.Errorf("Start: err = %v, want ErrNotSupported", err)
	}
}
