// Fork-join tree, Go: fib(n), a goroutine spawned for fib(n-1) at every call,
// on GOMAXPROCS kernel threads (set by the driver).
package main

import "time"

func fib(n int64) int64 {
	if n < 2 {
		return n
	}
	left := make(chan int64, 1)
	go func() { left <- fib(n - 1) }()
	right := fib(n - 2)
	return <-left + right
}

func main() {
	n := arg(1, 20)
	t0 := time.Now()
	got := fib(n)
	ms := nsSince(t0) / 1e6
	if got != fibExpected(n) {
		die("fib(%d) = %d, expected %d", n, got, fibExpected(n))
	}
	report("forkjoin", ms, "ms", "lower")
}
