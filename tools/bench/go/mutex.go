// Mutex handoff, Go: two goroutines take one sync.Mutex in turn, each holding
// it across a yield so that the other finds it taken and must wait for it.
package main

import (
	"runtime"
	"sync"
	"time"
)

func main() {
	rounds := arg(1, 200000)
	var lock sync.Mutex
	var wg sync.WaitGroup
	shared := int64(0)
	t0 := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(0); i < rounds; i++ {
				lock.Lock()
				shared++
				runtime.Gosched()
				lock.Unlock()
			}
		}()
	}
	wg.Wait()
	if shared != 2*rounds {
		die("lost updates: %d of %d", shared, 2*rounds)
	}
	report("mutex_handoff", nsSince(t0)/(2*float64(rounds)), "ns", "lower")
}
