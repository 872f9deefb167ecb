package workloads

// The talk's "for loops are slow" slide squares numbers three ways; these are the Go
// versions of its loops. All return the squares of 0, 1, ..., n-1.

// SquaresAppend grows the result one element at a time, like a Python loop calling
// list.append: the slice is reallocated and copied as it grows. n <= 0 gives nil.
func SquaresAppend(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, i*i)
	}
	return out
}

// SquaresPrealloc allocates the result once and fills it, the "already optimized" loop.
// n <= 0 gives an empty slice.
func SquaresPrealloc(n int) []int {
	out := make([]int, max(n, 0))
	for i := range out {
		out[i] = i * i
	}
	return out
}

// Chunk is a half-open range [Lo, Hi) of indices.
type Chunk struct{ Lo, Hi int }

// Chunks splits [0, n) into k contiguous chunks of nearly equal size (the first n%k one
// longer), for k workers to share a loop. k is clamped to [1, max(n, 1)].
func Chunks(n, k int) []Chunk {
	n = max(n, 0)
	k = min(max(k, 1), max(n, 1))
	chunks := make([]Chunk, k)
	lo := 0
	for i := range chunks {
		size := n / k
		if i < n%k {
			size++
		}
		chunks[i] = Chunk{lo, lo + size}
		lo += size
	}
	return chunks
}

// SquaresInto fills out[c.Lo:c.Hi] with the squares of its indices: one worker's share of
// a chunked parallel loop. It returns the number of elements written.
func SquaresInto(out []int, c Chunk) int {
	part := out[c.Lo:c.Hi]
	for j := range part {
		i := c.Lo + j
		part[j] = i * i
	}
	return len(part)
}

// Powers lists the powers of ten from 10^lo to 10^hi, the sizes of the talk's loops.
func Powers(lo, hi int) []int {
	var out []int
	for n, e := 1, 0; e <= hi; n, e = n*10, e+1 {
		if e >= lo {
			out = append(out, n)
		}
	}
	return out
}
