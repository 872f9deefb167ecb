package workloads_test

import (
	"context"
	"fmt"
	"time"

	"github.com/speedup-go/speedup/workloads"
)

func ExampleKitchen_MakeBreakfast() {
	k := workloads.Kitchen{Minute: 20 * time.Millisecond}
	for _, async := range []bool{false, true} {
		b, err := k.MakeBreakfast(context.Background(), async)
		if err != nil {
			fmt.Println(err)
			return
		}
		// Steps never finish early; on a busy machine they may finish late, so say what
		// holds whatever the machine does.
		brew, toast := b.Steps[0], b.Steps[2]
		fmt.Printf("%s: at least %d minutes: %v; toasted while the coffee brewed: %v\n",
			b.Name, map[bool]int{false: 9, true: 5}[async], k.TalkMinutes(b.Total) >= map[bool]float64{false: 9, true: 5}[async],
			toast.Start < brew.End)
	}
	// Output:
	// synchronous: at least 9 minutes: true; toasted while the coffee brewed: false
	// asynchronous: at least 5 minutes: true; toasted while the coffee brewed: true
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
