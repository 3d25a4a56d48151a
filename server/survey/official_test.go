package survey_test

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

// officialGolden holds, word for word, every Vietnamese text a citizen reads
// in the shipped questionnaires apart from titles: item and question texts,
// element and part notes, option and scale labels. Its comments say where
// each block comes from (survey-defs/README.md "Sources"). It is edited by
// hand, never regenerated: a change of wording must be a deliberate change
// of this file, reviewed against the source, and it makes a new version of
// the definition (stored responses keep theirs).
const officialGolden = "testdata/official.golden"

// officialTexts lists def's texts as "<id> <key>\t<text>" lines, in the order
// of the definition: scales, then the scored block, then the parts.
func officialTexts(d *survey.Definition) []string {
	var out []string
	add := func(key string, t survey.Text) {
		if t["vi"] != "" {
			out = append(out, d.ID+" "+key+"\t"+t["vi"])
		}
	}
	var scales []string
	for code := range d.Scales {
		scales = append(scales, code)
	}
	slices.Sort(scales)
	for _, code := range scales {
		s := d.Scales[code]
		for _, o := range s.Options {
			add(fmt.Sprintf("s:%s/%d", code, o.Value), o.Label)
		}
		add("s:"+code+"/na", s.NA)
	}
	question := func(q *survey.Question) {
		add("q:"+q.Code, q.Text)
		add("q:"+q.Code+"/hint", q.Hint)
		for _, o := range q.Options {
			add("q:"+q.Code+"/"+o.Code, o.Label)
		}
	}
	for _, a := range d.Aspects {
		for _, e := range a.Elements {
			add("e:"+e.Code+"/intro", e.Intro)
			for _, q := range e.Items {
				question(q)
			}
		}
	}
	for _, p := range d.Parts {
		add("p:"+p.Code+"/intro", p.Intro)
		for _, q := range p.Questions {
			question(q)
		}
	}
	return out
}

// readGolden returns the golden lines without comments and blank lines.
func readGolden(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(officialGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The official item texts cannot drift: every text of every shipped
// questionnaire equals its golden string, none is added or dropped unseen.
func TestShippedTextsMatchTheOfficialGolden(t *testing.T) {
	var got []string
	for _, d := range loadShipped(t).All() {
		got = append(got, officialTexts(d)...)
	}
	want := readGolden(t)
	wantKeys := map[string]string{}
	for _, w := range want {
		k, v, _ := strings.Cut(w, "\t")
		wantKeys[k] = v
	}
	gotKeys := map[string]bool{}
	for _, g := range got {
		k, v, _ := strings.Cut(g, "\t")
		gotKeys[k] = true
		w, ok := wantKeys[k]
		switch {
		case !ok:
			t.Errorf("%s is not in %s: add\n%s", k, officialGolden, g)
		case w != v:
			t.Errorf("%s drifted from %s\n got %q\nwant %q", k, officialGolden, v, w)
		}
	}
	for _, w := range want {
		if k, _, _ := strings.Cut(w, "\t"); !gotKeys[k] {
			t.Errorf("%s is in %s but not in the questionnaire", k, officialGolden)
		}
	}
	if !t.Failed() && !slices.Equal(got, want) {
		t.Errorf("%s lists the texts in another order than the questionnaires", officialGolden)
	}
}
