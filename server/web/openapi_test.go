package web

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
// 500s and the 503), and the credentials of each kind.
type contractEnv struct {
	s, broken *Server
	device    string // a paired tablet's token
	revoked   string // a revoked tablet's token
	key       string // API key with the tokens scope
	scopeless string // API key without it
	pairing   string // a live pairing code
	wrongPair string // a 6-digit code that is not live
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
	if err := e.s.DB.RevokeDevice(ctx, d.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, e.key, err = e.s.DB.CreateAPIKey(ctx, "một cửa", []string{"tokens"}, 0, now); err != nil {
		t.Fatal(err)
	}
	if _, e.scopeless, err = e.s.DB.CreateAPIKey(ctx, "bi", []string{"scores"}, 0, now); err != nil {
		t.Fatal(err)
	}
	if e.pairing, _, err = e.s.DB.CreatePairingCode(ctx, c.ID, now, time.Hour); err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(e.pairing)
	e.wrongPair = fmt.Sprintf("%06d", (n+1)%1_000_000) // the only live code is e.pairing
	e.broken.DB.Close()
	return e
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
			"token": e.dossierCode(t), "counter": nil, "officer": "CB01", "comment": "Nhanh gọn"})), status: 201, valid: true},
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
	// Every shipped questionnaire, so the definition schema is checked
	// against each kind of question, scale and part there is.
	for _, d := range s.Surveys.All() {
		cases = append(cases, apiCase{name: "definition " + d.ID, req: getReq("/api/v1/surveys/" + d.ID), status: 200, valid: true})
	}
	return cases
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
	for _, r := range e.s.echo.Routes() {
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
// token is present, and an apiKey one has the sk_ prefix the server requires.
func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	tok, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
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

func serve(s *Server, r apiRequest, client string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, newRequest(r, client))
	return rec
}
