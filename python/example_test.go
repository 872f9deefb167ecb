package python_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/speedup-go/speedup/python"
)

// The talk's three Python methods on the Go side's own list of files, then where
// Python's time goes per image. (No output checked: it needs Pillow and NumPy, and
// times vary.)
func ExampleRun() {
	py, err := python.Find()
	if err != nil {
		fmt.Println(err) // says what was tried and what is missing
		return
	}
	paths, _ := filepath.Glob("chest_xray/train/NORMAL/*.jpeg")
	ctx := context.Background()
	res, err := python.Run(ctx, py, paths, python.Options{Repeat: 3, Warmup: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	res.WriteTable(os.Stdout)
	fmt.Printf("pool: %.1fx the list comprehension, %.0f images/s\n",
		res.Speedup(python.Pool, python.ListComp), res.ImagesPerSecond(python.Pool))

	prof, err := python.RunProfile(ctx, py, paths, python.Options{Repeat: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("decode %.1f ms, resize %.1f ms per image\n", prof.Profile.DecodeMS, prof.Profile.ResizeMS)
}
