// Package procfs parses what Linux's /proc/<pid>/stat says of a process, without
// allocating, for the two places that read it many times a second: the kernel's guardian
// (cmd/speedup-kernel), which follows what gonb runs, and the usage sampler
// (internal/usage), which measures a process tree's CPU and memory.
package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"syscall"
)

// Stat is what /proc/<pid>/stat says of a process: the fields this project uses.
type Stat struct {
	State     byte // R, S, D, Z (zombie), ...
	PPID      int
	PGID      int
	Ticks     int64              // utime+stime+cutime+cstime: the process's CPU and that of the children it waited for, in clock ticks
	StartTime uint64             // clock ticks after boot: tells a reused pid from the process it replaced
	RSS       int64              // pages
	Exit      syscall.WaitStatus // how a zombie ended, as wait(2) would report it (field 52, Linux 3.5)
}

// ParseStat parses the contents of /proc/<pid>/stat. The command name, in parentheses,
// may hold spaces and parentheses itself, so fields are counted from the last ')'.
func ParseStat(b []byte) (Stat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return Stat{}, errors.New("no command name")
	}
	var st Stat
	var cpu [4]int64
	n := 3 // the field at hand: 3 is the state
	for rest := b[i+2:]; len(rest) > 0 && n <= 52; n++ {
		f := rest
		if j := bytes.IndexByte(rest, ' '); j >= 0 {
			f, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		f = bytes.TrimSpace(f)
		switch {
		case n == 3 && len(f) > 0:
			st.State = f[0]
		case n == 4:
			st.PPID = int(atoi(f))
		case n == 5:
			st.PGID = int(atoi(f))
		case n >= 14 && n <= 17: // utime, stime, cutime, cstime
			cpu[n-14] = atoi(f)
		case n == 22:
			st.StartTime = uint64(atoi(f))
		case n == 24:
			st.RSS = atoi(f)
		case n == 52:
			st.Exit = syscall.WaitStatus(atoi(f))
		}
	}
	if n <= 24 {
		return Stat{}, fmt.Errorf("%d fields", n-1)
	}
	st.Ticks = cpu[0] + cpu[1] + cpu[2] + cpu[3]
	return st, nil
}

// Name is the command name in the contents of /proc/<pid>/stat (the executable's name, at
// most 15 bytes), nil if there is none.
func Name(b []byte) []byte {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return nil
	}
	return b[open+1 : end]
}

// atoi parses a decimal integer, with no allocation; what is not a digit ends it.
func atoi(b []byte) int64 {
	var v int64
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		return -v
	}
	return v
}
