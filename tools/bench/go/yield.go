// Yield ping-pong, Go: two goroutines call runtime.Gosched() in a loop.
package main

import (
	"runtime"
	"sync"
	"time"
)

func main() {
	rounds := arg(1, 1000000)
	var wg sync.WaitGroup
	t0 := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(0); i < rounds; i++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	report("yield", nsSince(t0)/(2*float64(rounds)), "ns", "lower")
}
