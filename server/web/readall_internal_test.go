package web

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll must return exactly the body whatever size was announced (a
// chunked body announces none) and however the reader splits it.
func TestReadAllReturnsTheWholeBody(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 900, 4096, 70_000} {
		body := strings.Repeat("x", size) + "é"
		for _, announced := range []int64{-1, 0, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 7, 1 << 30} {
			for name, r := range map[string]io.Reader{
				"whole":    strings.NewReader(body),
				"one byte": iotest.OneByteReader(strings.NewReader(body)),
				"half":     iotest.HalfReader(strings.NewReader(body)),
			} {
				got, err := readAll(r, announced, 64<<10)
				if err != nil || !bytes.Equal(got, []byte(body)) {
					t.Fatalf("size %d announced %d %s: %d bytes, %v", size, announced, name, len(got), err)
				}
			}
		}
	}
	if _, err := readAll(iotest.ErrReader(io.ErrUnexpectedEOF), 10, 100); err != io.ErrUnexpectedEOF {
		t.Errorf("a failing reader gave %v", err)
	}
}
