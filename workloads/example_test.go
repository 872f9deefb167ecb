package workloads_test

import (
	"context"
	"fmt"
	"time"

	"github.com/speedup-go/speedup/workloads"
)

func ExampleKitchen_MakeBreakfast() {
	k := workloads.Kitchen{Minute: 20 * time.Millisecond}
	// Steps never finish early, so whole minutes (rounded down) are exact.
	minutes := func(d time.Duration) int { return int(k.TalkMinutes(d)) }
	for _, async := range []bool{false, true} {
		b, err := k.MakeBreakfast(context.Background(), async)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("async %v: %d minutes\n", async, minutes(b.Total))
		for _, s := range b.Steps {
			fmt.Printf("  %-13s %d-%d\n", s.Name, minutes(s.Start), minutes(s.End))
		}
	}
	// Output:
	// async false: 9 minutes
	//   brew coffee   0-5
	//   toast slice 1 5-7
	//   toast slice 2 7-9
	// async true: 5 minutes
	//   brew coffee   0-5
	//   toast slice 1 0-2
	//   toast slice 2 2-4
}

func ExampleKitchen_ToastSlice() {
	k := workloads.Kitchen{Minute: time.Millisecond}
	for _, slice := range workloads.Slices(3) {
		toast, err := k.ToastSlice(context.Background(), slice)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("slice %d took at least %d minutes: %v\n", toast.Slice, workloads.ToastMinutes, toast.Minutes >= workloads.ToastMinutes)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := k.ToastSlice(ctx, 4)
	fmt.Println(err)
	// Output:
	// slice 1 took at least 2 minutes: true
	// slice 2 took at least 2 minutes: true
	// slice 3 took at least 2 minutes: true
	// toast slice 4: context canceled
}
