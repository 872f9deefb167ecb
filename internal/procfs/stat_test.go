package procfs

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 1234 1 1 0 -1 4194304 102 0 0 0 250 50 7 3 20 0 1 0 104313 3133440 378 18446744073709551615 1 2 3"
	tests := []struct {
		name, line string
		want       Stat
		err        bool
	}{
		{"plain", "42 (cat) R" + tail, Stat{State: 'R', PPID: 1234, PGID: 1, Ticks: 310, StartTime: 104313, RSS: 378}, false},
		{"spaces and parentheses in the name", "42 (a) b) (c) S" + tail, Stat{State: 'S', PPID: 1234, PGID: 1, Ticks: 310, StartTime: 104313, RSS: 378}, false},
		{"zombie", "42 (worker) Z" + tail, Stat{State: 'Z', PPID: 1234, PGID: 1, Ticks: 310, StartTime: 104313, RSS: 378}, false},
		{"truncated", "42 (cat) R 1 2 3", Stat{}, true},
		{"no name", "42 cat R", Stat{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tt.line + "\n"))
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("ParseStat = %+v, %v; want %+v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// A zombie's line holds all 52 fields; the last but one is how it ended.
func TestParseStatExit(t *testing.T) {
	line := "42 (go) Z 7 7 7 0 -1 4227084 1 0 0 0 1 2 0 0 20 0 1 0 500 0 0 18446744073709551615" +
		" 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 %d\n"
	for _, tc := range []struct {
		code   int
		signal syscall.Signal // 0: exited
		status int
	}{
		{2, syscall.SIGINT, 0}, // killed by SIGINT
		{0, 0, 0},              // exit status 0
		{3 << 8, 0, 3},         // exit status 3
	} {
		st, err := ParseStat(fmt.Appendf(nil, line, tc.code))
		if err != nil {
			t.Fatal(err)
		}
		if st.State != 'Z' || st.PPID != 7 || st.PGID != 7 || st.Ticks != 3 || st.StartTime != 500 {
			t.Errorf("exit code %d: %+v", tc.code, st)
		}
		if tc.signal != 0 && (!st.Exit.Signaled() || st.Exit.Signal() != tc.signal) {
			t.Errorf("exit code %d: %v, want killed by %v", tc.code, st.Exit, tc.signal)
		}
		if tc.signal == 0 && (!st.Exit.Exited() || st.Exit.ExitStatus() != tc.status) {
			t.Errorf("exit code %d: %v, want exit status %d", tc.code, st.Exit, tc.status)
		}
	}
}

func TestName(t *testing.T) {
	for line, want := range map[string]string{
		"42 (cat) R 1":         "cat",
		"42 (a) b) (c) S 1":    "a) b) (c",
		"42 (gonb_1f7917a5) S": "gonb_1f7917a5",
		"42 cat R":             "",
	} {
		if got := string(Name([]byte(line))); got != want {
			t.Errorf("Name(%q) = %q, want %q", line, got, want)
		}
	}
}

// The thread running this test, as Linux says it while the thread reads it. (Not
// /proc/self/stat: that is the main thread's, which may be asleep while another thread
// runs the test.)
func TestParseStatSelf(t *testing.T) {
	runtime.LockOSThread() // open and read on the same thread
	defer runtime.UnlockOSThread()
	b, err := os.ReadFile("/proc/thread-self/stat")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	st, err := ParseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != 'R' || st.PPID != os.Getppid() || st.PGID != syscall.Getpgrp() || st.RSS <= 0 || st.StartTime == 0 {
		t.Errorf("/proc/thread-self/stat: %+v; want state R, ppid %d, pgid %d, some RSS and a start time", st, os.Getppid(), syscall.Getpgrp())
	}
}
