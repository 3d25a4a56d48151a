package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The cached series must be the vectors' own: what Request and Submission
// count is what /metrics shows, under each set of labels apart.
func TestCachedSeriesCountInTheirVectors(t *testing.T) {
	m := New()
	for range 3 {
		m.Request("/api/v1/responses", "POST", 201, 0.002)
	}
	m.Request("/api/v1/responses", "POST", 422, 0.001)
	m.Request("/healthz", "GET", 200, 0.0001)
	m.Submission("accepted", "")
	m.Submission("accepted", "")
	m.Submission("rejected", "invalid")

	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"/api/v1/responses", "POST", "201"}, 3},
		{[]string{"/api/v1/responses", "POST", "422"}, 1},
		{[]string{"/healthz", "GET", "200"}, 1},
	} {
		if got := testutil.ToFloat64(m.Requests.WithLabelValues(c.labels...)); got != c.want {
			t.Errorf("requests %v = %v, want %v", c.labels, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.RequestDuration); n != 2 {
		t.Errorf("latency series = %d, want 2 (by route and method)", n)
	}
	if got := testutil.ToFloat64(m.Submissions.WithLabelValues("accepted", "")); got != 2 {
		t.Errorf("accepted = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.Submissions.WithLabelValues("rejected", "invalid")); got != 1 {
		t.Errorf("rejected/invalid = %v, want 1", got)
	}
}
