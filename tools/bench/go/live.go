// Live threads, Go: N goroutines created and left sleeping on one event (a
// channel closed to wake them, Go's idiom); reports the time to have them all
// asleep and the memory each costs, then wakes and joins them.
package main

import (
	"sync"
	"time"
)

func main() {
	n := arg(1, 100000)
	event := make(chan struct{})
	var asleep, done sync.WaitGroup
	rss0 := maxrssKB()
	t0 := time.Now()
	asleep.Add(int(n))
	done.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func() {
			asleep.Done()
			<-event
			done.Done()
		}()
	}
	asleep.Wait()
	elapsed := nsSince(t0)
	rss1 := maxrssKB()
	close(event)
	done.Wait()
	report("create_live", elapsed/float64(n), "ns", "lower")
	report("mem_per_thread", float64(rss1-rss0)*1024/float64(n), "B", "lower")
}
