package python

import (
	"context"
	"os/exec"
	"testing"
)

func TestRunExecutors(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	res, err := RunExecutors(context.Background(), py, 200, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{Threads, ProcessesOneByOne, ProcessesChunked} {
		if len(res.Runs[name]) != 1 || res.PerTask(name) <= 0 {
			t.Errorf("%s: runs %v, per task %v", name, res.Runs[name], res.PerTask(name))
		}
	}
}
