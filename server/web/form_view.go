package web

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

// formView is the view model of every phone form page; each template uses
// the fields it needs. Texts are translated before they get here.
type formView struct {
	Kind      string // form_page: "start", "code" or "" (questions); form_notice: "done", "used", ...
	Title     string // <title> without the suffix or the error prefix
	Caption   string // the counter and agency, so a citizen sees where the rating goes
	Heading   string
	Lead      string
	Intro     string
	Duration  string
	Back      string // a real href (the form works without JavaScript); "" on a first page, which keeps citizens in the form
	Counter   string // "Trang 3/9": the same count the start page announces
	Action    string
	Optional  bool
	Single    bool // one question on the page: its legend is the page heading
	Faces     bool // the page draws faces and needs the sprite
	Questions []*formQuestion
	Comment   *formCommentField
	Errors    []formError
	Submit    bool // the last page: the button sends the form
	Skip      bool // a button to skip what is left and optional
	Code      string
}

// PageTitle is unique per page ("Phần 2/5 – Đánh giá sự hài lòng") and says
// "Lỗi: " first when the page shows errors, as screen readers read it first.
func (v *formView) PageTitle(l *i18n.Localizer) string {
	t := v.Title + " – " + l.T("form.title_suffix")
	if len(v.Errors) > 0 {
		t = l.T("error.prefix") + " " + t
	}
	return t
}

// formQuestion is one <fieldset>: radios, checkboxes or a text box.
type formQuestion struct {
	L        *i18n.Localizer // for the few fixed words of the template
	Page     bool            // the only question: its legend is the page's <h1>
	Code     string
	ID       string // of the first control: error links point here
	Legend   string
	Hint     string
	Checkbox bool
	Text     bool
	Value    string // a text question's text
	Options  []formOption
	NA       *formOption // "Không trả lời / Không áp dụng", after "hoặc"
	Error    string
}

// formOption is one radio or checkbox.
type formOption struct {
	ID      string
	Value   string
	Label   string
	Face    int
	Checked bool
}

// formCommentField is the "Ý kiến khác" text box.
type formCommentField struct {
	Label string
	Hint  string
	Max   string
	Value string
	Error string
}

// formError is one line of the error summary, linking to its field.
type formError struct {
	Href string
	Text string
}

// formErrorText translates a domain error the way the error page would.
func formErrorText(l *i18n.Localizer, de *survey.Error) string {
	return l.T(de.Message, localizeData(l, de.Data))
}

// formQuestionView builds the controls of one question, checked as answered.
func formQuestionView(q *survey.Question, lang string, l *i18n.Localizer, answers map[string]json.RawMessage) *formQuestion {
	v, answered := answers[q.Code]
	current := formValueOf(v, answered)
	fq := &formQuestion{L: l, Code: q.Code, ID: "q-" + q.Code, Legend: q.Text.In(lang), Hint: q.Hint.In(lang)}
	opt := func(i int, value, label string, face int) formOption {
		id := fq.ID
		if i > 0 {
			id += "-" + value
		}
		return formOption{ID: id, Value: value, Label: label, Face: face, Checked: answered && current == value}
	}
	switch q.Kind {
	case survey.KindScale:
		if q.Scale == nil {
			return fq
		}
		for i, o := range q.Scale.Options {
			fq.Options = append(fq.Options, opt(i, strconv.Itoa(o.Value), o.Label.In(lang), o.Face))
		}
		if na := q.Scale.NA.In(lang); na != "" {
			o := opt(1, formNA, na, 0)
			fq.NA = &o
		}
	case survey.KindMulti:
		fq.Checkbox = true
		picked := formValuesOf(v)
		for i, o := range q.Options {
			fo := opt(i, o.Code, o.Label.In(lang), 0)
			fo.Checked = slices.Contains(picked, o.Code)
			fq.Options = append(fq.Options, fo)
		}
	case survey.KindText:
		fq.Text, fq.Value = true, current
	default: // single, profile: a radio cannot be unticked without a way out
		for i, o := range q.Options {
			fq.Options = append(fq.Options, opt(i, o.Code, o.Label.In(lang), 0))
		}
		o := opt(1, formNA, l.T("scale.na"), 0)
		fq.NA = &o
	}
	return fq
}

// formStepHeading returns a step's page heading and <title>.
func formStepHeading(d *survey.Definition, st formStep, lang string, l *i18n.Localizer) (heading, title string) {
	switch st.kind {
	case stepStart:
		return d.Title.In(lang), l.T("form.start.title")
	case stepElement:
		name := st.element.Title.In(lang)
		if st.of <= 1 {
			return name, name
		}
		n := map[string]any{"N": st.number, "Of": st.of}
		return l.T("form.step.heading", n, map[string]any{"Title": name}), l.T("form.step.title", n)
	case stepPart:
		name := st.parts[0].Title.In(lang)
		return name + " " + l.T("label.optional"), name
	case stepFollowup:
		return l.T("form.followup.title"), l.T("form.followup.title")
	}
	return d.Comment.Label.In(lang), l.T("form.comment.title")
}

// formCommentView builds the "Ý kiến khác" box from the definition.
func formCommentView(d *survey.Definition, lang string, l *i18n.Localizer, value string) *formCommentField {
	max := d.Comment.MaxLength
	if max <= 0 {
		max = survey.DefaultCommentMax
	}
	hint := d.Comment.Hint.In(lang)
	limit := l.T("form.comment.max", map[string]any{"Max": l.Int(max)})
	return &formCommentField{Label: d.Comment.Label.In(lang), Hint: strings.TrimSpace(hint + " " + limit),
		Max: l.Int(max), Value: value}
}

// formAttachErrors puts each error beside its field and in the summary;
// an error about a field not on this page is shown in the summary only.
func formAttachErrors(v *formView, l *i18n.Localizer, errs []*survey.Error) {
	for _, de := range errs {
		text := formErrorText(l, de)
		href := ""
		switch {
		case de.Field == "comment" && v.Comment != nil:
			v.Comment.Error, href = text, "#comment"
		case de.Field == "token" || de.Field == "code":
			href = "#code"
		default:
			for _, q := range v.Questions {
				if de.Field == "answers."+q.Code {
					q.Error, href = text, "#"+q.ID
				}
			}
		}
		v.Errors = append(v.Errors, formError{Href: href, Text: text})
	}
}
