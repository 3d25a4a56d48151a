package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/loadgen"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

var (
	benchOnce   sync.Once
	benchSrv    *server
	benchTokens []string
	benchKey    string // scope metrics, to scrape /metrics
)

// BenchmarkSubmitDurable measures the submission path as deployed: the real
// binary in its own process, synchronous=FULL in WAL mode, 64 concurrent
// clients over loopback HTTP, each a tablet sending full 19-item responses.
// The server's peak resident memory is read from /proc.
func BenchmarkSubmitDurable(b *testing.B) {
	benchOnce.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			b.Fatal(err)
		}
		benchSrv = startServer(b, dir, "SIPAS_DEMO=1")
		benchTokens = addDevices(b, dir, 64)
		benchKey = addMetricsKey(b, dir)
	})
	if os.Getenv("SIPAS_BENCH_FAIL") != "" { // TestBenchmarkLeavesNoServerBehind
		b.Fatalf("failing on purpose; server pid %d", benchSrv.cmd.Process.Pid)
	}
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		b.Fatal(err)
	}
	def := cat.Default()
	var items []string
	for _, q := range def.Items() {
		items = append(items, q.Code)
	}
	cpu0 := benchSrv.cpu()
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), loadgen.Options{
		BaseURL: benchSrv.url, Tokens: benchTokens, Clients: 64, Total: max(b.N, 1),
		Survey: def.ID, Version: def.Version, Items: items, Seed: uint64(b.N),
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Failed > 0 {
		b.Fatalf("failures: %v", res)
	}
	b.ReportMetric(res.PerSecond, "responses/s")
	// The server's own CPU a response: the load generator shares the machine
	// (and is a Go HTTP client in this process), so the rate moves with it;
	// this does not.
	b.ReportMetric(float64((benchSrv.cpu()-cpu0).Microseconds())/float64(max(b.N, 1)), "server-cpu-µs/response")
	b.ReportMetric(float64(res.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(res.P99)/float64(time.Millisecond), "p99-ms")
	b.ReportMetric(float64(benchSrv.peakRSS())/(1<<20), "server-peak-MB")
	// How the group commit behaved: mean responses per transaction and time per commit.
	m := scrape(b, benchSrv.url+"/metrics", benchKey)
	if n := m["sipas_write_batch_size_count"]; n > 0 {
		b.ReportMetric(m["sipas_write_batch_size_sum"]/n, "responses/commit")
		b.ReportMetric(1000*m["sipas_write_commit_seconds_sum"]/m["sipas_write_commit_seconds_count"], "ms/commit")
	}
	if b.N >= 10000 {
		b.Log(res)
	}
}

// scrape reads the plain counters and sums of a Prometheus text page.
func scrape(b *testing.B, url, key string) map[string]float64 {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				out[f[0]] = v
			}
		}
	}
	return out
}

// TestBenchmarkLeavesNoServerBehind runs the submission benchmark in a child
// test process, once to the end and once failing right after its server
// started, and checks that no server of either run is left on the machine.
func TestBenchmarkLeavesNoServerBehind(t *testing.T) {
	if os.Getenv("SIPAS_BENCH_CHILD") != "" {
		return // the child only runs the benchmark
	}
	for _, fail := range []bool{false, true} {
		tag := fmt.Sprintf("%d-%v", os.Getpid(), fail)
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkSubmitDurable$", "-test.benchtime=30x")
		cmd.Env = append(os.Environ(), "SIPAS_BENCH_CHILD="+tag, binaryEnv+"="+binary(t))
		if fail {
			cmd.Env = append(cmd.Env, "SIPAS_BENCH_FAIL=1")
		}
		out, err := cmd.CombinedOutput()
		switch {
		case fail && err == nil:
			t.Fatalf("the failing run succeeded:\n%s", out)
		case !fail && (err != nil || !strings.Contains(string(out), "responses/s")):
			t.Fatalf("the benchmark did not run: %v\n%s", err, out)
		}
		if fail {
			m := regexp.MustCompile(`server pid (\d+)`).FindSubmatch(out)
			if m == nil {
				t.Fatalf("the failing run never started its server:\n%s", out)
			}
			if cmdline, err := os.ReadFile("/proc/" + string(m[1]) + "/cmdline"); err == nil && strings.Contains(string(cmdline), "serve") {
				t.Errorf("server pid %s still running after its benchmark failed", m[1])
			}
		}
		if pids := processesWith("SIPAS_BENCH_CHILD=" + tag); len(pids) > 0 {
			t.Errorf("run (fail=%v) left processes %v behind", fail, pids)
			for _, pid := range pids {
				if p, err := os.FindProcess(pid); err == nil {
					p.Kill()
				}
			}
		}
	}
}

// processesWith lists the processes whose environment holds the entry kv.
func processesWith(kv string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue
		}
		for _, v := range strings.Split(string(env), "\x00") {
			if v == kv {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// addMetricsKey stores an API key of scope metrics, as an operator would
// for Prometheus, and returns it.
func addMetricsKey(b *testing.B, dataDir string) string {
	db, err := sqlite.Open(context.Background(), filepath.Join(dataDir, "sipas.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, key, err := db.CreateAPIKey(context.Background(), "prometheus", []string{"metrics"}, 0, survey.CLI, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return key
}
