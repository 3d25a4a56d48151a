package replica

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// TestS3Replica replicates to an S3-compatible server started by the test
// (gofakes3, in memory), reached as a province reaches MinIO or a local
// cloud's object storage: an endpoint in the URL, keys in the environment.
func TestS3Replica(t *testing.T) {
	backend, _, url := startS3(t)
	replicateAndRestore(t, Config{URL: url})
	objs, err := backend.ListBucket("sipas-backup", &gofakes3.Prefix{HasPrefix: true, Prefix: "cantho/0000/"}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs.Contents) == 0 {
		t.Error("no level-0 LTX objects under the bucket's folder")
	}
	for _, o := range objs.Contents {
		if !strings.HasSuffix(o.Key, ".ltx") {
			t.Errorf("unexpected object %s", o.Key)
		}
	}
}

// startS3 runs an in-memory S3-compatible server with bucket sipas-backup
// and returns the replica URL of folder cantho in it.
func startS3(t *testing.T) (*s3mem.Backend, *httptest.Server, string) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("sipas-backup"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(ts.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "sipas")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "sipas-secret")
	// Litestream's S3 client brings its own HTTP client, to which the AWS SDK
	// cannot add AWS_CA_BUNDLE's roots: with it set, the client refuses to
	// start (docs/operations.md says to use SSL_CERT_FILE instead).
	t.Setenv("AWS_CA_BUNDLE", "")
	return backend, ts, "s3://sipas-backup/cantho?endpoint=" + ts.URL + "&region=us-east-1&force-path-style=true"
}

// TestLagWarningWhenTargetGoesAway: the storage stops answering, the lag
// grows past the maximum and the log says so once.
func TestLagWarningWhenTargetGoesAway(t *testing.T) {
	_, ts, url := startS3(t)
	cfg := Config{URL: url, MaxLag: 500 * time.Millisecond}
	db, r, logs := primary(t, cfg)
	write(t, db.Writer(), 1, 20)
	waitInStep(t, r, 20*time.Second)

	ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Watch(ctx)
	write(t, db.Writer(), 21, 20)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(logs.String(), "replica is behind") {
		if time.Now().After(deadline) {
			t.Fatalf("no lag warning; status %+v; log:\n%s", r.Status(), logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st := r.Status(); st.InStep() || st.Lag < cfg.MaxLag {
		t.Errorf("status while the storage is gone: %+v", st)
	}
	if n := strings.Count(logs.String(), "replica is behind"); n != 1 {
		t.Errorf("%d lag warnings, want one", n)
	}
	// Closing gives up on the unreachable storage when its context ends.
	cctx, ccancel := context.WithTimeout(context.Background(), time.Second)
	defer ccancel()
	if err := r.Close(cctx); err == nil {
		t.Error("closing with the last transactions not uploaded reported no error")
	}
}
