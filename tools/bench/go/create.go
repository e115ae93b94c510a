// Create+join of an empty goroutine, Go: go func, joined with a WaitGroup.
package main

import (
	"sync"
	"time"
)

func main() {
	n := arg(1, 100000)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := int64(0); i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
	report("create_join", nsSince(t0)/float64(n), "ns", "lower")
}
