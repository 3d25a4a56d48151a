package replica

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// TestS3Replica replicates to an S3-compatible server started by the test
// (gofakes3, in memory), reached as a province reaches MinIO or a local
// cloud's object storage: an endpoint in the URL, keys in the environment.
func TestS3Replica(t *testing.T) {
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
	url := "s3://sipas-backup/cantho?endpoint=" + ts.URL + "&region=us-east-1&force-path-style=true"
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
