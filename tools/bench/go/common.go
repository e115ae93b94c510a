// What every Go benchmark program shares (built together with one workload
// file: go build -o X common.go WORKLOAD.go).  Output, as in bench.h:
//
//	bench: METRIC VALUE UNIT lower|higher
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "bench: error: "+format+"\n", args...)
	os.Exit(2)
}

// arg returns os.Args[i] as a positive count, or dflt when absent.
func arg(i int, dflt int64) int64 {
	if i >= len(os.Args) {
		return dflt
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		die("argument %d: '%s' is not a positive count", i, os.Args[i])
	}
	return v
}

func report(metric string, value float64, unit, better string) {
	fmt.Printf("bench: %s %.3f %s %s\n", metric, value, unit, better)
}

func nsSince(t0 time.Time) float64 {
	return float64(time.Since(t0).Nanoseconds())
}

// maxrssKB is the peak resident set so far, in KiB (the kernel's accounting).
func maxrssKB() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss
}

// burn is the unit of CPU-bound work, the same recurrence as bench_burn.
func burn(x uint64) uint64 {
	for i := 0; i < 10000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func fibExpected(n int64) int64 {
	a, b := int64(0), int64(1)
	for i := int64(0); i < n; i++ {
		a, b = b, a+b
	}
	return a
}
