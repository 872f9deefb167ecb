// Package workloads holds the talk's jobs as plain Go functions: a toaster that
// sleeps, a toaster that burns CPU, a prime counter and a breakfast made one step
// after the other or with steps overlapping. Workloads know nothing of pools,
// timing or charts; package kernelext runs them sequentially, on goroutines and in
// worker processes, and measures them.
//
// Every task has the shape func(ctx context.Context, in In) (Out, error) with
// plain, gob-encodable In and Out, so it can run in another process. A task
// returns promptly when ctx is cancelled, with ctx's error wrapped (errors.Is
// sees context.Canceled or context.DeadlineExceeded) and a message naming the
// input it was working on.
//
// Slide by slide:
//
//   - "Sequential vs parallel processing" (100 slices of bread, 2 minutes each;
//     one toaster takes 200 minutes, four take 50): [Kitchen.ToastSlice] over
//     [Slices](100). The toaster waits rather than works, like the talk's network
//     I/O case, so it speeds up with more workers, not more cores.
//   - "Multithreading vs multiprocessing", "Data processing tends to be more
//     compute-intensive": [BurnToast], the same 100 slices as fixed CPU work
//     (about 2 minutes each at [DefaultMinute] on the machine it was tuned on),
//     whose speedup stops at the number of cores.
//   - "Overhead in parallelism": [CountPrimes], CPU work whose size is its input,
//     to shrink tasks until scheduling and process overhead dominate.
//   - "Synchronous vs asynchronous execution" (the Singaporean breakfast: brew
//     coffee 5 minutes, toast 2 slices 4 minutes; 9 minutes synchronously, 5
//     asynchronously): [Kitchen.MakeBreakfast].
//
// Time is scaled: one of the talk's minutes lasts [Kitchen.Minute]
// ([DefaultMinute], 10 ms, in the zero Kitchen), so the talk's 200-minute toast
// takes 2 s on one toaster. [Kitchen.TalkMinutes] turns a measured duration back
// into the talk's minutes and [Kitchen.Duration] goes the other way.
package workloads
