package sqlite

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// JSONB element types (https://sqlite.org/jsonb.html).
const (
	jsonbNull   = 0
	jsonbTrue   = 1
	jsonbFalse  = 2
	jsonbInt    = 3
	jsonbFloat  = 5
	jsonbText   = 7
	jsonbTextJ  = 8
	jsonbArray  = 11
	jsonbObject = 12
)

// jsonbOf converts JSON text to SQLite's binary JSON, the form the answers
// are stored in, so that SQLite need not parse the text of every response
// it stores (jsonb(?) was a thirtieth of a submission, decision 14). The
// bytes are those SQLite's own jsonb() makes of the same text (tested). It
// is a small scanner of its own: a general JSON tokenizer cost as much as
// SQLite's parse it replaces.
func jsonbOf(text []byte) ([]byte, error) {
	c := jsonbConv{in: text, out: make([]byte, 0, len(text))}
	c.space()
	if err := c.value(); err != nil {
		return nil, err
	}
	if c.space(); c.i != len(c.in) {
		return nil, c.fail("data after the value")
	}
	return c.out, nil
}

type jsonbConv struct {
	in  []byte
	i   int
	out []byte
}

func (c *jsonbConv) fail(what string) error { return fmt.Errorf("jsonb: %s at byte %d", what, c.i) }

func (c *jsonbConv) space() {
	for c.i < len(c.in) && (c.in[c.i] == ' ' || c.in[c.i] == '\t' || c.in[c.i] == '\n' || c.in[c.i] == '\r') {
		c.i++
	}
}

// value converts the value at c.i.
func (c *jsonbConv) value() error {
	if c.i >= len(c.in) {
		return c.fail("unexpected end")
	}
	switch ch := c.in[c.i]; {
	case ch == '{' || ch == '[':
		return c.container(ch)
	case ch == '"':
		return c.str()
	case ch == '-' || '0' <= ch && ch <= '9':
		return c.number()
	}
	for _, lit := range [...]struct {
		text string
		typ  byte
	}{{"null", jsonbNull}, {"true", jsonbTrue}, {"false", jsonbFalse}} {
		if bytes.HasPrefix(c.in[c.i:], []byte(lit.text)) {
			c.i += len(lit.text)
			c.out = jsonbHeader(c.out, lit.typ, 0)
			return nil
		}
	}
	return c.fail("not a value")
}

// container converts an object or array. The header holds the payload's
// size: the payload is written after room for the largest header, then
// moved down to follow the header that fits.
func (c *jsonbConv) container(open byte) error {
	typ, end := byte(jsonbArray), byte(']')
	if open == '{' {
		typ, end = jsonbObject, '}'
	}
	c.i++
	at := len(c.out)
	c.out = append(c.out, make([]byte, 9)...)
	for n := 0; ; n++ {
		c.space()
		if c.i < len(c.in) && c.in[c.i] == end {
			c.i++
			break
		}
		if n > 0 {
			if c.i >= len(c.in) || c.in[c.i] != ',' {
				return c.fail("want , or " + string(end))
			}
			c.i++
			c.space()
		}
		if open == '{' {
			if c.i >= len(c.in) || c.in[c.i] != '"' {
				return c.fail("want a name")
			}
			if err := c.str(); err != nil {
				return err
			}
			if c.space(); c.i >= len(c.in) || c.in[c.i] != ':' {
				return c.fail("want :")
			}
			c.i++
			c.space()
		}
		if err := c.value(); err != nil {
			return err
		}
	}
	payload := len(c.out) - at - 9
	var h [9]byte
	hn := jsonbHeader(h[:0], typ, payload)
	copy(c.out[at+len(hn):], c.out[at+9:])
	copy(c.out[at:], hn)
	c.out = c.out[:at+len(hn)+payload]
	return nil
}

// str converts the string at c.i: TEXT, or TEXTJ with its escapes as
// written when it has any.
func (c *jsonbConv) str() error {
	start, typ := c.i+1, byte(jsonbText)
	for c.i = start; c.i < len(c.in); c.i++ {
		switch ch := c.in[c.i]; {
		case ch == '"':
			c.out = append(jsonbHeader(c.out, typ, c.i-start), c.in[start:c.i]...)
			c.i++
			return nil
		case ch == '\\':
			typ = jsonbTextJ
			c.i++
			if c.i >= len(c.in) || bytes.IndexByte([]byte(`"\\/bfnrtu`), c.in[c.i]) < 0 {
				return c.fail("bad escape")
			}
		case ch < 0x20:
			return c.fail("control character in a string")
		}
	}
	return c.fail("unterminated string")
}

// number converts the number at c.i: INT, or FLOAT with a fraction or an
// exponent, its text as written (JSON's grammar, checked).
func (c *jsonbConv) number() error {
	start, typ := c.i, byte(jsonbInt)
	digits := func() int {
		n := 0
		for c.i < len(c.in) && '0' <= c.in[c.i] && c.in[c.i] <= '9' {
			c.i++
			n++
		}
		return n
	}
	if c.in[c.i] == '-' {
		c.i++
	}
	if c.i < len(c.in) && c.in[c.i] == '0' {
		c.i++
	} else if digits() == 0 {
		return c.fail("bad number")
	}
	if c.i < len(c.in) && c.in[c.i] == '.' {
		typ = jsonbFloat
		c.i++
		if digits() == 0 {
			return c.fail("bad number")
		}
	}
	if c.i < len(c.in) && (c.in[c.i] == 'e' || c.in[c.i] == 'E') {
		typ = jsonbFloat
		c.i++
		if c.i < len(c.in) && (c.in[c.i] == '+' || c.in[c.i] == '-') {
			c.i++
		}
		if digits() == 0 {
			return c.fail("bad number")
		}
	}
	c.out = append(jsonbHeader(c.out, typ, c.i-start), c.in[start:c.i]...)
	return nil
}

// jsonbHeader appends an element header: the type in the low nibble, the
// payload size in the high one, or in 1, 2, 4 or 8 bytes after it.
func jsonbHeader(b []byte, typ byte, size int) []byte {
	switch {
	case size <= 11:
		return append(b, byte(size)<<4|typ)
	case size <= 0xff:
		return append(b, 12<<4|typ, byte(size))
	case size <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 13<<4|typ), uint16(size))
	case size <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, 14<<4|typ), uint32(size))
	}
	return binary.BigEndian.AppendUint64(append(b, 15<<4|typ), uint64(size))
}
