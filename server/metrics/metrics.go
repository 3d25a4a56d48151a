// Package metrics holds the Prometheus collectors the server exposes on
// /metrics. Each server gets its own registry (no global state), so tests can
// run several servers in one process.
package metrics

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the server's collectors, registered in Registry.
type Metrics struct {
	Registry *prometheus.Registry

	Requests        *prometheus.CounterVec   // by route, method, status
	RequestDuration *prometheus.HistogramVec // by route, method
	Submissions     *prometheus.CounterVec   // by result (accepted, duplicate, rejected) and reason
	BatchSize       prometheus.Histogram     // responses per group commit
	CommitDuration  prometheus.Histogram     // seconds per group commit
	DeviceLastSeen  *prometheus.GaugeVec     // unix time a device was last heard from, by device and counter

	requests    sync.Map // requestLabels → requestSeries
	submissions sync.Map // [2]string{result, reason} → prometheus.Counter
}

type requestLabels struct {
	route, method string
	status        int
}

type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// Request counts one request and observes its latency. Each series is
// looked up in its vector once and then kept: WithLabelValues hashes the
// values and takes a lock on every call, two of them for each submission.
func (m *Metrics) Request(route, method string, status int, seconds float64) {
	k := requestLabels{route, method, status}
	v, ok := m.requests.Load(k)
	if !ok {
		v, _ = m.requests.LoadOrStore(k, requestSeries{
			count:   m.Requests.WithLabelValues(route, method, strconv.Itoa(status)),
			latency: m.RequestDuration.WithLabelValues(route, method),
		})
	}
	rs := v.(requestSeries)
	rs.count.Inc()
	rs.latency.Observe(seconds)
}

// Submission counts one submitted response by its result and reason.
func (m *Metrics) Submission(result, reason string) {
	k := [2]string{result, reason}
	v, ok := m.submissions.Load(k)
	if !ok {
		v, _ = m.submissions.LoadOrStore(k, m.Submissions.WithLabelValues(result, reason))
	}
	v.(prometheus.Counter).Inc()
}

// New creates and registers the collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sipas_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		RequestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sipas_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
		Submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sipas_submissions_total", Help: "Survey responses by result (accepted, duplicate, rejected) and reason.",
		}, []string{"result", "reason"}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sipas_write_batch_size", Help: "Responses committed per write transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
		}),
		CommitDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sipas_write_commit_seconds", Help: "Time to write and commit one batch of responses.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}),
		DeviceLastSeen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sipas_device_last_seen_timestamp_seconds", Help: "When each counter tablet was last heard from (unix seconds).",
		}, []string{"device", "counter"}),
	}
	m.Registry.MustRegister(m.Requests, m.RequestDuration, m.Submissions, m.BatchSize, m.CommitDuration, m.DeviceLastSeen,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Replication exposes the replica's state, read from state at each scrape:
// how long the replica has been behind (0 when in step), and the last
// transaction taken from the WAL and the last one on the replica.
func (m *Metrics) Replication(state func() (lagSeconds float64, localTXID, replicatedTXID uint64)) {
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sipas_replica_lag_seconds", Help: "How long the replica has been missing committed transactions; 0 when in step.",
		}, func() float64 { l, _, _ := state(); return l }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sipas_replica_local_txid", Help: "Last transaction the replicator has taken from the WAL.",
		}, func() float64 { _, t, _ := state(); return float64(t) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sipas_replica_replicated_txid", Help: "Last transaction stored on the replica (the replicated position).",
		}, func() float64 { _, _, t := state(); return float64(t) }),
	)
}
