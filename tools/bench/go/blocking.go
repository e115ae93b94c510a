// Blocking interference, Go: CPU-bound goroutines count units of work in
// windows, alone and (alternating) while other goroutines sit in a raw
// blocking read (syscall.Read, not the netpoller) on a pipe written after each window.
package main

import (
	"runtime"
	"sync"
	"syscall"
	"time"
)

var sink uint64

func phase(ncpu, nblocked int, window time.Duration, fds [2]int) float64 {
	deadline := time.Now().Add(window)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := int64(0)
	go func() {
		time.Sleep(time.Until(deadline.Add(window / 10)))
		for i := 0; i < nblocked; i++ {
			syscall.Write(fds[1], []byte{'x'})
		}
	}()
	for i := 0; i < nblocked; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1)
			if n, err := syscall.Read(fds[0], buf); n != 1 {
				die("read: %v", err)
			}
		}()
	}
	for i := 0; i < ncpu; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			done := int64(0)
			x := seed
			for time.Now().Before(deadline) {
				x = burn(x)
				done++
				runtime.Gosched()
			}
			mu.Lock()
			total += done
			sink += x
			mu.Unlock()
		}(uint64(i))
	}
	wg.Wait()
	return float64(total) / window.Seconds()
}

func main() {
	ncpu := int(arg(1, 2))
	nblocked := int(arg(2, 2))
	window := time.Duration(arg(3, 300)) * time.Millisecond
	pairs := arg(4, 3)
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		die("pipe: %v", err)
	}
	alone, beside := 0.0, 0.0
	// Alternating windows, so that the load of the machine falls on both.
	for i := int64(0); i < pairs; i++ {
		alone += phase(ncpu, 0, window, fds) / float64(pairs)
		beside += phase(ncpu, nblocked, window, fds) / float64(pairs)
	}
	report("work_alone", alone, "units/s", "higher")
	report("work_beside_blocked", beside, "units/s", "higher")
	report("retained", 100*beside/alone, "%", "higher")
}
