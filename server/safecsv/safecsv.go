// Package safecsv writes CSV that a spreadsheet opens without running
// anything: a cell that would start a formula (CSV injection, for example
// =HYPERLINK(...) in an agency's name or a citizen's comment) is written as
// text, with a leading apostrophe that Excel and LibreOffice hide. Every CSV
// the project writes goes through it; a test in this package checks that.
package safecsv

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Writer is a csv.Writer whose every cell is passed through Cell.
type Writer struct{ w *csv.Writer }

// NewWriter writes safe CSV to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell made safe.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = Cell(s)
	}
	return w.w.Write(safe)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

// triggers start a formula or a DDE call in Excel, LibreOffice or Google
// Sheets; the full-width forms are read as formulas in East Asian locales.
const triggers = "=+-@\t\r\n＝＋－＠"

var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Cell returns s as a spreadsheet will show it but never evaluate it: text
// starting with = + - @ (or their full-width forms) or a tab or line break
// gets a leading apostrophe. Plain numbers such as -0.25 stay numbers.
func Cell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !strings.ContainsRune(triggers, r) || number.MatchString(s) {
		return s
	}
	return "'" + s
}

// Restore undoes Cell for a file read back in (an agency export imported
// again): the apostrophe Cell added is dropped.
func Restore(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && Cell(rest) == s {
		return rest
	}
	return s
}
