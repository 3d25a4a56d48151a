package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is an output the flushing goroutine and the test may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogLinesReachTheOutput: batched lines are written within a moment
// without a Close, whole and in order, and Close writes the rest.
func TestLogLinesReachTheOutput(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out)
	lw.Write([]byte("one\n"))
	lw.Write([]byte("two\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one\ntwo\n" {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the output holds %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	lw.Write([]byte("three\n"))
	lw.Close()
	if got := out.String(); !strings.HasSuffix(got, "three\n") {
		t.Errorf("after Close the output holds %q", got)
	}
}
