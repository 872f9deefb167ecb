// Package python runs the talk's own Python on the same inputs, for comparison: the
// image-processing case of "Speed Up Your Data Processing" (EuroPython 2020), where
// each chest X-ray is opened with Pillow, resized to 64x64 and gathered into one
// NumPy array by a list comprehension, by map and by a ProcessPoolExecutor, and the
// network case, where requests on a ThreadPoolExecutor fetch a day of air
// temperatures per request (see "The network case" below).
//
// The Python is [Script], talk_image_resize.py, embedded in this package so that a
// notebook's compiled cell can run it wherever the cell's binary ends up; [Run] writes
// it to a temporary folder, hands it exactly the Go side's list of files and parses its
// JSON report into a [Result]:
//
//	py, err := python.Find()               // $SPEEDUP_PYTHON, the project's .venv, or python3
//	res, err := python.Run(ctx, py, paths, python.Options{Repeat: 3, Warmup: 1})
//	fmt.Println(res.Methods["pool"].MedianWall(), res.ImagesPerSecond("pool"))
//	res.WriteTable(os.Stdout)
//
// [RunProfile] runs the script's --profile mode instead: the mean time per image
// spent opening, decoding, converting and resizing, to show where the time goes in
// Python too (on these machines, decoding).
//
// # What is measured
//
// For every timed run the script records wall time (time.perf_counter) and CPU time:
// the process's own user+sys (what the talk's time.clock() measured, which left out
// the pool's workers), its children's user+sys (the pool's workers, counted once the
// pool has been shut down) and their sum. The ProcessPoolExecutor is created inside the
// timed section, as the talk's with block was, with the platform's default start
// method (fork on Linux up to Python 3.13, forkserver from 3.14, spawn on macOS),
// which the report names. Every image is converted to grayscale before the resize, as
// on the Go side; a file that cannot be decoded is listed in [Result.Errors] and
// skipped (the talk's script would have stopped). The resize filter is Pillow's
// default (BICUBIC since Pillow 7.0; NEAREST before) unless [Options.Filter] says
// otherwise, and [Options.Draft] decodes JPEGs at reduced scale first (libjpeg's DCT
// scaling, through Pillow's Image.draft).
//
// # Processes
//
// The script runs in a process group of its own. When ctx is cancelled, [Run] kills
// the whole group (the Python process and its pool's workers) and returns promptly;
// after a normal exit it kills whatever of the group is left, so nothing keeps
// running. If the Go program itself dies, the script notices that its parent has
// changed within a quarter of a second and kills its own group.
//
// # The network case
//
// [RunAirTemp] runs talk_air_temperature.py ([AirTempScript]): the talk's requests +
// ThreadPoolExecutor client, submit + as_completed, with its retry and backoff, against
// an air-temperature API given by its address, such as a local airtemp.Server on
// 127.0.0.1 (it ignores proxy settings, so it runs offline). It needs only requests
// ([FindAirTemp] finds a Python that has it), times each run's wall time and the
// process's CPU time, and sums every day up as airtemp.DayResult does, so that the
// two clients' numbers can be compared exactly:
//
//	py, err := python.FindAirTemp()
//	res, err := python.RunAirTemp(ctx, py, srv.URL(), python.AirTempOptions{Days: 100, Workers: 40})
//	fmt.Println(res.MedianWall(), res.CPUPerRequest())
//
// The scripts live beside this package's Go files (python/ at the top of the repository), so
// they can also be run by hand: python3 python/talk_image_resize.py --help.
package python
