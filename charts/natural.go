package charts

import (
	"cmp"
	"strings"
)

// naturalCmp orders strings with their digit runs compared as numbers, so that "worker 2"
// comes before "worker 10"; ties ("w01", "w1") go by bytes.
func naturalCmp(a, b string) int {
	if c := naturalCmpRuns(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func naturalCmpRuns(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da > 0 && db > 0 {
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			// As many digits: the strings compare as the numbers.
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitsPrefix(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
