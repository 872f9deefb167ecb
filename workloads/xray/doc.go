// Package xray is the talk's image-processing case: resize every chest X-ray
// of a folder to 64x64 and gather the thumbnails into one array.
//
// The talk took Kaggle's "Chest X-Ray Images (Pneumonia)" (1.15 GB of JPEGs
// of differing sizes in chest_xray/{train,test,val}/{NORMAL,PNEUMONIA}),
// unzipped chest-xray-pneumonia.zip if needed, globbed the 1431 images of
// train/NORMAL, opened each with Pillow, resized it to 64x64 and stacked the
// results into a numpy array: 29.71 s in a list comprehension, 29.48 s with
// map, 6.98 s on a ProcessPoolExecutor of 8 cores. Here
//
//	var resize = kernelext.NewTask("resize", xray.Resize) // at package level
//
//	ds, err := xray.Generate(dir, xray.Config{Count: xray.TalkCount})
//	files, err := ds.Files("train", "NORMAL")
//	run, err := kernelext.Map(ctx, kernelext.Processes(8), resize, files)
//	array := xray.Gather(run.Values()) // len(files)×64×64 bytes
//
// with [Open] in place of [Generate] for the real set (a folder or the zip).
// [Resize] is the talk's image_resize, shaped as a task; [Gather] is the
// np.array at the end.
//
// # Offline by design
//
// The real set is a 1.15 GB download from Kaggle behind a login. [Generate]
// writes a synthetic stand-in in the same layout, with Kaggle-like file
// names: grayscale baseline JPEGs of 1000–2900 px a side that look like
// chest X-rays (body, dark lungs, ribs, spine, heart, grain; hazy patches on
// the PNEUMONIA ones), the same bytes for the same [Config] on every
// machine. It writes them once and finds them again later.
//
// # Is your code already optimized?
//
// Nearly all of an image's time is spent on its full-size pixels: on one
// core, image/jpeg decodes a synthetic 2.2-megapixel X-ray in about 15 ms,
// and imaging's 64x64 resize of it takes nearly as long again (it filters
// four channels of every pixel in floating point); [Profile] shows the
// split for one file. Pillow decodes with libjpeg-turbo, several times
// faster than image/jpeg, and can ask libjpeg to decode at 1/8 scale
// (Image.draft), which skips nearly all the work when the target is tiny.
// [ResizeFast] does the same with package jpegdc: about 1.5 ms for decode
// and resize together, some twenty times faster than [Resize] on one core,
// before any parallelism. That is the talk's last takeaway in numbers:
// before adding cores, check whether the work itself can shrink.
//
// # One core means GOMAXPROCS=1
//
// [Resize] resizes with github.com/disintegration/imaging, whose Resize
// spreads rows over GOMAXPROCS goroutines. A "sequential" run that calls it
// uses every core for that part; kernelext runs its sequential strategy with
// GOMAXPROCS=1 so the baseline is one core, as the talk's was. [ResizeFast]
// resizes its small image on one goroutine, with the same filter and the same
// result as imaging. The decode (image/jpeg or jpegdc) is single-threaded
// either way.
package xray
