package survey_test

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

func loadShipped(t *testing.T) *survey.Catalog {
	t.Helper()
	c, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatalf("shipped definitions do not load:\n%v", err)
	}
	return c
}

// codes returns prefix1..prefixN.
func codes(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

func TestShippedDefinitionsHaveTheExpectedStructure(t *testing.T) {
	type element struct {
		code  string
		items []string
	}
	tests := []struct {
		id       string
		method   survey.Method
		legacy   bool
		elements []element
		parts    map[string][]string // part code → question codes
	}{
		{"sipas-dv-2023", survey.MethodSIPAS, false, []element{
			{"TC", codes("TC", 4)}, {"TT", codes("TT", 4)}, {"CC", codes("CC", 5)},
			{"KQ", codes("KQ", 3)}, {"PA", codes("PA", 3)},
		}, map[string][]string{
			"integrity":  {"PHIENHA_DP", "TIENNGOAI_DP"},
			"priorities": priorityCodes,
			"profile":    {"GT", "TUOI", "HOCVAN", "NGHE", "DANTOC"},
		}},
		{"sipas-2017", survey.MethodSIPAS, true, []element{
			{"TC", codes("TC", 4)}, {"TT", codes("TT", 5)}, {"CC", codes("CC", 6)},
			{"KQ", codes("KQ", 3)}, {"PA", codes("PA", 4)},
		}, nil},
		{"nd61", survey.MethodND61, false, []element{{"ND", codes("ND", 9)}}, nil},
		{"nhanh", survey.MethodQuick, false, []element{{"PV", []string{"HL"}}},
			map[string][]string{"followup": {"LYDO"}}},
	}
	c := loadShipped(t)
	if got := len(c.All()); got != len(tests) {
		t.Errorf("catalog has %d definitions, want %d", got, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := c.Get(tt.id)
			if !ok {
				t.Fatalf("%s not in catalog", tt.id)
			}
			if d.Method != tt.method || d.Legacy != tt.legacy || d.Rollup != survey.RollupMean {
				t.Errorf("method %q legacy %v rollup %q, want %q %v mean", d.Method, d.Legacy, d.Rollup, tt.method, tt.legacy)
			}
			if len(d.Aspects) != 1 {
				t.Fatalf("%d aspects, want 1", len(d.Aspects))
			}
			var els []element
			for _, e := range d.Aspects[0].Elements {
				els = append(els, element{e.Code, questionCodes(e.Items)})
			}
			if !reflect.DeepEqual(els, tt.elements) {
				t.Errorf("elements\n got %v\nwant %v", els, tt.elements)
			}
			parts := map[string][]string{}
			for _, p := range d.Parts {
				parts[p.Code] = questionCodes(p.Questions)
			}
			if len(parts) == 0 {
				parts = nil
			}
			if !reflect.DeepEqual(parts, tt.parts) {
				t.Errorf("parts\n got %v\nwant %v", parts, tt.parts)
			}
			for _, q := range d.Items() {
				if q.Kind != survey.KindScale || q.Scale == nil || q.Scale.Code != q.ScaleCode {
					t.Errorf("item %s: kind %q, scale %v: want a resolved scale", q.Code, q.Kind, q.Scale)
				}
			}
			for _, q := range d.Questions() {
				if q.Required {
					t.Errorf("%s is required; a citizen can skip anything", q.Code)
				}
			}
			if d.Comment == nil || d.Comment.MaxLength != 1000 {
				t.Errorf("comment %+v, want one of at most 1000 characters", d.Comment)
			}
			if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(d.Version) {
				t.Errorf("version %q, want 16 hex digits", d.Version)
			}
		})
	}
}

// priorityCodes are the official priorities (Câu 10, items 1–7, 9, 10) in
// the form's order; UT3, UT4, UT5 and UT10 were ours and are retired.
var priorityCodes = []string{"UT1", "UT2", "UT6", "UT7", "UT8", "UT11", "UT9", "UT12", "UT13"}

func questionCodes(qs []*survey.Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.Code)
	}
	return out
}

// Every text shown to people, wherever it sits in the definition (titles,
// items, option and scale labels, NA labels, hints), has Vietnamese and
// English. Reflection finds Text fields added later without a test change.
func TestShippedTextsHaveVietnameseAndEnglish(t *testing.T) {
	for _, d := range loadShipped(t).All() {
		n := 0
		walkTexts(reflect.ValueOf(d), d.ID, func(path string, txt survey.Text) {
			n++
			for _, lang := range []string{"vi", "en"} {
				if strings.TrimSpace(txt[lang]) == "" {
					t.Errorf("%s: no %q text", path, lang)
				}
			}
		})
		if n < 10 {
			t.Errorf("%s: only %d texts found; is the walk broken?", d.ID, n)
		}
	}
}

var textType = reflect.TypeOf(survey.Text{})

func walkTexts(v reflect.Value, path string, visit func(string, survey.Text)) {
	switch {
	case v.Type() == textType:
		if v.Len() > 0 {
			visit(path, v.Interface().(survey.Text))
		}
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			walkTexts(v.Elem(), path, visit)
		}
	case v.Kind() == reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkTexts(v.Field(i), path+"."+v.Type().Field(i).Name, visit)
			}
		}
	case v.Kind() == reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkTexts(v.Index(i), fmt.Sprintf("%s[%d]", path, i), visit)
		}
	case v.Kind() == reflect.Map:
		for _, k := range v.MapKeys() {
			walkTexts(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), visit)
		}
	}
}

// The default questionnaire uses the official wording word for word, since
// agencies compare it with the national survey.
func TestDefaultQuestionnaireUsesOfficialWording(t *testing.T) {
	d := loadShipped(t).Default()
	if d.ID != survey.DefaultID {
		t.Fatalf("default is %q, want %q", d.ID, survey.DefaultID)
	}
	official := []string{
		"Cơ quan cung cấp thông tin về việc giải quyết thủ tục hành chính theo nhiều hình thức, dễ tiếp cận, dễ hiểu đối với mọi người dân",
		"Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính có biển hiệu, hướng dẫn rõ ràng, dễ thấy",
		"Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính sạch sẽ, văn minh",
		"Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, giúp người dân giải quyết công việc dễ dàng hơn",
		"Quy định thủ tục hành chính được niêm yết công khai tại trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính dễ thấy, dễ hiểu",
		"Thành phần hồ sơ người dân phải nộp là đúng quy định",
		"Mức phí/lệ phí người dân phải nộp là đúng quy định",
		"Thời hạn giải quyết thủ tục hành chính cho người dân là đúng quy định",
		"Công chức có thái độ giao tiếp lịch sự, tôn trọng đối với người dân",
		"Công chức cung cấp thông tin, trả lời kịp thời, đầy đủ các câu hỏi, ý kiến của người dân",
		"Công chức hướng dẫn hồ sơ dễ hiểu, đảm bảo người dân có thể hoàn thiện hồ sơ sau một lần hướng dẫn",
		"Công chức tuân thủ đúng quy định trong giải quyết công việc cho người dân",
		"Công chức tận tình đối với người dân trong quá trình giải quyết công việc",
		"Kết quả giải quyết thủ tục hành chính cho người dân được trả đúng hẹn",
		"Kết quả giải quyết thủ tục hành chính cho người dân có thông tin đầy đủ, chính xác",
		"Kết quả giải quyết thủ tục hành chính cho người dân đảm bảo tính công bằng",
		"Cơ quan có bố trí hình thức tiếp nhận phản ánh, kiến nghị, giúp người dân phản ánh, kiến nghị dễ dàng",
		"Cơ quan tiếp nhận, xử lý phản ánh, kiến nghị của người dân đúng quy định",
		"Cơ quan thông báo kết quả xử lý phản ánh, kiến nghị cho người dân kịp thời",
	}
	items := d.Items()
	if len(items) != len(official) {
		t.Fatalf("%d items, want %d", len(items), len(official))
	}
	for i, q := range items {
		if q.Text["vi"] != official[i] {
			t.Errorf("item %d (%s)\n got %q\nwant %q", i+1, q.Code, q.Text["vi"], official[i])
		}
	}
	s := items[0].Scale
	var labels []string
	for _, o := range s.Options {
		labels = append(labels, fmt.Sprintf("%d %s", o.Value, o.Label["vi"]))
	}
	want := []string{"1 Rất không hài lòng", "2 Không hài lòng", "3 Bình thường", "4 Hài lòng", "5 Rất hài lòng"}
	if !slices.Equal(labels, want) || !slices.Equal(s.Satisfied, []int{4, 5}) || s.NA["vi"] != "Không trả lời / Không áp dụng" {
		t.Errorf("scale %v satisfied %v NA %q", labels, s.Satisfied, s.NA["vi"])
	}
	if note := d.ElementOf("KQ1").Intro["vi"]; note != "(Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)" {
		t.Errorf("results element note %q: without it refused applicants answer \"not applicable\"", note)
	}
	for _, code := range priorityCodes {
		if got := optionCodes(d.Question(code)); !slices.Equal(got, []string{"rat_nhieu", "nhieu", "it"}) {
			t.Errorf("priority %s options %v", code, got)
		}
	}
	for _, code := range []string{"PHIENHA_DP", "TIENNGOAI_DP"} {
		if got := optionCodes(d.Question(code)); !slices.Equal(got, []string{"khong_co", "mot_so", "nhieu"}) {
			t.Errorf("integrity %s options %v", code, got)
		}
	}
}

func optionCodes(q *survey.Question) []string {
	var out []string
	for _, o := range q.Options {
		out = append(out, o.Code)
	}
	return out
}

// Per-dossier points: every criterion is worth 0, 1 or 2 and a dossier 18 at
// most. 1 point is the standard met, so it counts (satisfied [1, 2]); no
// level that counts may read "Bình thường", which is not satisfied on the
// 5-level scale.
func TestND61CriteriaScorePoints(t *testing.T) {
	d, _ := loadShipped(t).Get("nd61")
	maxPoints := 0
	for _, q := range d.Items() {
		var vals []int
		for _, o := range q.Scale.Options {
			vals = append(vals, o.Value)
		}
		if !slices.Equal(vals, []int{0, 1, 2}) || !slices.Equal(q.Scale.Unsatisfied, []int{0}) ||
			!slices.Equal(q.Scale.Satisfied, []int{1, 2}) {
			t.Errorf("%s: values %v satisfied %v unsatisfied %v", q.Code, vals, q.Scale.Satisfied, q.Scale.Unsatisfied)
		}
		for _, o := range q.Scale.Options {
			if slices.Contains(q.Scale.Satisfied, o.Value) && o.Label["vi"] == "Bình thường" {
				t.Errorf("%s: %d points \"Bình thường\" counts as meeting the standard", q.Code, o.Value)
			}
		}
		maxPoints += vals[len(vals)-1]
	}
	if maxPoints != 18 {
		t.Errorf("max points %d, want 18", maxPoints)
	}
	if got := d.Question("ND1").Scale.Options; got[2].Label["vi"] != "Sớm hơn hạn" || got[0].Label["vi"] != "Trễ hạn" {
		t.Errorf("criterion 1 labels %v", got)
	}
}

func TestQuickRatingAsksWhyOnlyWhenNotSatisfied(t *testing.T) {
	d, _ := loadShipped(t).Get("nhanh")
	why := d.Question("LYDO")
	if why == nil || why.Kind != survey.KindMulti {
		t.Fatalf("LYDO = %+v, want a multi-choice question", why)
	}
	want := &survey.Condition{Question: "HL", Values: []int{1, 2, 3}}
	if !reflect.DeepEqual(why.ShowIf, want) {
		t.Errorf("show_if %+v, want %+v", why.ShowIf, want)
	}
	// At most six (UX.md: more do not fit the tablet), among them "trễ hẹn"
	// and "gây phiền hà, nhũng nhiễu", which the official forms name.
	if len(why.Options) == 0 || len(why.Options) > 6 {
		t.Errorf("%d reasons, want 1 to 6", len(why.Options))
	}
	for _, code := range []string{"tre_hen", "phien_ha"} {
		if !slices.Contains(optionCodes(why), code) {
			t.Errorf("no reason %q", code)
		}
	}
	for _, o := range why.Options {
		if o.Icon == "" {
			t.Errorf("reason %s has no icon", o.Code)
		}
	}
}

func TestDefinitionLookups(t *testing.T) {
	d := loadShipped(t).Default()
	if e := d.ElementOf("CC3"); e == nil || e.Code != "CC" {
		t.Errorf("ElementOf(CC3) = %v, want CC", e)
	}
	for _, code := range []string{"GT", "CC", "nope"} {
		if e := d.ElementOf(code); e != nil {
			t.Errorf("ElementOf(%s) = %s, want nil: not a scored item", code, e.Code)
		}
	}
	if q := d.Question("GT"); q == nil || q.Kind != survey.KindProfile {
		t.Errorf("Question(GT) = %v, want the profile question", q)
	}
	if q := d.Question("nope"); q != nil {
		t.Errorf("Question(nope) = %v, want nil", q)
	}
	all := questionCodes(d.Questions())
	if len(all) != 35 || all[0] != "TC1" || all[18] != "PA3" || all[19] != "PHIENHA_DP" || all[34] != "DANTOC" {
		t.Errorf("Questions() order %v", all)
	}
	if _, ok := loadShipped(t).Get("nope"); ok {
		t.Error("Get(nope) found something")
	}
	var ids []string
	for _, d := range loadShipped(t).All() {
		ids = append(ids, d.ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("All() not sorted by id: %v", ids)
	}
}

// The version follows content, not formatting: a comment or re-indentation
// keeps it, any change of wording or scale makes a new one.
func TestVersionFollowsContent(t *testing.T) {
	base, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	version := func(name, data string) string {
		t.Helper()
		d, err := survey.LoadFile(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return d.Version
	}
	v := version("valid.yaml", string(base))
	tests := []struct {
		name string
		edit func(string) string
		same bool
	}{
		{"same bytes", func(s string) string { return s }, true},
		{"comment added", func(s string) string { return "# edited by the Sở Nội vụ\n" + s }, true},
		{"flow mapping written as block", func(s string) string {
			return strings.Replace(s, "title: {vi: Mini, en: Mini}", "title:\n  vi: Mini\n  en: Mini", 1)
		}, true},
		{"item wording changed", func(s string) string { return strings.Replace(s, "vi: Một", "vi: Một nữa", 1) }, false},
		{"scale label changed", func(s string) string { return strings.Replace(s, "vi: Hài lòng", "vi: Rất hài lòng", 1) }, false},
		{"satisfied changed", func(s string) string { return strings.Replace(s, "satisfied: [2]", "satisfied: [1, 2]", 1) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := tt.edit(string(base))
			if edited == string(base) && tt.name != "same bytes" {
				t.Fatal("edit did not apply")
			}
			if got := version("other-name.yaml", edited); (got == v) != tt.same {
				t.Errorf("version %s vs %s; want same = %v", got, v, tt.same)
			}
		})
	}
}

// The example in survey-defs/README.md is what operators copy: it must load.
func TestFormatExampleInREADMELoads(t *testing.T) {
	readme, err := os.ReadFile("../../survey-defs/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("no ```yaml block in README.md")
	}
	d, err := survey.LoadFile("README.md", m[1])
	if err != nil {
		t.Fatalf("README example does not load:\n%v", err)
	}
	if d.Question("LYDO") == nil || d.Question("LYDO").ShowIf == nil {
		t.Error("README example lost its show_if")
	}
}
