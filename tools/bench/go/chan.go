// Channel ping-pong, Go: two unbuffered channels, one each way.
package main

import "time"

func main() {
	rounds := arg(1, 100000)
	ping, pong := make(chan int64), make(chan int64)
	t0 := time.Now()
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := int64(0)
	for i := int64(0); i < rounds; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	if v != rounds {
		die("got %d replies, expected %d", v, rounds)
	}
	report("chan_pingpong", nsSince(t0)/(2*float64(rounds)), "ns", "lower")
}
