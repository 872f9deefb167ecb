package tail

import (
	"fmt"
	"strings"
	"testing"
)

func TestBufferKeepsTheEnd(t *testing.T) {
	b := &Buffer{Max: 10}
	fmt.Fprint(b, "  0123456789")
	fmt.Fprint(b, "abc \n")
	if got := b.String(); got != "56789abc" {
		t.Errorf("String() = %q, want the last 10 bytes trimmed", got)
	}
	var zero Buffer
	fmt.Fprint(&zero, strings.Repeat("x", 5000))
	if len(zero.String()) != 4096 {
		t.Errorf("a zero Buffer kept %d bytes, want 4096", len(zero.String()))
	}
}
