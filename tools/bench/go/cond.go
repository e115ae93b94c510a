// Condition-variable ping-pong, Go: a turn passed back and forth (sync.Cond).
package main

import (
	"sync"
	"time"
)

func main() {
	rounds := arg(1, 100000)
	var lock sync.Mutex
	changed := sync.NewCond(&lock)
	turn := 0
	var wg sync.WaitGroup
	t0 := time.Now()
	for me := 0; me < 2; me++ {
		wg.Add(1)
		go func(me int) {
			defer wg.Done()
			for i := int64(0); i < rounds; i++ {
				lock.Lock()
				for turn != me {
					changed.Wait()
				}
				turn = 1 - me
				changed.Signal()
				lock.Unlock()
			}
		}(me)
	}
	wg.Wait()
	report("cond_pingpong", nsSince(t0)/(2*float64(rounds)), "ns", "lower")
}
