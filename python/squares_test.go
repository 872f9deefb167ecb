package python

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

func TestSquares(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	res, err := Squares(context.Background(), py, []int{10, 1000}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Python, "3.") || len(res.ForLoop) != 2 || !(res.ForLoop[1] > res.ForLoop[0]) || !(res.ListComprehension[1] > 0) {
		t.Errorf("Squares = %+v", res)
	}
	if _, err := Squares(context.Background(), py, []int{-5}, 1); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("a negative size: %v", err)
	}
	// A Python that fails says so, with its exit status.
	if _, err := Squares(context.Background(), "false", []int{10}, 1); err == nil || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("a failing interpreter: %v", err)
	}
}
