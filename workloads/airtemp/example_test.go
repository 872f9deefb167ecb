package airtemp_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/speedup-go/speedup/workloads/airtemp"
)

func ExampleClient_Fetch() {
	// A local stand-in for data.gov.sg whose first answer for every day is
	// 503 Service Unavailable.
	srv, err := airtemp.Start(airtemp.ServerConfig{FailFirst: 1, Latency: 5 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	// The talk's client at a hundredth of its pace: backoff from 10 ms up to
	// 100 ms, a 10 ms pause after each day.
	c := &airtemp.Client{
		BaseURL:         srv.URL(),
		InitialInterval: 10 * time.Millisecond,
		MaxInterval:     100 * time.Millisecond,
		Pause:           10 * time.Millisecond,
	}
	for _, date := range airtemp.Dates("", 3) {
		day, err := c.Fetch(context.Background(), date)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %d readings from %d stations, %.1f–%.1f °C, mean %.2f; %d attempts (%s)\n",
			day.Date, day.Readings, day.Stations, day.Min, day.Max, day.Mean, day.Attempts, strings.Join(day.Retries, "; "))
	}
	_, err = c.Fetch(context.Background(), "2020-13-01")
	fmt.Println(err)
	fmt.Println(srv.Stats().Faults)
	// Output:
	// 2020-01-01: 2304 readings from 16 stations, 24.0–29.2 °C, mean 26.62; 2 attempts (attempt 1: HTTP 503 Service Unavailable: injected fault)
	// 2020-01-02: 2304 readings from 16 stations, 24.0–29.3 °C, mean 26.59; 2 attempts (attempt 1: HTTP 503 Service Unavailable: injected fault)
	// 2020-01-03: 2304 readings from 16 stations, 24.0–29.7 °C, mean 26.69; 2 attempts (attempt 1: HTTP 503 Service Unavailable: injected fault)
	// airtemp: invalid date "2020-13-01": month out of range (want YYYY-MM-DD)
	// map[503:3]
}
