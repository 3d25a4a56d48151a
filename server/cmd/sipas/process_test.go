package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// These helpers run the real binary as a child process, as an operator
// would, for the crash test and the load benchmark. Every child is stopped,
// and every temporary folder removed, when the test binary ends, however it
// ends: TestMain stops what is still running after the tests and
// benchmarks, and the kernel kills a child whose test process died first
// (Pdeathsig), so no `sipas serve` outlives a failed or killed run.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error

	childMu  sync.Mutex
	children []*server
	tempDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupChildren()
	os.Exit(code)
}

// cleanupChildren kills the children still running and removes the
// temporary folders.
func cleanupChildren() {
	childMu.Lock()
	defer childMu.Unlock()
	for _, s := range children {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Signal(syscall.SIGKILL)
			s.cmd.Wait()
		}
	}
	children = nil
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	tempDirs = nil
}

// tempDir makes a temporary folder that outlives a single test (the
// benchmark's server and the built binary are shared) and is removed at exit.
func tempDir(pattern string) (string, error) {
	d, err := os.MkdirTemp("", pattern)
	if err == nil {
		childMu.Lock()
		tempDirs = append(tempDirs, d)
		childMu.Unlock()
	}
	return d, err
}

// binaryEnv passes the built binary to a child test process (the
// benchmark's), which would otherwise build it again: a minute or more.
const binaryEnv = "SIPAS_TEST_BINARY"

func binary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(binaryEnv); p != "" {
		return p
	}
	buildOnce.Do(func() {
		dir, err := tempDir("sipas-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "sipas")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a running `sipas serve` child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	dir  string
	addr string
}

// startServer runs `sipas serve` on a free loopback port with dataDir and
// waits until /readyz answers.
func startServer(tb testing.TB, dataDir string, env ...string) *server {
	tb.Helper()
	addr := freePort(tb)
	cmd := exec.Command(binary(tb), "serve")
	cmd.Env = append(os.Environ(), "SIPAS_ADDR="+addr, "SIPAS_DATA_DIR="+dataDir, "SIPAS_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, dir: dataDir, addr: addr}
	childMu.Lock()
	children = append(children, s)
	childMu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	tb.Fatalf("server not ready; output:\n%s", logs.String())
	return nil
}

// kill stops the server with SIGKILL: no shutdown, no flush, as in a crash.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

// stop asks for a graceful stop and waits for it.
func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	return s.cmd.Wait()
}

// peakRSS is the child's high-water resident memory in bytes.
func (s *server) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cpu is the server process's CPU time so far, user and system, from
// /proc (in clock ticks, which Linux reports at 100 a second).
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// addDevices pairs n tablets, spread over the counters, writing to the same
// database file as the running server (WAL allows it), and returns their tokens.
func addDevices(tb testing.TB, dataDir string, n int) []string {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "sipas.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	// Load tablets whose staff PIN nobody types: the production 600,000
	// PBKDF2 iterations cost seconds per device under the race detector.
	db.StaffPINIterations = 1000
	counters, err := db.Counters(ctx, 0)
	if err != nil || len(counters) == 0 {
		tb.Fatalf("no counters: %v", err)
	}
	var tokens []string
	for i := range n {
		_, tok, _, err := db.AddDevice(ctx, counters[i%len(counters)].ID, time.Now())
		if err != nil {
			tb.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	return tokens
}

func osMkdirTemp() (string, error) { return tempDir("sipas-bench") }

// kioskLoad posts kiosk responses for def from clients concurrent tablets
// (tokens in turn), at most limit a second when limit is not nil, until
// stop is closed or the server stops answering; acked gets each id that
// was answered 201 or 200, with the time. The returned WaitGroup ends with
// the clients.
func kioskLoad(srv *server, def *survey.Definition, tokens []string, clients int, limit *rate.Limiter, stop <-chan struct{}, acked func(id string, at time.Time)) *sync.WaitGroup {
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 1; ; seq++ {
				if limit != nil && limit.Wait(context.Background()) != nil {
					return
				}
				select {
				case <-stop:
					return
				default:
				}
				id := uuid.Must(uuid.NewV7()).String()
				answers := map[string]int{}
				for i, q := range def.Items() {
					answers[q.Code] = 1 + (i+seq+c)%5
				}
				b, _ := json.Marshal(map[string]any{"id": id, "survey": def.ID, "version": def.Version, "channel": "kiosk",
					"seq": seq, "answers": answers})
				req, _ := http.NewRequest(http.MethodPost, srv.url+"/api/v1/responses", bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+tokens[c%len(tokens)])
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode == 201 || resp.StatusCode == 200 {
					acked(id, time.Now())
				}
			}
		}()
	}
	return &wg
}
