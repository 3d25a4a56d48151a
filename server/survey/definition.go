// Package survey holds the domain: questionnaire definitions, responses,
// agencies and the coded errors the rest of the server speaks. It depends on
// the standard library and a YAML parser only.
package survey

import "sync"

// Method says which formula family scores a questionnaire (SIPAS.md).
type Method string

// The scoring methods a definition can declare.
const (
	MethodSIPAS Method = "sipas" // share of satisfied answers, rolled up item → element → aspect
	MethodND61  Method = "nd61"  // per-dossier points 2/1/0 (NĐ 61/2018, TT 01/2018)
	MethodQuick Method = "quick" // one question, its own index, never mixed into SIPAS
)

// Rollup says how item figures combine into element, aspect and overall figures.
type Rollup string

// The roll-ups a definition can declare.
const (
	RollupMean   Rollup = "mean"   // plain mean at each level (default; fits published figures)
	RollupPooled Rollup = "pooled" // pool all valid answers below a node
)

// Kind is the kind of a question.
type Kind string

// Question kinds.
const (
	KindScale   Kind = "scale"   // one value of a scale; scored items are always this kind
	KindSingle  Kind = "single"  // one option code
	KindMulti   Kind = "multi"   // a list of option codes
	KindText    Kind = "text"    // free text
	KindProfile Kind = "profile" // one option code describing the respondent; never required, never scored
)

// Text is a string in several languages, keyed by language tag ("vi", "en").
// Vietnamese is required everywhere.
type Text map[string]string

// In returns the text in lang, falling back to Vietnamese.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["vi"]
}

// Definition is one version of a questionnaire, as loaded from survey-defs/.
type Definition struct {
	ID          string `json:"id"`
	Version     string `json:"version"` // hash of the canonical definition; set by the loader
	Title       Text   `json:"title"`
	Description Text   `json:"description,omitempty"`
	Basis       string `json:"basis,omitempty"`    // legal basis, e.g. "QĐ 1001/QĐ-BNV ngày 11/12/2023"
	Legacy      bool   `json:"legacy,omitempty"`   // kept for comparison with history only
	Method      Method `json:"method"`             // sipas | nd61 | quick
	Rollup      Rollup `json:"rollup"`             // mean | pooled
	Duration    Text   `json:"duration,omitempty"` // honest time estimate shown on the start page ("Khoảng 5 phút")

	Scales  map[string]*Scale `json:"scales"`
	Aspects []*Aspect         `json:"aspects"`         // the scored block
	Parts   []*Part           `json:"parts,omitempty"` // unscored parts after it (profile, integrity, priorities, follow-ups)
	Comment *Comment          `json:"comment,omitempty"`

	indexOnce sync.Once            // builds index on first Question call
	index     map[string]*Question // question code → question
	questions []*Question          // Questions(), for the validation of every submission
}

// Scale is a reusable answer scale for scored items.
type Scale struct {
	Code        string   `json:"code"`
	Options     []Option `json:"options"`               // low to high as shown
	Satisfied   []int    `json:"satisfied"`             // values counted as satisfied (4, 5 on the SIPAS scale)
	Unsatisfied []int    `json:"unsatisfied,omitempty"` // values counted as explicitly unsatisfied (QĐ 766 ratio)
	NA          Text     `json:"na,omitempty"`          // label of "Không trả lời / Không áp dụng"; empty = not offered
}

// Option is one value of a scale or one choice of a question.
type Option struct {
	Value int    `json:"value"`          // scales only (0 is a real value: nd61 scores 2/1/0)
	Code  string `json:"code,omitempty"` // choices only
	Label Text   `json:"label"`
	Face  int    `json:"face,omitempty"` // 1..5: which face to draw beside the words; 0 = none
	Icon  string `json:"icon,omitempty"` // optional icon name for follow-up reasons
}

// Aspect groups elements (SIPAS: a questionnaire may have one or more aspects).
type Aspect struct {
	Code     string     `json:"code"`
	Title    Text       `json:"title"`
	Elements []*Element `json:"elements"`
}

// Element (yếu tố) groups scored items; the phone form shows one element per page.
type Element struct {
	Code  string `json:"code"`
	Title Text   `json:"title"`
	// Intro is a note that belongs to the element's heading on the official
	// form, such as the results element's "(Có thể là được cấp giấy tờ hoặc
	// bị từ chối cấp giấy tờ)": shown with the title wherever it is asked.
	Intro Text        `json:"intro,omitempty"`
	Items []*Question `json:"items"`
}

// Part is an unscored group of questions shown after the scored block.
type Part struct {
	Code      string      `json:"code"`
	Title     Text        `json:"title"`
	Intro     Text        `json:"intro,omitempty"`
	Questions []*Question `json:"items"`
}

// Question is one item (tiêu chí) or one unscored question.
type Question struct {
	Code      string     `json:"code"` // stable across versions; responses aggregate by it
	Kind      Kind       `json:"kind"`
	Text      Text       `json:"text"`
	Hint      Text       `json:"hint,omitempty"`
	Required  bool       `json:"required,omitempty"`
	ScaleCode string     `json:"-"`
	Scale     *Scale     `json:"scale,omitempty"`   // kind scale: resolved from ScaleCode by the loader
	Options   []Option   `json:"options,omitempty"` // kinds single, multi, profile
	MaxLength int        `json:"max_length,omitempty"`
	ShowIf    *Condition `json:"show_if,omitempty"`
}

// Condition shows a question only when an earlier one got one of the listed answers.
type Condition struct {
	Question string   `json:"question"`
	Values   []int    `json:"values,omitempty"` // for a scale question
	Codes    []string `json:"codes,omitempty"`  // for a choice question
}

// Comment describes the free-text "Ý kiến khác" field, if the questionnaire has one.
type Comment struct {
	Label     Text `json:"label"`
	Hint      Text `json:"hint,omitempty"`
	MaxLength int  `json:"max_length"`
}
