package survey

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// DefaultCommentMax is the length limit of free text when a definition sets none.
const DefaultCommentMax = 1000

// isNullJSON reports whether a raw value is JSON null (or empty).
func isNullJSON(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || string(v) == "null"
}

// ScaleValue returns the integer answer to a scale question and whether it is
// a real answer (false for NA or anything that is not an integer).
func ScaleValue(v json.RawMessage) (int, bool) {
	if len(v) == 1 && '0' <= v[0] && v[0] <= '9' { // nearly every answer: counted millions of times
		return int(v[0] - '0'), true
	}
	if isNullJSON(v) {
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	return n, err == nil
}

// ValidateAnswers checks answers and comment against the definition and
// returns the first problem as a 422 error naming the field. Nothing is
// required of a partial response (the citizen stopped early; each item stands
// alone in the formula).
func (d *Definition) ValidateAnswers(answers Answers, comment string, partial bool) error {
	if len(answers) == 0 {
		return FieldError("answers", "error.answer.empty", nil)
	}
	// In code order, so that a given body always gets the same error.
	for _, a := range answers {
		if err := d.answerError(answers, a.Code, a.Value); err != nil {
			return err
		}
	}
	if !partial {
		d.buildIndex()
		for _, q := range d.questions {
			if q.Required && isNullJSON(answers.Value(q.Code)) && (q.ShowIf == nil || q.ShowIf.Met(answers)) {
				return FieldError("answers."+q.Code, "error.answer.required", map[string]any{"Code": q.Code})
			}
		}
	}
	return d.validateComment(comment)
}

// answerError is what is wrong with one answer, or nil.
func (d *Definition) answerError(answers Answers, code string, v json.RawMessage) error {
	q := d.Question(code)
	if q == nil {
		return FieldError("answers."+code, "error.answer.unknown_item", map[string]any{"Code": code})
	}
	if isNullJSON(v) {
		return nil
	}
	if err := q.validateValue(v); err != nil {
		return err
	}
	if q.ShowIf != nil && !q.ShowIf.Met(answers) {
		return FieldError("answers."+code, "error.answer.not_shown", map[string]any{"Code": code})
	}
	return nil
}

func (d *Definition) validateComment(comment string) error {
	if comment == "" {
		return nil
	}
	max := DefaultCommentMax
	if d.Comment != nil && d.Comment.MaxLength > 0 {
		max = d.Comment.MaxLength
	}
	if !utf8.ValidString(comment) {
		return FieldError("comment", "error.malformed", nil)
	}
	if d.Comment == nil {
		return FieldError("comment", "error.comment.not_offered", nil)
	}
	if utf8.RuneCountInString(comment) > max {
		return FieldError("comment", "error.comment.too_long", map[string]any{"Max": max})
	}
	return nil
}

// validateValue checks one non-null answer against its question's kind.
func (q *Question) validateValue(v json.RawMessage) error {
	// Errors are built only when there is one: this runs for every answer
	// of every submission (decision 14).
	field := func() string { return "answers." + q.Code }
	wrongType := func() error { return FieldError(field(), "error.answer.wrong_type", map[string]any{"Code": q.Code}) }
	switch q.Kind {
	case KindScale:
		n, ok := ScaleValue(v)
		if !ok {
			return wrongType()
		}
		if q.Scale == nil || !q.Scale.Has(n) {
			return FieldError(field(), "error.answer.off_scale", map[string]any{"Code": q.Code, "Value": n})
		}
	case KindSingle, KindProfile:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return wrongType()
		}
		if !q.hasOption(s) {
			return FieldError(field(), "error.answer.unknown_option", map[string]any{"Code": q.Code, "Option": s})
		}
	case KindMulti:
		var list []string
		if json.Unmarshal(v, &list) != nil {
			return wrongType()
		}
		seen := map[string]bool{}
		for _, s := range list {
			if !q.hasOption(s) || seen[s] {
				return FieldError(field(), "error.answer.unknown_option", map[string]any{"Code": q.Code, "Option": s})
			}
			seen[s] = true
		}
	case KindText:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return wrongType()
		}
		max := q.MaxLength
		if max == 0 {
			max = DefaultCommentMax
		}
		if utf8.RuneCountInString(s) > max {
			return FieldError(field(), "error.comment.too_long", map[string]any{"Max": max})
		}
	default:
		return wrongType()
	}
	return nil
}

// Has reports whether n is one of the scale's values.
func (s *Scale) Has(n int) bool {
	for _, o := range s.Options {
		if o.Value == n {
			return true
		}
	}
	return false
}

func (q *Question) hasOption(code string) bool {
	for _, o := range q.Options {
		if o.Code == code {
			return true
		}
	}
	return false
}

// Met reports whether the answers satisfy a show_if condition: the earlier
// question got one of the listed values (scale) or codes (choices).
func (c *Condition) Met(answers Answers) bool { return c.MetBy(answers.Value(c.Question)) }

// MetBy reports whether v, the answer to the condition's question, meets it.
func (c *Condition) MetBy(v json.RawMessage) bool {
	if isNullJSON(v) {
		return false
	}
	if n, ok := ScaleValue(v); ok {
		return slices.Contains(c.Values, n)
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return slices.Contains(c.Codes, s)
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		for _, x := range list {
			if slices.Contains(c.Codes, x) {
				return true
			}
		}
	}
	return false
}
