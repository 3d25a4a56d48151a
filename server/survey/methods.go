package survey

// Definitions are small (a few dozen questions); only Question, on the hot
// paths, keeps an index, built on first use so hand-built definitions get one too.

// Items returns the scored items in display order: aspects, then elements,
// then items.
func (d *Definition) Items() []*Question {
	var out []*Question
	for _, a := range d.Aspects {
		for _, e := range a.Elements {
			out = append(out, e.Items...)
		}
	}
	return out
}

// Questions returns every question in display order: the scored items, then
// the questions of each part in order.
func (d *Definition) Questions() []*Question {
	out := d.Items()
	for _, p := range d.Parts {
		out = append(out, p.Questions...)
	}
	return out
}

// Question returns the scored item or part question with the given code, nil
// when there is none. It is on the submission and rollup hot paths, so the
// lookup table is built once per definition.
func (d *Definition) Question(code string) *Question {
	d.buildIndex()
	return d.index[code]
}

// buildIndex makes the lookup table and the list of questions once.
func (d *Definition) buildIndex() {
	d.indexOnce.Do(func() {
		d.index = map[string]*Question{}
		d.questions = d.Questions()
		for _, q := range d.questions {
			if _, dup := d.index[q.Code]; !dup {
				d.index[q.Code] = q
			}
		}
	})
}

// ElementOf returns the element holding the scored item itemCode, nil when
// the code is not a scored item.
func (d *Definition) ElementOf(itemCode string) *Element {
	for _, a := range d.Aspects {
		for _, e := range a.Elements {
			for _, q := range e.Items {
				if q.Code == itemCode {
					return e
				}
			}
		}
	}
	return nil
}
