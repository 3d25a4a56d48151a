package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// openapiFile is the API contract, relative to this package's directory
// (where go test runs).
const openapiFile = "../../docs/openapi.yaml"

// The contract test: docs/openapi.yaml is checked against the real handlers,
// not against itself. Every request below goes through the full Echo stack
// of a real server on a fresh SQLite file; every answer is validated against
// the document; every documented status must be produced by some request;
// and the document and the route table must list the same routes.

// TestOpenAPIDocumentMatchesTheHandlers fails on any drift between
// docs/openapi.yaml and server/web.
func TestOpenAPIDocumentMatchesTheHandlers(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, p := range checkContract(t, doc) {
		t.Error(p)
	}
}

// TestOpenAPIContractCatchesDrift breaks the document in memory in the ways
// it could drift from the code and requires the contract check to notice
// each one: a check that cannot fail proves nothing.
func TestOpenAPIContractCatchesDrift(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole contract once per mutation")
	}
	mutations := []struct {
		name   string
		mutate func(*openapi3.T)
		want   []string // substrings of one reported problem
	}{
		{"a property the server sends is not documented", func(d *openapi3.T) {
			delete(d.Components.Schemas["SubmitResult"].Value.Properties, "status")
		}, []string{"POST /api/v1/responses", "the response does not match"}},
		{"a field the server sends is documented with another type", func(d *openapi3.T) {
			d.Components.Schemas["KioskConfig"].Value.Properties["idle_seconds"].Value.Type = &openapi3.Types{"string"}
		}, []string{"GET /api/v1/kiosk/config", "the response does not match"}},
		{"a status the server answers is not documented", func(d *openapi3.T) {
			d.Paths.Value("/api/v1/tokens").Post.Responses.Delete("422")
		}, []string{"POST /api/v1/tokens", "status 422 is not documented"}},
		{"a documented status is never produced", func(d *openapi3.T) {
			d.Paths.Value("/api/v1/surveys").Get.Responses.Set("418", &openapi3.ResponseRef{
				Value: openapi3.NewResponse().WithDescription("teapot")})
		}, []string{"GET /api/v1/surveys", "418", "never produced"}},
		{"a required header is not sent", func(d *openapi3.T) {
			h := d.Paths.Value("/api/v1/kiosk/messages").Get.Responses.Value("200").Value.Headers
			h["ETag"] = d.Components.Headers["ETag"]
		}, []string{"GET /api/v1/kiosk/messages", "ETag"}},
		{"a route is missing from the document", func(d *openapi3.T) {
			d.Paths.Delete("/api/v1/kiosk/messages")
		}, []string{"GET /api/v1/kiosk/messages", "not in the document"}},
		{"a documented route does not exist", func(d *openapi3.T) {
			d.AddOperation("/api/v1/nowhere", http.MethodGet, &openapi3.Operation{Responses: openapi3.NewResponses(
				openapi3.WithStatus(200, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("nothing")}))})
		}, []string{"GET /api/v1/nowhere", "not in the route table"}},
		{"the document is less strict than the server", func(d *openapi3.T) {
			d.Components.Schemas["TokenRequest"].Value.AdditionalProperties = openapi3.AdditionalProperties{}
		}, []string{"POST /api/v1/tokens", "yet the server refuses it with 400"}},
		{"a request body field is renamed in the document", func(d *openapi3.T) {
			props := d.Components.Schemas["ResponseSubmission"].Value.Properties
			props["language"] = props["lang"]
			delete(props, "lang")
		}, []string{"POST /api/v1/responses", "request does not match"}},
		{"a figure the server sends as null is documented as always present", func(d *openapi3.T) {
			d.Components.Schemas["CI95"].Value.Nullable = false
		}, []string{"GET /api/v1/scores", "the response does not match"}},
		{"a ranking row field is not documented", func(d *openapi3.T) {
			delete(d.Components.Schemas["RankedRow"].Value.Properties, "clearly")
		}, []string{"GET /api/v1/rankings", "the response does not match"}},
		{"the dashboard session is not documented", func(d *openapi3.T) {
			d.Paths.Value("/api/v1/rankings").Get.Security = &openapi3.SecurityRequirements{{"apiKey": []string{}}}
		}, []string{"GET /api/v1/rankings", "request does not match"}},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			doc := loadOpenAPI(t)
			m.mutate(doc)
			problems := checkContract(t, doc)
			for _, p := range problems {
				if containsAll(p, m.want) {
					return
				}
			}
			t.Errorf("the broken document passed; want a problem with %q, got:\n%s", m.want, strings.Join(problems, "\n"))
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// loadOpenAPI reads and validates the contract document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(openapiFile)
	if err != nil {
		t.Fatalf("%s: %v", openapiFile, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", openapiFile, err)
	}
	return doc
}

// contractEnv is what the requests need: a healthy server with one agency,
// counter CT-01 and officer CB01, a server whose database is closed (for the
// 500s and the 503), and the credentials of each kind. For the scores, a
// second top-level agency H18 (counter CT-99) and an empty branch H17.01
// under H17, with a month of rolled-up responses (seedScores).
type contractEnv struct {
	s, broken *web.Server
	device    string // a paired tablet's token
	revoked   string // a revoked tablet's token
	key       string // API key with the tokens scope
	scopeless string // API key without it; it has the scores scope, province-wide
	h17Key    string // API key with the scores scope, bound to H17 and its subtree
	pairing   string // a live pairing code
	wrongPair string // a 6-digit code that is not live
	head      string // session cookie value of the head of H17
	province  string // session cookie value of a province user
}

func newContractEnv(t *testing.T) *contractEnv {
	t.Helper()
	ctx := context.Background()
	e := &contractEnv{s: newTestServer(t), broken: newTestServer(t)}
	c := place(t, e.s)
	now := e.s.Clock.Now()
	var err error
	if _, e.device, _, err = e.s.DB.AddDevice(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	d, revoked, _, err := e.s.DB.AddDevice(ctx, c.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	e.revoked = revoked
	if err := e.s.DB.RevokeDevice(ctx, d.ID, survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	if _, e.key, err = e.s.DB.CreateAPIKey(ctx, "một cửa", []string{"tokens"}, 0, survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	if _, e.scopeless, err = e.s.DB.CreateAPIKey(ctx, "bi", []string{"scores"}, 0, survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	if e.pairing, _, err = e.s.DB.CreatePairingCode(ctx, c.ID, survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(e.pairing)
	e.wrongPair = fmt.Sprintf("%06d", (n+1)%1_000_000) // the only live code is e.pairing
	e.seedScores(t, c)
	e.broken.DB.Close()
	return e
}

// seedScores adds what the scores and rankings need: agencies inside and
// outside H17's subtree, November 2026 responses submitted through the API
// and rolled up, a key bound to H17, and two dashboard sessions.
func (e *contractEnv) seedScores(t *testing.T, ct01 *survey.Counter) {
	t.Helper()
	ctx := context.Background()
	s := e.s
	h18 := &survey.Agency{Code: "H18", Name: survey.Text{"vi": "UBND tỉnh Hậu Giang", "en": "Hau Giang People's Committee"},
		Kind: survey.KindProvincePC, SurveyID: "nhanh"}
	if err := s.DB.CreateAgency(ctx, h18, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	branch := &survey.Agency{Code: "H17.01", Name: survey.Text{"vi": "Chi nhánh số 1"}, Kind: survey.KindCentreBranch, ParentID: ct01.AgencyID}
	if err := s.DB.CreateAgency(ctx, branch, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	// H17's target, which its branch inherits: the scores carry a target
	// object there and null for H18.
	rate := 30.0
	if _, err := s.DB.SetTarget(ctx, survey.Target{AgencyID: ct01.AgencyID, Year: 2026, Index: 85, ResponseRate: &rate}, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.CreateCounter(ctx, &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: h18.ID, Code: "CT-99", Number: 1,
		Name: survey.Text{"vi": "Quầy số 1"}, Active: true}, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Each response from its own address, so that no poster limit, repeat
	// or burst flag gets in the way. Phones cannot place their answers in
	// time: answered_at is ignored and all count at the server's time, in
	// November (the one at 22:00 is no longer flagged either).
	sent := 0
	submit := func(counter, surveyID string, answers map[string]any, hour int) {
		t.Helper()
		sent++
		d, _ := s.Surveys.Get(surveyID)
		at := time.Date(2026, 11, 1+sent%25, hour, sent%60, 0, 0, survey.Zone)
		b := body(t, s, map[string]any{"counter": counter, "survey": surveyID, "version": d.Version,
			"answers": answers, "answered_at": at.Format(time.RFC3339)})
		rec := serve(s, apiRequest{http.MethodPost, "/api/v1/responses", b, nil}, fmt.Sprintf("198.18.%d.%d:40000", sent/250, sent%250+1))
		if rec.Code != http.StatusCreated {
			t.Fatalf("seeding a response: %d %s", rec.Code, rec.Body)
		}
	}
	h17HL := []any{5, 4, 5, 4, 5, 5, 4, 3, 5, 4, 2, 5}
	for i := range 34 {
		submit("CT-01", "nhanh", map[string]any{"HL": h17HL[i%len(h17HL)]}, 8+i%9)
	}
	submit("CT-01", "nhanh", map[string]any{"HL": nil}, 10)
	submit("CT-01", "nhanh", map[string]any{"HL": 5}, 22)
	h18HL := []any{1, 2, 2, 1, 4, 2, 3, 1}
	for i := range 32 {
		submit("CT-99", "nhanh", map[string]any{"HL": h18HL[i%len(h18HL)]}, 8+i%9)
	}
	submit("CT-01", "sipas-dv-2023", map[string]any{"TC1": 5, "TC2": 4, "TT1": 2, "CC1": nil}, 9)
	submit("CT-01", "sipas-dv-2023", map[string]any{"TC1": 4, "TT1": 5, "KQ1": 3}, 11)
	submit("CT-01", "nd61", map[string]any{"ND1": 2, "ND2": 1, "ND3": 0, "ND8": nil}, 9)
	submit("CT-01", "nd61", map[string]any{"ND1": 1, "ND2": 2, "ND3": 2, "ND9": 1}, 14)
	// A dossier-bound nd61 rating and a month of dossier counts, so that the
	// scores carry response rates and the QĐ 766 indicator.
	nd61, _ := s.Surveys.Get("nd61")
	b := body(t, s, map[string]any{"counter": nil, "token": e.dossierCode(t), "survey": "nd61", "version": nd61.Version,
		"answers": map[string]any{"ND1": 1, "ND5": 2, "ND7": 0}})
	if rec := serve(s, apiRequest{http.MethodPost, "/api/v1/responses", b, nil}, "198.18.9.1:40000"); rec.Code != http.StatusCreated {
		t.Fatalf("seeding a dossier-bound rating: %d %s", rec.Code, rec.Body)
	}
	handled, late, complaints := 90, 3, 1
	if err := s.DB.PutDossierCounts(ctx, []survey.DossierCount{{Counter: "CT-01", Date: "2026-11-20", Received: 400,
		Handled: &handled, Late: &late, Complaints: &complaints}}, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.NewRollup(s.Surveys).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	var err error
	if _, e.h17Key, err = s.DB.CreateAPIKey(ctx, "bảng điều khiển H17", []string{"scores"}, ct01.AgencyID, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	addUser(t, s, "truong.h17", survey.RoleAgencyHead, ct01.AgencyID, "mat-khau-truong")
	addUser(t, s, "so.noi.vu", survey.RoleProvince, 0, "mat-khau-tinh")
	for _, u := range []struct {
		name, password string
		into           *string
	}{{"truong.h17", "mat-khau-truong", &e.head}, {"so.noi.vu", "mat-khau-tinh", &e.province}} {
		ck, code := signIn(t, s, u.name, u.password)
		if ck == nil {
			t.Fatalf("signing in %s: status %d", u.name, code)
		}
		*u.into = ck.Value
	}
}

// dossierCode issues a fresh one-time code at CT-01.
func (e *contractEnv) dossierCode(t *testing.T) string {
	t.Helper()
	tok, err := e.s.Collect.IssueToken(context.Background(), "CT-01", "HS-"+uuid.NewString()[:8], "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Code
}

// apiRequest is one request of the contract table.
type apiRequest struct {
	method, path, body string
	header             []string // name, value, ...
}

// apiCase is one row: a request, the status the handlers answer, and what
// the document must say of the request: that it is valid (the document must
// accept what the server takes), or that it is not (the document must be as
// strict as the server: unknown fields, wrong types, missing credentials).
// Requests refused for reasons a schema cannot express set neither.
type apiCase struct {
	name     string
	req      apiRequest
	status   int
	valid    bool
	rejected bool
	broken   bool                        // send to the server whose database is closed
	prep     func(send func(apiRequest)) // sent first from the same client address, e.g. to exhaust a rate limit
}

func bearerHeader(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

func sessionHeader(value string) []string { return []string{"Cookie", web.SessionCookie + "=" + value} }

// contractCases is the table. Each case gets its own client address, so the
// rate limits (keyed by address) of one case never leak into another.
func contractCases(t *testing.T, e *contractEnv) []apiCase {
	s := e.s
	sub := func(fields map[string]any) string { return body(t, s, fields) }
	postJSON := func(path, b string, header ...string) apiRequest {
		return apiRequest{http.MethodPost, path, b, header}
	}
	getReq := func(path string, header ...string) apiRequest {
		return apiRequest{http.MethodGet, path, "", header}
	}
	repeat := func(n int, r apiRequest) func(func(apiRequest)) {
		return func(send func(apiRequest)) {
			for range n {
				send(r)
			}
		}
	}
	big := strings.Repeat("x", 5<<10) // over the 4 KiB limit of small bodies
	nhanh, _ := s.Surveys.Get("nhanh")
	retry := sub(nil)
	sameID := uuid.NewString()
	usedCode := e.dossierCode(t)
	tokenBody := func(b string) apiRequest { return postJSON("/api/v1/tokens", b, bearerHeader(e.key)...) }
	countBody := func(b string) apiRequest { return postJSON("/api/v1/dossier-counts", b, bearerHeader(e.key)...) }
	heartbeat := func(b string, header ...string) apiRequest { return postJSON("/api/v1/kiosk/heartbeat", b, header...) }
	pair := func(b string) apiRequest { return postJSON("/api/v1/kiosk/pair", b) }

	cases := []apiCase{
		{name: "list surveys", req: getReq("/api/v1/surveys"), status: 200, valid: true},
		{name: "survey revalidated", req: getReq("/api/v1/surveys/nhanh", "If-None-Match", `"`+nhanh.Version+`"`), status: 304, valid: true},
		{name: "survey with a stale ETag", req: getReq("/api/v1/surveys/nhanh", "If-None-Match", `"0000000000000000"`), status: 200, valid: true},
		{name: "unknown survey", req: getReq("/api/v1/surveys/khong-co"), status: 404, valid: true},

		{name: "poster response", req: postJSON("/api/v1/responses", sub(nil)), status: 201, valid: true},
		{name: "web response, partial, with a no-answer", req: postJSON("/api/v1/responses", sub(map[string]any{
			"channel": "web", "partial": true, "lang": "en", "answers": map[string]any{"HL": 2, "LYDO": nil}})), status: 201, valid: true},
		{name: "tablet response", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk", "counter": nil, "seq": 1}),
			bearerHeader(e.device)...), status: 201, valid: true},
		{name: "response with a dossier code", req: postJSON("/api/v1/responses", sub(map[string]any{
			"token": e.dossierCode(t), "counter": nil, "comment": "Nhanh gọn"})), status: 201, valid: true},
		{name: "officer named by a phone", req: postJSON("/api/v1/responses", sub(map[string]any{"officer": "CB01"})), status: 422, valid: true},
		{name: "response sent as text/plain", req: postJSON("/api/v1/responses", sub(nil), "Content-Type", "text/plain"), status: 415, rejected: true},
		{name: "response from another site's page", req: postJSON("/api/v1/responses", sub(nil), "Origin", "https://evil.example"), status: 403},
		{name: "retry of a stored response", req: postJSON("/api/v1/responses", retry), status: 200, valid: true,
			prep: repeat(1, postJSON("/api/v1/responses", retry))},
		{name: "malformed response", req: postJSON("/api/v1/responses", `{"id": `), status: 400, rejected: true},
		{name: "response with an unknown field", req: postJSON("/api/v1/responses", sub(map[string]any{"language": "vi"})), status: 400, rejected: true},
		{name: "response with a wrong JSON type", req: postJSON("/api/v1/responses", sub(map[string]any{"seq": "một"})), status: 400, rejected: true},
		{name: "kiosk response without a device", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk"})), status: 401},
		{name: "unknown device token", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk"}), bearerHeader("nope")...), status: 401, valid: true},
		{name: "revoked device", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk"}), bearerHeader(e.revoked)...), status: 403, valid: true},
		{name: "paper over the API", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "paper"})), status: 403, valid: true},
		{name: "same id, other content", req: postJSON("/api/v1/responses", sub(map[string]any{"id": sameID, "answers": map[string]any{"HL": 1}})),
			status: 409, valid: true, prep: repeat(1, postJSON("/api/v1/responses", sub(map[string]any{"id": sameID})))},
		{name: "dossier code used twice", req: postJSON("/api/v1/responses", sub(map[string]any{"token": usedCode, "counter": nil})),
			status: 409, valid: true, prep: repeat(1, postJSON("/api/v1/responses", sub(map[string]any{"token": usedCode, "counter": nil})))},
		{name: "oversized response", req: postJSON("/api/v1/responses", sub(map[string]any{"comment": strings.Repeat("x", 70<<10)})), status: 413},
		{name: "answer off the scale", req: postJSON("/api/v1/responses", sub(map[string]any{"answers": map[string]any{"HL": 7}})), status: 422, valid: true},
		{name: "unknown counter", req: postJSON("/api/v1/responses", sub(map[string]any{"counter": "NOPE"})), status: 422, valid: true},
		{name: "poster over its rate", req: postJSON("/api/v1/responses", sub(nil)), status: 429, valid: true,
			prep: func(send func(apiRequest)) {
				for range 5 {
					send(postJSON("/api/v1/responses", sub(nil)))
				}
			}},
		{name: "device token guessing", req: postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk"}), bearerHeader("nope")...),
			status: 429, valid: true, prep: repeat(10, postJSON("/api/v1/responses", sub(map[string]any{"channel": "kiosk"}), bearerHeader("nope")...))},
		{name: "response, database down", req: postJSON("/api/v1/responses", sub(nil)), status: 500, valid: true, broken: true},

		{name: "issue a dossier code", req: tokenBody(`{"counter":"CT-01","dossier":"HS-2026-001","officer":"CB01","ttl":"720h"}`), status: 201, valid: true},
		{name: "token request with an unknown field", req: tokenBody(`{"counter":"CT-01","dossier":"HS-1","hoso":"x"}`), status: 400, rejected: true},
		{name: "token request without a key", req: postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`), status: 401, rejected: true},
		{name: "token request with an unknown key", req: postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, bearerHeader("sk_nope")...), status: 401, valid: true},
		{name: "token request without the scope", req: postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, bearerHeader(e.scopeless)...), status: 403, valid: true},
		{name: "oversized token request", req: tokenBody(`{"counter":"CT-01","dossier":"` + big + `"}`), status: 413, rejected: true},
		{name: "empty dossier number", req: tokenBody(`{"counter":"CT-01","dossier":""}`), status: 422, rejected: true},
		{name: "bad ttl", req: tokenBody(`{"counter":"CT-01","dossier":"HS-1","ttl":"mãi mãi"}`), status: 422, valid: true},
		{name: "API key guessing", req: postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, bearerHeader("sk_nope")...), status: 429, valid: true,
			prep: repeat(10, postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, bearerHeader("sk_nope")...))},
		{name: "token request, database down", req: postJSON("/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, bearerHeader("sk_any")...),
			status: 500, valid: true, broken: true},

		{name: "report a day's dossiers", req: countBody(`{"counter":"CT-01","date":"2026-11-26","received":42}`), status: 200, valid: true},
		{name: "report a day's dossiers with the QĐ 766 inputs", req: countBody(`{"counter":"CT-01","date":"2026-11-27","received":42,"handled":40,"late":2,"complaints":1}`),
			status: 200, valid: true},
		{name: "dossier count with an unknown field", req: countBody(`{"counter":"CT-01","date":"2026-11-27","received":1,"ngay":"x"}`), status: 400, rejected: true},
		{name: "dossier count without a key", req: postJSON("/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1}`), status: 401, rejected: true},
		{name: "dossier count without the scope", req: postJSON("/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1}`, bearerHeader(e.scopeless)...),
			status: 403, valid: true},
		{name: "oversized dossier count", req: countBody(`{"counter":"` + big + `","date":"2026-11-27","received":1}`), status: 413, rejected: true},
		{name: "dossier count without received", req: countBody(`{"counter":"CT-01","date":"2026-11-27"}`), status: 422, rejected: true},
		{name: "negative dossier count", req: countBody(`{"counter":"CT-01","date":"2026-11-27","received":-1}`), status: 422, rejected: true},
		{name: "more late dossiers than handled", req: countBody(`{"counter":"CT-01","date":"2026-11-27","received":5,"handled":3,"late":4}`), status: 422, valid: true},
		{name: "dossier count of an unknown counter", req: countBody(`{"counter":"NOPE","date":"2026-11-27","received":1}`), status: 422, valid: true},
		{name: "dossier count, key guessing", req: postJSON("/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1}`, bearerHeader("sk_nope")...),
			status: 429, valid: true, prep: repeat(10, postJSON("/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1}`, bearerHeader("sk_nope")...))},
		{name: "dossier count, database down", req: postJSON("/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1}`, bearerHeader("sk_any")...),
			status: 500, valid: true, broken: true},

		{name: "pair a tablet", req: pair(`{"code":"` + e.pairing + `","app_version":"1.0.0"}`), status: 201, valid: true},
		{name: "pairing with an unknown field", req: pair(`{"code":"123456","pin":"1"}`), status: 400, rejected: true},
		{name: "oversized pairing", req: pair(`{"code":"` + big + `"}`), status: 413, rejected: true},
		{name: "pairing code of the wrong length", req: pair(`{"code":"12"}`), status: 422, rejected: true},
		{name: "unknown pairing code", req: pair(`{"code":"` + e.wrongPair + `"}`), status: 422, valid: true},
		{name: "pairing code guessing", req: pair(`{"code":"` + e.wrongPair + `"}`), status: 429, valid: true,
			prep: repeat(10, pair(`{"code":"`+e.wrongPair+`"}`))},
		{name: "pairing, database down", req: pair(`{"code":"123456"}`), status: 500, valid: true, broken: true},

		{name: "tablet config", req: getReq("/api/v1/kiosk/config", bearerHeader(e.device)...), status: 200, valid: true},
		{name: "config without a token", req: getReq("/api/v1/kiosk/config"), status: 401, rejected: true},
		{name: "config with an unknown token", req: getReq("/api/v1/kiosk/config", bearerHeader("nope")...), status: 401, valid: true},
		{name: "config of a revoked tablet", req: getReq("/api/v1/kiosk/config", bearerHeader(e.revoked)...), status: 403, valid: true},
		{name: "config, token guessing", req: getReq("/api/v1/kiosk/config", bearerHeader("nope")...), status: 429, valid: true,
			prep: repeat(10, getReq("/api/v1/kiosk/config", bearerHeader("nope")...))},
		{name: "config, database down", req: getReq("/api/v1/kiosk/config", bearerHeader("any")...), status: 500, valid: true, broken: true},

		{name: "heartbeat", req: heartbeat(`{"app_version":"1.0.0","outbox":3,"rejected":1,"last_sync":"2026-11-27T08:30:00+07:00"}`, bearerHeader(e.device)...),
			status: 204, valid: true},
		{name: "empty heartbeat object", req: heartbeat(`{}`, bearerHeader(e.device)...), status: 204, valid: true},
		{name: "heartbeat without a body", req: heartbeat(``, bearerHeader(e.device)...), status: 400, rejected: true},
		{name: "heartbeat with an unknown field", req: heartbeat(`{"battery":80}`, bearerHeader(e.device)...), status: 400, rejected: true},
		{name: "heartbeat without a token", req: heartbeat(`{}`), status: 401, rejected: true},
		{name: "heartbeat of a revoked tablet", req: heartbeat(`{}`, bearerHeader(e.revoked)...), status: 403, valid: true},
		{name: "oversized heartbeat", req: heartbeat(`{"app_version":"`+big+`"}`, bearerHeader(e.device)...), status: 413},
		{name: "heartbeat with a bad time", req: heartbeat(`{"last_sync":"hôm qua"}`, bearerHeader(e.device)...), status: 422, rejected: true},
		{name: "heartbeat, token guessing", req: heartbeat(`{}`, bearerHeader("nope")...), status: 429, valid: true,
			prep: repeat(10, heartbeat(`{}`, bearerHeader("nope")...))},
		{name: "heartbeat, database down", req: heartbeat(`{}`, bearerHeader("any")...), status: 500, valid: true, broken: true},

		{name: "kiosk messages", req: getReq("/api/v1/kiosk/messages?lang=en"), status: 200, valid: true},
		{name: "kiosk messages in the default language", req: getReq("/api/v1/kiosk/messages"), status: 200, valid: true},
		{name: "kiosk messages in an unknown language", req: getReq("/api/v1/kiosk/messages?lang=fr"), status: 200, valid: true},

		{name: "liveness", req: getReq("/healthz"), status: 200, valid: true},
		{name: "readiness", req: getReq("/readyz"), status: 200, valid: true},
		{name: "readiness, database down", req: getReq("/readyz"), status: 503, valid: true, broken: true},
	}
	cases = append(cases, scoresCases(e, getReq, repeat)...)
	// Every shipped questionnaire, so the definition schema is checked
	// against each kind of question, scale and part there is.
	for _, d := range s.Surveys.All() {
		cases = append(cases, apiCase{name: "definition " + d.ID, req: getReq("/api/v1/surveys/" + d.ID), status: 200, valid: true})
	}
	return cases
}

// scoresCases are the rows of GET /api/v1/scores and GET /api/v1/rankings.
func scoresCases(e *contractEnv, getReq func(string, ...string) apiRequest, repeat func(int, apiRequest) func(func(apiRequest))) []apiCase {
	province, h17 := bearerHeader(e.scopeless), bearerHeader(e.h17Key)
	head, prov := sessionHeader(e.head), sessionHeader(e.province)
	score := func(query string, header ...string) apiRequest { return getReq("/api/v1/scores?"+query, header...) }
	rank := func(query string, header ...string) apiRequest { return getReq("/api/v1/rankings?"+query, header...) }
	const nov = "agency=H17&month=2026-11"
	return []apiCase{
		{name: "score, the agency's own questionnaire", req: score(nov, province...), status: 200, valid: true},
		{name: "score of a SIPAS questionnaire, in English", req: score(nov+"&survey=sipas-dv-2023&lang=en", h17...), status: 200, valid: true},
		{name: "score under nd61", req: score(nov+"&survey=nd61", h17...), status: 200, valid: true},
		{name: "score of an empty month", req: score("agency=H17&month=2026-10", province...), status: 200, valid: true},
		{name: "score of a branch, agency head", req: score("agency=H17.01&month=2026-11", head...), status: 200, valid: true},
		{name: "score of another agency, province user", req: score("agency=H18&month=2026-11&survey=nhanh", prov...), status: 200, valid: true},
		{name: "score, month malformed", req: score("agency=H17&month=2026-13", province...), status: 400, rejected: true},
		{name: "score, month missing", req: score("agency=H17", province...), status: 400, rejected: true},
		{name: "score, unknown questionnaire", req: score(nov+"&survey=khong-co", province...), status: 400, valid: true},
		{name: "score without credentials", req: score(nov), status: 401, rejected: true},
		{name: "score with an unknown key", req: score(nov, bearerHeader("sk_nope")...), status: 401, valid: true},
		{name: "score with an expired session", req: score(nov, sessionHeader("khong-co")...), status: 401, valid: true},
		{name: "score, key without the scores scope", req: score(nov, bearerHeader(e.key)...), status: 403, valid: true},
		{name: "score outside the key's agency", req: score("agency=H18&month=2026-11", h17...), status: 403, valid: true},
		{name: "score outside the agency head's", req: score("agency=H18&month=2026-11", head...), status: 403, valid: true},
		{name: "score of an unknown agency", req: score("agency=H99&month=2026-11", province...), status: 404, valid: true},
		{name: "score without an agency", req: score("month=2026-11", province...), status: 404, rejected: true},
		{name: "score, key guessing", req: score(nov, bearerHeader("sk_nope")...), status: 429, valid: true,
			prep: repeat(10, score(nov, bearerHeader("sk_nope")...))},
		{name: "score, database down", req: score(nov, bearerHeader("sk_any")...), status: 500, valid: true, broken: true},

		{name: "ranking of the province", req: rank("month=2026-11&survey=nhanh", province...), status: 200, valid: true},
		{name: "ranking of the province, province user, default questionnaire", req: rank("month=2026-11&lang=en", prov...), status: 200, valid: true},
		{name: "ranking under the key's agency", req: rank("month=2026-11&survey=nhanh&parent=H17", h17...), status: 200, valid: true},
		{name: "ranking under the agency head's", req: rank("month=2026-11&parent=H17", head...), status: 200, valid: true},
		{name: "ranking, month malformed", req: rank("month=11-2026", province...), status: 400, rejected: true},
		{name: "ranking, unknown questionnaire", req: rank("month=2026-11&survey=khong-co", province...), status: 400, valid: true},
		{name: "ranking without credentials", req: rank("month=2026-11"), status: 401, rejected: true},
		{name: "ranking with an unknown key", req: rank("month=2026-11", bearerHeader("sk_nope")...), status: 401, valid: true},
		{name: "ranking, key without the scores scope", req: rank("month=2026-11", bearerHeader(e.key)...), status: 403, valid: true},
		{name: "ranking of the province, key bound to an agency", req: rank("month=2026-11", h17...), status: 403, valid: true},
		{name: "ranking of the province, agency head", req: rank("month=2026-11", head...), status: 403, valid: true},
		{name: "ranking under another agency", req: rank("month=2026-11&parent=H18", h17...), status: 403, valid: true},
		{name: "ranking under an unknown parent", req: rank("month=2026-11&parent=H99", province...), status: 404, valid: true},
		{name: "ranking, key guessing", req: rank("month=2026-11", bearerHeader("sk_nope")...), status: 429, valid: true,
			prep: repeat(10, rank("month=2026-11", bearerHeader("sk_nope")...))},
		{name: "ranking, database down", req: rank("month=2026-11", bearerHeader("sk_any")...), status: 500, valid: true, broken: true},
	}
}

// checkContract runs the table against the document and returns every
// disagreement, one sentence each, naming the route.
func checkContract(t *testing.T, doc *openapi3.T) []string {
	t.Helper()
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := newContractEnv(t)
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	covered := map[string]bool{} // "GET /path 200"
	for i, tc := range contractCases(t, e) {
		srv := e.s
		if tc.broken {
			srv = e.broken
		}
		client := fmt.Sprintf("10.%d.%d.%d:40000", i/62500, i/250%250, i%250+1)
		if tc.prep != nil {
			tc.prep(func(r apiRequest) { serve(srv, r, client) })
		}
		route, params, err := router.FindRoute(newRequest(tc.req, client))
		if err != nil {
			report("%s %s (%s): not in the document: %v", tc.req.method, tc.req.path, tc.name, err)
			continue
		}
		op := route.Method + " " + route.Path
		input := &openapi3filter.RequestValidationInput{
			Request: newRequest(tc.req, client), PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: checkBearer, MultiError: true},
		}
		switch err := openapi3filter.ValidateRequest(context.Background(), input); {
		case tc.valid && err != nil:
			report("%s (%s): request does not match the document, yet the server takes it: %v", op, tc.name, err)
		case tc.rejected && err == nil:
			report("%s (%s): request matches the document, yet the server refuses it with %d", op, tc.name, tc.status)
		}
		rec := serve(srv, tc.req, client)
		if rec.Code != tc.status {
			report("%s (%s): status %d, want %d: %s", op, tc.name, rec.Code, tc.status, rec.Body)
			continue
		}
		covered[fmt.Sprintf("%s %d", op, rec.Code)] = true
		for _, p := range checkResponse(route, input, rec) {
			report("%s (%s): %s", op, tc.name, p)
		}
	}

	// Every documented status of every operation is produced above.
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = true
			for status := range op.Responses.Map() {
				if _, err := strconv.Atoi(status); err != nil {
					report("%s %s: response %q: list exact statuses, so that an undocumented one fails", method, path, status)
					continue
				}
				if !covered[method+" "+path+" "+status] {
					report("%s %s: documented status %s is never produced by the contract table", method, path, status)
				}
			}
		}
	}

	// The route table and the document list the same API routes.
	inTable := map[string]bool{}
	for _, r := range web.Echo(e.s).Routes() {
		if strings.Contains(r.Path, "*") || !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz") {
			continue
		}
		key := r.Method + " " + echoParam.ReplaceAllString(r.Path, "{$1}")
		inTable[key] = true
		if !documented[key] {
			report("%s: in the route table (server/web/routes.go) but not in the document", key)
		}
	}
	for key := range documented {
		if !inTable[key] {
			report("%s: in the document but not in the route table (server/web/routes.go)", key)
		}
	}
	slices.Sort(problems)
	return problems
}

// echoParam matches an Echo path parameter (":id"), OpenAPI's "{id}".
var echoParam = regexp.MustCompile(`:(\w+)`)

// checkResponse validates one real answer against its documented response.
func checkResponse(route *routers.Route, input *openapi3filter.RequestValidationInput, rec *httptest.ResponseRecorder) []string {
	var out []string
	ref := route.Operation.Responses.Status(rec.Code)
	if ref == nil || ref.Value == nil {
		return []string{fmt.Sprintf("status %d is not documented", rec.Code)}
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: rec.Code, Header: rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		out = append(out, fmt.Sprintf("the response does not match the document: %v\nbody: %.300s", err, rec.Body))
	}
	// ValidateResponse skips 304 altogether and does not look at bodies
	// that the document says are absent: check those here.
	for name, h := range ref.Value.Headers {
		if h.Value != nil && h.Value.Required && rec.Header().Get(name) == "" {
			out = append(out, fmt.Sprintf("status %d: required header %s is missing", rec.Code, name))
		}
	}
	if len(ref.Value.Content) == 0 && rec.Body.Len() > 0 {
		out = append(out, fmt.Sprintf("status %d is documented without a body but has one: %.200s", rec.Code, rec.Body))
	}
	// The document promises an X-Request-ID on every answer.
	if rec.Header().Get("X-Request-ID") == "" {
		out = append(out, "no X-Request-ID header")
	}
	return out
}

// checkBearer is the document's security checked from the outside: a bearer
// token is present, and an apiKey one has the sk_ prefix the server requires;
// a cookie scheme's cookie is present.
func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	req := in.RequestValidationInput.Request
	if sc := in.SecurityScheme; sc != nil && sc.Type == "apiKey" && sc.In == "cookie" {
		if ck, err := req.Cookie(sc.Name); err != nil || ck.Value == "" {
			return fmt.Errorf("no %s cookie", sc.Name)
		}
		return nil
	}
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	switch {
	case !ok || tok == "":
		return errors.New("no bearer token")
	case in.SecuritySchemeName == "apiKey" && !strings.HasPrefix(tok, "sk_"):
		return errors.New("an API key starts with sk_")
	}
	return nil
}

// newRequest builds the request of a case; called once per use, because
// validating a request reads its body.
func newRequest(r apiRequest, client string) *http.Request {
	var b io.Reader = http.NoBody
	if r.body != "" {
		b = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.path, b)
	if r.body != "" || r.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = client
	for i := 0; i+1 < len(r.header); i += 2 {
		req.Header.Set(r.header[i], r.header[i+1])
	}
	return req
}

func serve(s *web.Server, r apiRequest, client string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, newRequest(r, client))
	return rec
}
