package survey_test

import (
	"encoding/json"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

const requiredDef = `
id: test-required
title: {vi: "Thử", en: "Test"}
method: sipas
scales:
  - code: hl5
    options:
      - {value: 1, label: {vi: "Rất không hài lòng", en: "Very dissatisfied"}}
      - {value: 2, label: {vi: "Không hài lòng", en: "Dissatisfied"}}
      - {value: 3, label: {vi: "Bình thường", en: "Neutral"}}
      - {value: 4, label: {vi: "Hài lòng", en: "Satisfied"}}
      - {value: 5, label: {vi: "Rất hài lòng", en: "Very satisfied"}}
    satisfied: [4, 5]
    na: {vi: "Không trả lời / Không áp dụng", en: "No answer / Not applicable"}
aspects:
  - code: A
    title: {vi: "Khía cạnh", en: "Aspect"}
    elements:
      - code: E
        title: {vi: "Yếu tố", en: "Element"}
        items:
          - {code: Q1, required: true, text: {vi: "Câu 1", en: "Question 1"}}
          - {code: Q2, text: {vi: "Câu 2", en: "Question 2"}}
parts:
  - code: followup
    title: {vi: "Tiếp", en: "Follow-up"}
    items:
      - code: WHY
        kind: multi
        required: true
        show_if: {question: Q1, values: [1, 2]}
        text: {vi: "Vì sao?", en: "Why?"}
        options:
          - {code: a, label: {vi: "A", en: "A"}}
          - {code: b, label: {vi: "B", en: "B"}}
      - code: NOTE
        kind: text
        max_length: 5
        text: {vi: "Ghi chú", en: "Note"}
`

func TestValidateAnswers(t *testing.T) {
	d, err := survey.LoadFile("test-required.yaml", []byte(requiredDef))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		answers string
		comment string
		partial bool
		field   string // "" = valid
		message string
	}{
		{"valid", `{"Q1":4,"Q2":null}`, "", false, "", ""},
		{"required missing", `{"Q2":5}`, "", false, "answers.Q1", "error.answer.required"},
		{"required NA", `{"Q1":null}`, "", false, "answers.Q1", "error.answer.required"},
		{"partial skips required", `{"Q2":5}`, "", true, "", ""},
		{"follow-up required when shown", `{"Q1":1}`, "", false, "answers.WHY", "error.answer.required"},
		{"follow-up given", `{"Q1":2,"WHY":["a","b"]}`, "", false, "", ""},
		{"follow-up when hidden", `{"Q1":5,"WHY":["a"]}`, "", false, "answers.WHY", "error.answer.not_shown"},
		{"duplicate choice", `{"Q1":1,"WHY":["a","a"]}`, "", false, "answers.WHY", "error.answer.unknown_option"},
		{"text too long", `{"Q1":4,"NOTE":"dài quá"}`, "", false, "answers.NOTE", "error.comment.too_long"},
		{"text as number", `{"Q1":4,"NOTE":5}`, "", false, "answers.NOTE", "error.answer.wrong_type"},
		{"fraction", `{"Q1":4.5}`, "", false, "answers.Q1", "error.answer.wrong_type"},
		{"comment not offered", `{"Q1":4}`, "hay", false, "comment", "error.comment.not_offered"},
		{"empty", `{}`, "", false, "answers", "error.answer.empty"},
	}
	for _, tc := range cases {
		var a survey.Answers
		if err := json.Unmarshal([]byte(tc.answers), &a); err != nil {
			t.Fatal(err)
		}
		err := d.ValidateAnswers(a, tc.comment, tc.partial)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, ok := err.(*survey.Error)
		if !ok || e.Field != tc.field || e.Message != tc.message || e.Code != survey.CodeInvalid {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.message, tc.field)
		}
	}
}

func TestShippedQuestionnairesAcceptTheirOwnValues(t *testing.T) {
	cat := loadShipped(t)
	for _, d := range cat.All() {
		for _, q := range d.Items() {
			for _, o := range q.Scale.Options {
				v, _ := json.Marshal(o.Value)
				if err := d.ValidateAnswers(survey.Answers{{Code: q.Code, Value: v}}, "", false); err != nil {
					t.Errorf("%s %s=%d: %v", d.ID, q.Code, o.Value, err)
				}
			}
		}
	}
}
