package usage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"github.com/speedup-go/speedup/internal/procfs"
)

// A proc is a process of the tree as last seen.
type proc struct {
	ppid      int
	starttime uint64
	cpu       time.Duration // its CPU and its waited-for children's
	rss       int64         // bytes
	hwmValid  bool          // its VmHWM counts only the time since Start
}

// tree follows this process and its descendants from one sample to the next.
type tree struct {
	self     int
	page     int64
	tick     time.Duration // one clock tick (USER_HZ)
	procs    map[int]*proc // the tree at the last sample
	outside  map[int]bool  // pids seen not to be in the tree (they cannot join it)
	buf      []byte
	start    time.Time // the first sample's
	last     time.Time
	cpu      time.Duration // the tree's CPU since Start
	owed     time.Duration // CPU taken out by a sample and not yet added back
	peakOne  int64         // the largest sampled RSS of one process
	hwm0     int64         // this process's VmHWM at Start
	maxrss0  int64         // RUSAGE_CHILDREN ru_maxrss at Start
	hwmReset bool
}

func newTree() (*tree, error) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	return &tree{
		self:    os.Getpid(),
		page:    int64(os.Getpagesize()),
		tick:    time.Second / time.Duration(clockTicks()),
		procs:   map[int]*proc{},
		outside: map[int]bool{},
		buf:     make([]byte, 4096),
	}, nil
}

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat, from the auxiliary
// vector the kernel gave this process (AT_CLKTCK); it is 100 on every Linux that matters.
func clockTicks() int64 {
	const atClkTck = 17
	b, err := os.ReadFile("/proc/self/auxv")
	if err == nil {
		w := int(unsafe.Sizeof(uintptr(0)))
		for i := 0; i+2*w <= len(b); i += 2 * w {
			var k, v uint64
			if w == 8 {
				k, v = binary.NativeEndian.Uint64(b[i:]), binary.NativeEndian.Uint64(b[i+w:])
			} else {
				k, v = uint64(binary.NativeEndian.Uint32(b[i:])), uint64(binary.NativeEndian.Uint32(b[i+w:]))
			}
			if k == atClkTck && v > 0 {
				return int64(v)
			}
		}
	}
	return 100
}

// begin resets this process's VmHWM and notes the starting points of the peaks. It returns
// whether the reset worked.
func (t *tree) begin() bool {
	t.hwmReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	t.hwm0 = vmHWM(t.self)
	t.maxrss0 = childrenMaxRSS()
	return t.hwmReset
}

// read reads a small /proc file into t.buf without the allocations and the poller
// registration of os.ReadFile.
func (t *tree) read(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	n, err := syscall.Read(fd, t.buf)
	if err != nil {
		return nil, err
	}
	return t.buf[:n], nil
}

func (t *tree) stat(pid int) (procfs.Stat, bool) {
	b, err := t.read("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procfs.Stat{}, false
	}
	st, err := procfs.ParseStat(b)
	return st, err == nil
}

// sample finds the tree as it is now and measures it. The first sample's moment is the
// start, T=0, of the others.
func (t *tree) sample() Sample {
	pids := listPids()
	// Learn the parent of every process that might be in the tree: those in it last time
	// and those never seen before.
	seen := map[int]procfs.Stat{}
	for _, pid := range pids {
		if t.outside[pid] {
			continue
		}
		if st, ok := t.stat(pid); ok {
			seen[pid] = st
		}
	}
	return t.account(time.Now(), pids, seen, selfCPU())
}

// account measures the tree from what sample read at the moment now: the pids listed in
// /proc, the stat of those that might be in the tree, and this process's CPU, to the
// microsecond.
func (t *tree) account(now time.Time, pids []int, seen map[int]procfs.Stat, self time.Duration) Sample {
	alive := make(map[int]bool, len(pids))
	for _, pid := range pids {
		alive[pid] = true
	}
	for pid := range t.outside {
		if !alive[pid] {
			delete(t.outside, pid) // gone: the pid may be reused, by one of ours
		}
	}
	// A process is in the tree if its parent is.
	in := map[int]bool{t.self: true}
	var inTree func(pid int, depth int) bool
	inTree = func(pid, depth int) bool {
		if v, ok := in[pid]; ok {
			return v
		}
		st, ok := seen[pid]
		v := ok && depth < 1000 && inTree(st.PPID, depth+1)
		in[pid] = v
		return v
	}
	if t.start.IsZero() {
		t.start = now
	}
	var delta time.Duration
	x := Sample{T: now.Sub(t.start)}
	procs := make(map[int]*proc, len(t.procs))
	for pid, st := range seen {
		if !inTree(pid, 0) {
			t.outside[pid] = true
			continue
		}
		p := &proc{ppid: st.PPID, starttime: st.StartTime, cpu: time.Duration(st.Ticks) * t.tick, rss: st.RSS * t.page}
		if pid == t.self {
			p.cpu = self
		}
		procs[pid] = p
		if old := t.procs[pid]; old != nil && old.starttime == p.starttime {
			delta += p.cpu - old.cpu
			p.hwmValid = old.hwmValid
		} else {
			delta += p.cpu // born since the last sample
			p.hwmValid = true
		}
		if st.State != 'Z' {
			x.Procs++
		}
		x.RSS += p.rss
		t.peakOne = max(t.peakOne, p.rss)
	}
	// A process gone from /proc since the last sample was waited for by its parent, whose
	// count of its children's CPU took in all of the process's CPU, counted already up to
	// the last sample; so was its parent's by its own, if it is gone too, and so on up to
	// a process still here. A process still alive but no longer in the tree (its parent
	// ended without waiting for it) has left: its later CPU is not the tree's.
	for pid, old := range t.procs {
		if st, ok := seen[pid]; ok && st.StartTime == old.starttime {
			continue // still here, in the tree or not
		}
		if t.absorbed(old, procs) {
			delta -= old.cpu
		}
	}
	if len(t.procs) == 0 { // the first sample: everything so far came before Start
		delta = 0
		for _, p := range procs {
			p.hwmValid = false
		}
		if p := procs[t.self]; p != nil {
			p.hwmValid = t.hwmReset
		}
	}
	// Each process's figures are read at a slightly different moment. If a child was
	// waited for after its own stat was read and before its parent's, this sample counts
	// its CPU twice and the next takes it out again; the other way round, this sample takes
	// it out and the next adds it to the parent's. Carry a deficit over rather than lose
	// it, so that the sum over samples stays exact. (A process wrongly taken for absorbed,
	// see absorbed, makes the next samples repay CPU that was really used.)
	delta -= t.owed
	t.owed = max(-delta, 0)
	delta = max(delta, 0)
	if wall := now.Sub(t.last); wall > 0 && len(t.procs) > 0 {
		x.Cores = float64(delta) / float64(wall)
	}
	t.cpu += delta
	t.procs = procs
	t.last = now
	return x
}

// absorbed tells whether the CPU of a process gone since the last sample now counts in
// an ancestor's, following the parent links of the last sample through processes gone
// too. A process whose parent ended first, so that it was waited for outside the tree,
// is counted as absorbed all the same: telling the two apart would need the exit order.
func (t *tree) absorbed(p *proc, now map[int]*proc) bool {
	for range 1000 {
		parent := t.procs[p.ppid]
		if parent == nil {
			return false
		}
		if q := now[p.ppid]; q != nil && q.starttime == parent.starttime {
			return true
		}
		p = parent
	}
	return false
}

// end returns the largest peak of any one process of the tree since Start.
func (t *tree) end() int64 {
	peak := t.peakOne
	for pid, p := range t.procs {
		if pid == t.self {
			if hwm := vmHWM(pid); t.hwmReset || hwm > t.hwm0 {
				peak = max(peak, hwm)
			}
		} else if p.hwmValid {
			peak = max(peak, vmHWM(pid))
		}
	}
	if m := childrenMaxRSS(); m > t.maxrss0 {
		peak = max(peak, m)
	}
	return peak
}

// listPids lists the processes in /proc.
func listPids() []int {
	f, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if n[0] >= '0' && n[0] <= '9' {
			if pid, err := strconv.Atoi(n); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// vmHWM is a process's peak resident memory in bytes, 0 if unknown.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// childrenMaxRSS is the largest peak resident memory, in bytes, of the descendants this
// process has waited for (through its children's waits for theirs).
func childrenMaxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) != nil {
		return 0
	}
	return ru.Maxrss << 10 // kilobytes on Linux
}

// selfCPU is this process's CPU and that of the children it waited for.
func selfCPU() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
