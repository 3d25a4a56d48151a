package web

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/sipas-vn/sipas/server/survey"
)

// formNA is the value of the "Không trả lời / Không áp dụng" radio. It is
// stored as JSON null; a question left untouched is simply absent. Both mean
// NA to the formulas, but only an explicit NA is shown checked again.
const formNA = "na"

// formRead merges one page's posted answers into a copy of answers. A
// question posted without a value was left untouched, and any earlier answer
// to it is dropped. Values are passed on as typed, even a forged one, so that
// the questionnaire's own validation names the problem.
func formRead(form url.Values, st formStep, answers map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(answers)+4)
	for k, v := range answers {
		out[k] = v
	}
	for _, q := range st.questions() {
		delete(out, q.Code)
		if !formShown(q, out) {
			continue
		}
		switch q.Kind {
		case survey.KindMulti:
			var picked []string
			for _, v := range form[q.Code] {
				if v != "" {
					picked = append(picked, v)
				}
			}
			if len(picked) > 0 {
				out[q.Code], _ = json.Marshal(picked)
			}
		default:
			v := strings.TrimSpace(form.Get(q.Code))
			switch {
			case v == "":
			case v == formNA && q.Kind != survey.KindText:
				out[q.Code] = json.RawMessage("null")
			case q.Kind == survey.KindScale:
				if n, err := strconv.Atoi(v); err == nil {
					out[q.Code] = json.RawMessage(strconv.Itoa(n))
				} else {
					out[q.Code], _ = json.Marshal(v) // a string: reported as the wrong type
				}
			default:
				out[q.Code], _ = json.Marshal(v)
			}
		}
	}
	return out
}

// formComment normalises a posted comment: no NUL or bidirectional
// controls (survey.CleanText), and browsers send line breaks as CRLF, which
// would count twice against the length limit.
func formComment(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(survey.CleanText(s), "\r\n", "\n"))
}

// formValidate checks what a page added, with nothing required: the same
// rules Submit applies later, so a problem shows on the page that caused it.
func formValidate(d *survey.Definition, answers map[string]json.RawMessage, comment string) *survey.Error {
	if len(answers) == 0 {
		if comment == "" {
			return nil
		}
		answers = formWithNA(d, answers)
	}
	var de *survey.Error
	if err := d.ValidateAnswers(survey.NewAnswers(answers), comment, true); errors.As(err, &de) {
		return de
	} else if err != nil {
		return &survey.Error{Code: survey.CodeInternal, Message: "error.internal", Err: err}
	}
	return nil
}

// formWithNA records every scored item not answered as NA. A response that
// is only a comment still needs an answer set: the citizen saw every item
// and left it, which is what NA means.
func formWithNA(d *survey.Definition, answers map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(answers))
	for k, v := range answers {
		out[k] = v
	}
	for _, q := range d.Items() {
		if _, ok := out[q.Code]; !ok {
			out[q.Code] = json.RawMessage("null")
		}
	}
	return out
}

// formValueOf returns an answer as the string a form control carries: the
// scale value or option code, "na" for an explicit NA, "" when untouched.
func formValueOf(v json.RawMessage, ok bool) string {
	if !ok {
		return ""
	}
	if string(v) == "null" {
		return formNA
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// formValuesOf returns the codes of a multi-choice answer.
func formValuesOf(v json.RawMessage) []string {
	var list []string
	_ = json.Unmarshal(v, &list) // anything else simply shows nothing checked
	return list
}
