package web

import (
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// deviceCache keeps recently seen tablets by token for a few seconds, so the
// submission hot path does not read the devices table on every response. A
// revocation through this server forgets the tablet at once; one made
// elsewhere (the sipas command, another node) takes effect within deviceTTL.
type deviceCache struct {
	mu sync.Mutex
	m  map[string]cachedDevice
}

type cachedDevice struct {
	d     *survey.Device
	until time.Time
}

const deviceTTL = 10 * time.Second

func (c *deviceCache) get(token string, now time.Time) *survey.Device {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[token]
	if !ok || now.After(e.until) {
		return nil
	}
	return e.d
}

func (c *deviceCache) put(token string, d *survey.Device, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[string]cachedDevice{}
	}
	c.m[token] = cachedDevice{d: d, until: now.Add(deviceTTL)}
}

// forget drops every cached entry of device id, once its revocation has
// committed, so the tablet's next request reads the devices table.
func (c *deviceCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tok, e := range c.m {
		if e.d.ID == id {
			delete(c.m, tok)
		}
	}
}
