package survey

// Definitions are small (a few dozen questions), so lookups scan instead of
// keeping an index that a hand-built Definition in a test would lack.

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
// when there is none.
func (d *Definition) Question(code string) *Question {
	for _, q := range d.Questions() {
		if q.Code == code {
			return q
		}
	}
	return nil
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
