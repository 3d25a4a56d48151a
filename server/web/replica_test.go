package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/survey"
)

// TestReplicaStateOnReadinessAndAdminHome runs a real replica to a folder
// and reads its state where the operator looks: /readyz (checked against
// docs/openapi.yaml) and the admin home page, in both languages.
func TestReplicaStateOnReadinessAndAdminHome(t *testing.T) {
	ctx := context.Background()
	target := "file://" + t.TempDir()
	a := newApp(t, app.Config{Replica: replica.Config{URL: target, MaxLag: 10 * time.Second}}, app.Options{})
	s, r := a.Web, a.Replica
	place(t, s)
	addUser(t, s, "quantri", survey.RoleAdmin, 0, adminPassword)
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	req := apiRequest{method: http.MethodGet, path: "/readyz"}
	rec := serve(s, req, "10.9.9.9:40000")
	var body struct {
		Checks  map[string]string `json:"checks"`
		Replica struct {
			Target     string  `json:"target"`
			Lag        float64 `json:"lag_seconds"`
			Replicated uint64  `json:"replicated_txid"`
		} `json:"replica"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
		t.Fatalf("readyz %d %s", rec.Code, rec.Body)
	}
	if body.Checks["replica"] != "ok" || body.Replica.Target != target || body.Replica.Replicated == 0 || body.Replica.Lag != 0 {
		t.Errorf("readyz replica detail: %s", rec.Body)
	}
	router, err := legacy.NewRouter(loadOpenAPI(t))
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(newRequest(req, "10.9.9.9:40000"))
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.RequestValidationInput{Request: newRequest(req, "10.9.9.9:40000"), PathParams: params, Route: route}
	for _, p := range checkResponse(route, in, rec) {
		t.Error(p)
	}

	admin := signedIn(t, s, "quantri", adminPassword)
	for lang, want := range map[string][]string{
		"vi": {"Bản sao dữ liệu", "Đã đồng bộ", target},
		"en": {"Database replica", "In step", target},
	} {
		// Signing in wrote a session: copy it, so that the page does not
		// race Litestream's own sync (it lost under -race).
		if err := r.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		page := admin.get("/admin?lang=" + lang).Body.String()
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("admin home (%s) lacks %q", lang, w)
			}
		}
	}
}

// TestAdminHomeSaysWhenNoReplica: without SIPAS_REPLICA the page says what a dead disk would cost.
func TestAdminHomeSaysWhenNoReplica(t *testing.T) {
	_, admin := adminSetup(t)
	if page := admin.get("/admin").Body.String(); !strings.Contains(page, "Chưa cấu hình bản sao") {
		t.Error("admin home does not say that no replica is configured")
	}
}
