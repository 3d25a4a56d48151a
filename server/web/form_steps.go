package web

import (
	"encoding/json"

	"github.com/sipas-vn/sipas/server/survey"
)

// formStepKind says what one page of the phone form holds.
type formStepKind int

const (
	stepStart    formStepKind = iota // title, honest time estimate, "Bắt đầu"
	stepElement                      // one element's scored items ("Phần 2/5: Thủ tục hành chính")
	stepPart                         // one optional unscored part
	stepComment                      // "Ý kiến khác"
	stepFollowup                     // quick rating: what went wrong and a comment, only after answers 1–3
)

// formStep is one page of the phone form.
type formStep struct {
	kind    formStepKind
	element *survey.Element
	parts   []*survey.Part // one part, or every part on the quick rating's follow-up page
	number  int            // 1-based among the steps of its kind
	of      int            // how many steps of its kind
}

// formSteps lays a questionnaire out as pages (UX.md §2). The quick rating is
// its question, then a follow-up page only when it applies; a full
// questionnaire is a start page, one page per element, one per optional part,
// then "Ý kiến khác".
func formSteps(d *survey.Definition) []formStep {
	var steps []formStep
	quick := d.Method == survey.MethodQuick
	if !quick {
		steps = append(steps, formStep{kind: stepStart})
	}
	var elements []*survey.Element
	for _, a := range d.Aspects {
		elements = append(elements, a.Elements...)
	}
	for i, e := range elements {
		steps = append(steps, formStep{kind: stepElement, element: e, number: i + 1, of: len(elements)})
	}
	if quick {
		if len(d.Parts) > 0 || d.Comment != nil {
			steps = append(steps, formStep{kind: stepFollowup, parts: d.Parts})
		}
		return steps
	}
	for i, p := range d.Parts {
		steps = append(steps, formStep{kind: stepPart, parts: []*survey.Part{p}, number: i + 1, of: len(d.Parts)})
	}
	if d.Comment != nil {
		steps = append(steps, formStep{kind: stepComment})
	}
	return steps
}

// questions returns every question the step can show, visible or not.
func (st formStep) questions() []*survey.Question {
	if st.element != nil {
		return st.element.Items
	}
	var out []*survey.Question
	for _, p := range st.parts {
		out = append(out, p.Questions...)
	}
	return out
}

// hasComment reports whether the step holds the "Ý kiến khác" field.
func (st formStep) hasComment(d *survey.Definition) bool {
	return d.Comment != nil && (st.kind == stepComment || st.kind == stepFollowup)
}

// visibleQuestions returns the step's questions whose show_if is met.
func (st formStep) visibleQuestions(answers map[string]json.RawMessage) []*survey.Question {
	var out []*survey.Question
	for _, q := range st.questions() {
		if formShown(q, answers) {
			out = append(out, q)
		}
	}
	return out
}

// visible reports whether the step is shown at all: the follow-up page only
// when one of its questions applies, so answers 4, 5 or NA go straight to
// the thank-you page.
func (st formStep) visible(answers map[string]json.RawMessage) bool {
	switch st.kind {
	case stepStart, stepComment:
		return true
	case stepFollowup:
		if len(st.questions()) == 0 {
			return true // a comment only
		}
	}
	return len(st.visibleQuestions(answers)) > 0
}

// optional reports whether the page holds only questions a citizen may skip
// as a block: the unscored parts.
func (st formStep) optional() bool { return st.kind == stepPart }

// formShown reports whether a question's show_if condition is met by the
// answers, by the same rule ValidateAnswers applies again on submission.
func formShown(q *survey.Question, answers map[string]json.RawMessage) bool {
	return q.ShowIf == nil || q.ShowIf.MetBy(answers[q.ShowIf.Question])
}

// formKeepVisible drops answers to questions that are unknown to the
// definition or no longer shown (the citizen went back and changed the
// answer a follow-up depended on), so what is submitted always validates.
func formKeepVisible(d *survey.Definition, answers map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(answers))
	for _, q := range d.Questions() { // display order: conditions point backwards
		if v, ok := answers[q.Code]; ok && formShown(q, out) {
			out[q.Code] = v
		}
	}
	return out
}

// formNextStep returns the first visible step at or after i, or -1 when
// there is none and the form is to be submitted.
func formNextStep(steps []formStep, i int, answers map[string]json.RawMessage) int {
	for ; i < len(steps); i++ {
		if steps[i].visible(answers) {
			return i
		}
	}
	return -1
}

// formPrevStep returns the last visible step before i, or -1.
func formPrevStep(steps []formStep, i int, answers map[string]json.RawMessage) int {
	for i--; i >= 0; i-- {
		if steps[i].visible(answers) {
			return i
		}
	}
	return -1
}

// formStepOfField returns the step holding a field named by a domain error
// ("answers.TC2", "comment"), or -1.
func formStepOfField(d *survey.Definition, steps []formStep, field string) int {
	for i, st := range steps {
		if field == "comment" && st.hasComment(d) {
			return i
		}
		for _, q := range st.questions() {
			if field == "answers."+q.Code {
				return i
			}
		}
	}
	return -1
}

// formAnswered reports whether a draft says anything: an answer, an
// explicit "Không trả lời / Không áp dụng" included (the kiosk stores that
// too), or a comment. A form left untouched is not a response.
func formAnswered(answers map[string]json.RawMessage, comment string) bool {
	return len(answers) > 0 || comment != ""
}
