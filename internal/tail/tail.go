// Package tail keeps the end of what a child process writes, for the message that says why
// it failed: a worker process's last words, a Python script's traceback.
package tail

import (
	"strings"
	"sync"
)

// Buffer is an io.Writer that keeps the last Max bytes written to it; it is safe for
// concurrent use. A zero Max keeps 4 KiB.
type Buffer struct {
	Max int
	mu  sync.Mutex
	buf []byte
}

// Write keeps the end of p; it never fails.
func (t *Buffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	limit := t.Max
	if limit <= 0 {
		limit = 4 << 10
	}
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - limit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String is what was kept, without leading and trailing white space.
func (t *Buffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
