package demo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

func TestBulkProfile(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BULK_N"))
	if n == 0 {
		t.Skip()
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := Bulk(ctx, db, cat, BulkOptions{Agencies: 3000, Months: 24, Responses: n, Now: time.Now(), Seed: 1}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d in %s", n, time.Since(start))
}
