// Mutex relay, Go: two goroutines hand three sync.Mutexes of a ring to each
// other, each taking the next and letting go of the one it held, so that
// every step is a handoff from the other goroutine (tools/bench/tmm/relay.c).
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	steps := arg(1, 100000)
	var ring [3]sync.Mutex
	var wg sync.WaitGroup
	var ready int32
	var done [2]int64
	t0 := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(me int) {
			defer wg.Done()
			held := me
			ring[held].Lock()
			atomic.AddInt32(&ready, 1)
			for atomic.LoadInt32(&ready) < 2 {
				runtime.Gosched()
			}
			for i := int64(0); i < steps; i++ {
				next := (held + 1) % 3
				ring[next].Lock()
				ring[held].Unlock()
				held = next
				done[me]++
			}
			ring[held].Unlock()
		}(g)
	}
	wg.Wait()
	if done[0]+done[1] != 2*steps {
		die("lost steps: %d of %d", done[0]+done[1], 2*steps)
	}
	report("mutex_relay", nsSince(t0)/(2*float64(steps)), "ns", "lower")
}
