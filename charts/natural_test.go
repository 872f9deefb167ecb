package charts

import "testing"

func TestNaturalOrder(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"worker 2", "worker 10", -1},
		{"pid 9000", "pid 10001", -1},
		{"w01", "w1", -1}, // equal as numbers, then by bytes
		{"a", "b", -1},
		{"a10b2", "a10b10", -1},
		{"x", "x", 0},
		{"worker", "worker 1", -1},
	}
	for _, tt := range tests {
		if got := naturalCmp(tt.a, tt.b); got != tt.want {
			t.Errorf("naturalCmp(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := naturalCmp(tt.b, tt.a); got != -tt.want {
			t.Errorf("naturalCmp(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}
