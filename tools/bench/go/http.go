// HTTP server, Go: net/http as Go programmers use it (a goroutine per
// connection, the netpoller underneath).  Started by tools/bench/http-load,
// which drives it with wrk and stops it.
package main

import (
	"fmt"
	"net/http"
)

func main() {
	port := arg(1, 8080)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, world\n"))
	})
	err := http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", port), nil)
	die("%v", err)
}
