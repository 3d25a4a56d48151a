package web

import (
	"bytes"
	"io"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
