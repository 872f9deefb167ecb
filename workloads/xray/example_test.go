package xray_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/speedup-go/speedup/workloads/xray"
)

func Example() {
	dir, err := os.MkdirTemp("", "xray-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A synthetic stand-in for the Kaggle set; xray.Open(path) takes the real one.
	ds, err := xray.Generate(dir, xray.Config{Count: 2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	files, err := ds.Files("train", "NORMAL")
	if err != nil {
		log.Fatal(err)
	}
	// The talk's [image_resize(f) for f in files]; kernelext runs the same
	// task on goroutines or worker processes.
	var thumbs []xray.Thumb
	for _, f := range files {
		th, err := xray.Resize(context.Background(), f)
		if err != nil {
			log.Fatal(err)
		}
		thumbs = append(thumbs, th)
	}
	array := xray.Gather(thumbs)
	fmt.Printf("%d images -> array of %d x %d x %d\n", len(files), len(array)/(xray.Size*xray.Size), xray.Size, xray.Size)
	// Output: 2 images -> array of 2 x 64 x 64
}
