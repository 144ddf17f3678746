// Command failed reads `go test -json` on its standard input and prints
// the output of the tests that failed, and of the packages that failed
// without a failed test (a panic, a build error): .ci/run's second run
// of the tests writes JSON, where a failure would otherwise go unseen.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	type key struct{ pkg, test string }
	out := map[key][]string{}
	var failed []key
	failedTests := map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // a line go test did not write as JSON
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output":
			out[k] = append(out[k], e.Output)
		case "fail":
			if e.Test != "" {
				failedTests[e.Package] = true
				failed = append(failed, k)
			} else if !failedTests[e.Package] {
				failed = append(failed, k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "reading go test -json:", err)
		os.Exit(1)
	}
	for _, k := range failed {
		fmt.Printf("--- %s %s\n", k.pkg, k.test)
		for _, line := range out[k] {
			fmt.Print(line)
		}
	}
}
