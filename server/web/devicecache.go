package web

import (
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// deviceCache keeps recently seen tablets by token for a few seconds, so the
// submission hot path does not read the devices table on every response. A
// revocation therefore takes effect within deviceTTL.
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
