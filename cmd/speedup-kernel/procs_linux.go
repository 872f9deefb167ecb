package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/speedup-go/speedup/internal/procfs"
)

// proc is one process, as /proc/PID/stat describes it (see [procfs.Stat]).
type proc struct {
	PID, PPID, PGID int
	Comm            string             // the executable's name, at most 15 bytes
	State           byte               // R, S, D, Z (zombie), ...
	Exit            syscall.WaitStatus // how a zombie ended, as wait(2) would report it
}

// procTable is a snapshot of the processes of this PID namespace.
type procTable map[int]proc

// readProcs reads /proc. Processes that end while it reads are left out.
func readProcs() procTable {
	t := procTable{}
	d, err := os.Open("/proc")
	if err != nil {
		return t
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			t[pid] = p
		}
	}
	return t
}

// readProc reads /proc/PID/stat.
func readProc(pid int) (proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	st, err := procfs.ParseStat(b)
	if err != nil {
		return proc{}, false
	}
	return proc{PID: pid, PPID: st.PPID, PGID: st.PGID, Comm: string(procfs.Name(b)), State: st.State, Exit: st.Exit}, true
}

// command is pid's command line, for the log: "go build -o /tmp/gonb_1/gonb_1", at most
// 80 bytes; its name if /proc does not say.
func command(p proc) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.PID) + "/cmdline")
	if err != nil || len(b) == 0 {
		return p.Comm
	}
	args := strings.Fields(strings.ReplaceAll(string(b), "\x00", " "))
	if len(args) == 0 {
		return p.Comm
	}
	args[0] = filepath.Base(args[0])
	s := strings.Join(args, " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// children lists the living (not zombie) children of pid.
func (t procTable) children(pid int) []proc {
	var out []proc
	for _, p := range t {
		if p.PPID == pid && p.State != 'Z' {
			out = append(out, p)
		}
	}
	return out
}

// descendants lists the living processes below pid, parents before their children.
func (t procTable) descendants(pid int) []proc {
	kids := map[int][]proc{}
	for _, p := range t {
		kids[p.PPID] = append(kids[p.PPID], p)
	}
	var out []proc
	queue := []int{pid}
	for len(queue) > 0 {
		for _, c := range kids[queue[0]] {
			if c.State != 'Z' {
				out = append(out, c)
			}
			queue = append(queue, c.PID) // a zombie's children are alive until reparented
		}
		queue = queue[1:]
	}
	return out
}

// signalTree sends sig to p and to every living process below it.
func (t procTable) signalTree(p proc, sig syscall.Signal) {
	_ = syscall.Kill(p.PID, sig)
	for _, d := range t.descendants(p.PID) {
		_ = syscall.Kill(d.PID, sig)
	}
}
