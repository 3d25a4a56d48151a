package survey

import (
	"errors"
	"fmt"
)

// Code classifies an error for the web layer, which maps it to a status once.
type Code string

// Error codes. The web layer maps each to an HTTP status.
const (
	CodeInvalid         Code = "invalid"                // 422: input does not fit the rules
	CodeMalformed       Code = "malformed"              // 400: cannot be read at all
	CodeNotFound        Code = "not_found"              // 404
	CodeConflict        Code = "conflict"               // 409
	CodeUnauthorized    Code = "unauthorized"           // 401
	CodeForbidden       Code = "forbidden"              // 403
	CodeTooLarge        Code = "too_large"              // 413
	CodeUnsupportedType Code = "unsupported_media_type" // 415: a body of another media type than the route reads
	CodeRateLimited     Code = "rate_limited"           // 429
	CodeUnavailable     Code = "unavailable"            // 503
	CodeInternal        Code = "internal"               // 500
)

// Error is a domain error: a code for the status, a message ID for the
// translated text people see, template data for that message, and an
// optional field it concerns. The wrapped Err is for logs only.
type Error struct {
	Code    Code
	Message string         // go-i18n message ID, e.g. "error.answer.off_scale"
	Data    map[string]any // template data for the message
	Field   string         // e.g. "answers.CC2"
	Err     error          // internal cause; never shown to people
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a domain error with a code and message ID.
func Errorf(code Code, message string, data map[string]any) *Error {
	return &Error{Code: code, Message: message, Data: data}
}

// FieldError makes a 422 error about one field.
func FieldError(field, message string, data map[string]any) *Error {
	return &Error{Code: CodeInvalid, Message: message, Data: data, Field: field}
}

// ErrNotFound is returned by stores when a row does not exist.
var ErrNotFound = &Error{Code: CodeNotFound, Message: "error.not_found"}

// ErrorCode returns the code of err, CodeInternal when it carries none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Wrap adds context to an internal error while keeping any domain code.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
