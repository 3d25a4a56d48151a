package web

import (
	"net/url"
	"os"
	"testing"
)

func TestFormDebugDump(t *testing.T) {
	env := newFormEnv(t, 5)
	os.WriteFile("/tmp/formdbg/start.html", []byte(env.page(t, "/Q/"+formSIPAS)), 0o644)
	loc := env.post(t, "/Q/"+formSIPAS, url.Values{"action": {"next"}})
	t.Log(loc)
	os.WriteFile("/tmp/formdbg/p1.html", []byte(env.page(t, loc)), 0o644)
	os.WriteFile("/tmp/formdbg/quick.html", []byte(env.page(t, "/q/"+formQuick)), 0o644)
}
