package score

import (
	"fmt"

	"github.com/sipas-vn/sipas/server/survey"
)

// QuickResult is the quick rating (SIPAS.md §4): the satisfied share of its
// one question. It is its own index, reported beside and never mixed into the
// SIPAS-style one, which is why it lives in its own result kind.
type QuickResult struct {
	Item  string `json:"item"`  // the question's code
	Index Figure `json:"index"` // 100·satisfied/n; null when n = 0
	Tally
}

// computeQuick scores the definition's one scored question. The loader
// guarantees there is exactly one; a hand-built definition without any is
// an error rather than a silent empty index.
func computeQuick(def *survey.Definition, c Counts) (*QuickResult, error) {
	items := def.Items()
	if len(items) != 1 {
		return nil, fmt.Errorf("score: quick definition %s has %d scored questions, want 1", def.ID, len(items))
	}
	q := items[0]
	out := &QuickResult{Item: q.Code, Tally: itemTally(q, c.Items[q.Code]).done()}
	out.Index = out.Pooled
	return out, nil
}
