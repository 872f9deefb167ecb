// Command speedup-kernel starts the GoNB Jupyter kernel so that nothing the kernel started
// outlives it, and so that the stop button also stops a cell that GoNB is still compiling.
// The project's kernelspec runs it in place of gonb:
//
//	speedup-kernel --gonb /path/to/gonb -- --kernel {connection_file} --logtostderr
//
// On Linux it runs as two processes. The one Jupyter starts (the leader, alone in the
// process group that Jupyter signals) starts a guardian in a session of its own, passes it
// Jupyter's signals, and ends when the kernel ends, with its exit status, or when its own
// parent (the Jupyter server) dies. The guardian is a child subreaper: it runs gonb, and when
// gonb exits, or the leader is gone (killed with its group, as jupyter_client does when a
// kernel does not shut down in time), it stops gonb and then kills every process still
// below it: gopls and its telemetry child (GoNB starts gopls in its own process group), the
// cell's program and its worker processes. Processes orphaned on the way are reparented to
// the guardian, so none escapes.
//
// On an interrupt (SIGINT: the kernelspec's interrupt_mode is "signal") the guardian
// signals gonb, as Jupyter would, and also the build steps GoNB may be running for the
// cell (goimports, go get, go build and the compiler under them), which GoNB itself does
// not interrupt: the cell then ends with an error instead of running its program once the
// build is done. See interrupt in guardian_linux.go for the exact rules.
//
// On other systems speedup-kernel simply executes gonb.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	gonb := flag.String("gonb", "gonb", "the GoNB kernel binary to run")
	guardian := flag.Bool("guardian", false, "run as the guardian (internal: the leader starts it)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: speedup-kernel --gonb /path/to/gonb -- [gonb flags]\n\n"+
			"Runs the GoNB kernel so that nothing it started outlives it, and so that an interrupt\n"+
			"also stops a cell that is still being compiled. Flags after -- go to gonb.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	os.Exit(run(*gonb, flag.Args(), *guardian))
}

// logf writes one line to stderr, which Jupyter keeps as the kernel's log.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "speedup-kernel[%d]: "+format+"\n", append([]any{os.Getpid()}, args...)...)
}
