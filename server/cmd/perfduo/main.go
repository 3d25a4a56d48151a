// Command perfduo loads two builds of the server at the same time, each with
// its own wrk, and prints their rates and the ratio: the machine's drift,
// which moves one perf-ratio run to the next by ±15 %, then falls on both
// alike (decision 14). The load is perf-ratio's: tablets sending random
// UUIDv4 ids, 19 random answers and a comment. `make perf-duo` builds a
// revision and this checkout and runs it; it needs wrk.
//
//	perfduo -a bin/base -b bin/this [-seconds 10] [-rounds 4] [-clients 32]
//
// Each round starts both servers on fresh demo databases; the builds swap
// places every round, since the one whose wrk starts first gains ~1 %.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	a := flag.String("a", "", "the base build (a sipas binary)")
	b := flag.String("b", "", "the build compared with it")
	secs := flag.Int("seconds", 10, "length of each round")
	rounds := flag.Int("rounds", 4, "rounds")
	clients := flag.Int("clients", 32, "wrk connections (and tablets) for each server")
	flag.Parse()
	if *a == "" || *b == "" {
		fmt.Fprintln(os.Stderr, "usage: perfduo -a BASE_BINARY -b BINARY [-seconds 10] [-rounds 4] [-clients 32]")
		os.Exit(2)
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		fmt.Fprintln(os.Stderr, "perfduo: wrk is not installed (apt-get install wrk)")
		os.Exit(2)
	}
	var sum float64
	for r := range *rounds {
		bins := [2]string{*a, *b}
		if r%2 == 1 {
			bins[0], bins[1] = bins[1], bins[0]
		}
		res, err := round(bins, *secs, *clients)
		if err != nil {
			fmt.Fprintln(os.Stderr, "perfduo:", err)
			os.Exit(1)
		}
		if r%2 == 1 {
			res[0], res[1] = res[1], res[0]
		}
		ratio := res[1].rate / res[0].rate
		sum += ratio
		fmt.Printf("round %d: a %.0f/s p99 %.1f ms non2xx %d | b %.0f/s p99 %.1f ms non2xx %d | b/a %.3f\n",
			r+1, res[0].rate, res[0].p99, res[0].bad, res[1].rate, res[1].p99, res[1].bad, ratio)
	}
	fmt.Printf("b/a mean %.3f over %d rounds\n", sum/float64(*rounds), *rounds)
}

// result is what wrk measured of one server.
type result struct {
	rate, p99 float64
	bad       int
}

// round starts both servers, then loads them at once.
func round(bins [2]string, secs, clients int) ([2]result, error) {
	var res [2]result
	scripts := make([]string, 2)
	urls := make([]string, 2)
	for i, bin := range bins {
		dir, err := os.MkdirTemp("", "perfduo-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
		stop, url, script, err := start(bin, dir, clients)
		if err != nil {
			return res, err
		}
		defer stop()
		urls[i], scripts[i] = url, script
	}
	var wg sync.WaitGroup
	outs, errs := make([]string, 2), make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := exec.Command("wrk", "-t1", fmt.Sprintf("-c%d", clients), fmt.Sprintf("-d%ds", secs),
				"--latency", "-s", scripts[i], urls[i]).Output()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			return res, fmt.Errorf("wrk on %s: %w", bins[i], errs[i])
		}
		r, err := parseWrk(outs[i])
		if err != nil {
			return res, err
		}
		res[i] = r
	}
	return res, nil
}

// start runs bin serve on a fresh demo database in dir, pairs one tablet a
// connection and writes the wrk script that submits as them.
func start(bin, dir string, tablets int) (stop func(), url, script string, err error) {
	port, err := freePort()
	if err != nil {
		return nil, "", "", err
	}
	url = "http://127.0.0.1:" + strconv.Itoa(port)
	env := append(os.Environ(), "SIPAS_ADDR=127.0.0.1:"+strconv.Itoa(port), "SIPAS_DATA_DIR="+filepath.Join(dir, "data"),
		"SIPAS_BASE_URL="+url, "SIPAS_DEMO=1")
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, "", "", err
	}
	srv := exec.Command(bin, "serve")
	srv.Env, srv.Stdout, srv.Stderr = env, log, log
	if err := srv.Start(); err != nil {
		return nil, "", "", err
	}
	stop = func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
		log.Close()
	}
	fail := func(err error) (func(), string, string, error) { stop(); return nil, "", "", err }
	if err := waitReady(url+"/readyz", 90*time.Second); err != nil {
		return fail(err)
	}
	cli := func(args ...string) (string, error) {
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.Output()
		return string(out), err
	}
	out, err := cli("counter", "list")
	if err != nil {
		return fail(fmt.Errorf("counter list: %w", err))
	}
	var counters []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			counters = append(counters, f[0])
		}
	}
	if len(counters) == 0 {
		return fail(errors.New("the demo has no counters"))
	}
	tokens := make([]string, tablets)
	for i := range tokens {
		out, err := cli("device", "add", "--counter", counters[i%len(counters)])
		if err != nil {
			return fail(fmt.Errorf("device add: %w", err))
		}
		f := strings.Fields(out)
		if len(f) == 0 {
			return fail(errors.New("device add printed no token"))
		}
		tokens[i] = f[len(f)-1]
	}
	version, codes, err := surveyItems(url + "/api/v1/surveys/sipas-dv-2023")
	if err != nil {
		return fail(err)
	}
	script = filepath.Join(dir, "load.lua")
	if err := os.WriteFile(script, []byte(luaScript(tokens, codes, version, time.Now())), 0o600); err != nil {
		return fail(err)
	}
	return stop, url, script, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready in %s", url, limit)
}

// surveyItems reads the questionnaire's version and the codes of its
// largest group of items on one scale (the satisfaction items), 19 at most.
func surveyItems(url string) (version string, codes []string, err error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	var tree map[string]any
	if err := json.Unmarshal(body, &tree); err != nil {
		return "", nil, fmt.Errorf("%s: %w", url, err)
	}
	v, _ := json.Marshal(tree["version"])
	groups := map[string][]string{}
	var walk func(x any, inElements, underItems bool)
	walk = func(x any, inElements, underItems bool) {
		switch v := x.(type) {
		case map[string]any:
			if code, ok := v["code"].(string); ok && inElements && underItems {
				scale, _ := json.Marshal(v["scale"])
				groups[string(scale)] = append(groups[string(scale)], code)
			}
			for k, c := range v {
				walk(c, inElements || k == "elements", k == "items")
			}
		case []any:
			for _, c := range v {
				walk(c, inElements, underItems)
			}
		}
	}
	walk(tree, false, false)
	for _, g := range groups {
		if len(g) > len(codes) {
			codes = g
		}
	}
	if len(codes) == 0 {
		return "", nil, fmt.Errorf("%s: no items", url)
	}
	return string(v), codes[:min(19, len(codes))], nil
}

// luaScript is perf-ratio's load: every request a new random UUIDv4, the
// tablets in turn, random answers from 1 to 5 and the same comment.
func luaScript(tokens, codes []string, version string, now time.Time) string {
	q := func(ss []string) string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strconv.Quote(s)
		}
		return strings.Join(out, ",")
	}
	mid := fmt.Sprintf(`","survey":"sipas-dv-2023","version":%s,"channel":"kiosk","lang":"vi","answered_at":"%s","answers":{`,
		version, now.UTC().Format(time.RFC3339))
	post := `},"comment":"C\u00e1n b\u1ed9 h\u01b0\u1edbng d\u1eabn t\u1eadn t\u00ecnh, nh\u01b0ng ph\u1ea3i ch\u1edd kh\u00e1 l\u00e2u."}`
	return fmt.Sprintf(`local toks = {%s}
local codes = {%s}
local n = 0
function init(args) math.randomseed(os.time() * 64 + math.random(0, 1000000)) end
function request()
  n = n + 1
  local id = string.format("%%08x-%%04x-4%%03x-8%%03x-%%012x", math.random(0, 0x7fffffff), math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff), n * 7919 + math.random(0, 7000))
  local parts = {}
  for i, c in ipairs(codes) do parts[#parts + 1] = '"' .. c .. '":' .. math.random(1, 5) end
  local body = [==[{"id":"]==] .. id .. [==[%s]==] .. table.concat(parts, ",") .. [==[%s]==]
  return wrk.format("POST", "/api/v1/responses", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. toks[n %% #toks + 1]}, body)
end
`, q(tokens), q(codes), mid, post)
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkP99     = regexp.MustCompile(`(?m)^\s+99%\s+([\d.]+)(us|ms|s)\b`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkP99Unit = map[string]float64{"us": 0.001, "ms": 1, "s": 1000}
)

// parseWrk reads the rate, the p99 in milliseconds and the non-2xx count
// from wrk --latency's report.
func parseWrk(out string) (result, error) {
	var r result
	m := wrkRate.FindStringSubmatch(out)
	p := wrkP99.FindStringSubmatch(out)
	if m == nil || p == nil {
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Scan()
		return r, fmt.Errorf("wrk printed no rate or p99 (first line: %q)", sc.Text())
	}
	r.rate, _ = strconv.ParseFloat(m[1], 64)
	v, _ := strconv.ParseFloat(p[1], 64)
	r.p99 = v * wrkP99Unit[p[2]]
	if b := wrkNon2xx.FindStringSubmatch(out); b != nil {
		r.bad, _ = strconv.Atoi(b[1])
	}
	return r, nil
}
