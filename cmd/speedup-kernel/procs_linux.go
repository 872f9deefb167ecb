package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// proc is one process, as /proc/PID/stat describes it.
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

// readProc parses /proc/PID/stat: "pid (comm) state ppid pgrp ...", where comm may hold
// spaces and parentheses, so the fields after it are found from the last ')'.
func readProc(pid int) (proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return proc{}, false
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < 3 || len(f[0]) != 1 {
		return proc{}, false
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	pgid, err2 := strconv.Atoi(string(f[2]))
	if err1 != nil || err2 != nil {
		return proc{}, false
	}
	p := proc{PID: pid, PPID: ppid, PGID: pgid, Comm: string(b[open+1 : end]), State: f[0][0]}
	if len(f) >= 50 { // field 52, exit_code (Linux 3.5): f[0] is field 3
		if code, err := strconv.Atoi(string(f[49])); err == nil {
			p.Exit = syscall.WaitStatus(code)
		}
	}
	return p, true
}

// command is pid's command line, for the log: "go build -o /tmp/gonb_1/gonb_1", at most
// 80 bytes; its name if /proc does not say.
func command(p proc) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.PID) + "/cmdline")
	if err != nil || len(b) == 0 {
		return p.Comm
	}
	args := strings.Fields(strings.ReplaceAll(string(b), "\x00", " "))
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
