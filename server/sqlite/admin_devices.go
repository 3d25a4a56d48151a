package sqlite

import (
	"context"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// PairingTTL is how long a pairing code may be typed on a tablet.
const PairingTTL = 10 * time.Minute

// DeviceOfflineAfter is the default time without a heartbeat after which a
// tablet is shown as offline: a working day and a night.
const DeviceOfflineAfter = 24 * time.Hour

// DeviceInfo is a tablet with where it stands, for the device list.
type DeviceInfo struct {
	*survey.Device
	CounterCode string
	CounterName survey.Text
	AgencyCode  string
	Missing     int64 // sequence numbers never received: LastSeq − SeqCount
}

// Offline reports whether a live device has not been heard from within after.
func (d *DeviceInfo) Offline(now time.Time, after time.Duration) bool {
	return !d.Revoked() && (d.LastSeenAt == nil || now.Sub(*d.LastSeenAt) > after)
}

// DeviceList returns every device with its counter and agency, newest first.
func (db *DB) DeviceList(ctx context.Context) ([]*DeviceInfo, error) {
	devices, err := db.Devices(ctx, 0)
	if err != nil {
		return nil, err
	}
	counters, err := db.Counters(ctx, 0)
	if err != nil {
		return nil, err
	}
	agencies, err := db.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	byCounter := map[int64]*survey.Counter{}
	for _, c := range counters {
		byCounter[c.ID] = c
	}
	agencyCode := map[int64]string{}
	for _, a := range agencies {
		agencyCode[a.ID] = a.Code
	}
	out := make([]*DeviceInfo, 0, len(devices))
	for i := len(devices) - 1; i >= 0; i-- {
		d := devices[i]
		c := byCounter[d.CounterID]
		info := &DeviceInfo{Device: d, Missing: max(0, d.LastSeq-d.SeqCount)}
		if c != nil {
			info.CounterCode, info.CounterName, info.AgencyCode = c.Code, c.Name, agencyCode[c.AgencyID]
		}
		out = append(out, info)
	}
	return out, nil
}

// CreatePairingCode issues a pairing code (PairingTTL, single use)
// and logs that it was issued; neither the code nor the PIN is logged.
func (db *DB) CreatePairingCode(ctx context.Context, counterID int64, by survey.Actor, now time.Time) (code, pin string, err error) {
	c, err := db.Counter(ctx, counterID)
	if err != nil {
		return "", "", err
	}
	if code, pin, err = db.createPairingCode(ctx, counterID, now, PairingTTL); err != nil {
		return "", "", err
	}
	return code, pin, db.Audit(ctx, by, now, "device.pairing_code", "counter:"+c.Code, nil,
		map[string]any{"expires_at": now.Add(PairingTTL).UTC()})
}

// RevokeDevice revokes a device and logs it.
func (db *DB) RevokeDevice(ctx context.Context, id int64, by survey.Actor, now time.Time) error {
	d, err := db.Device(ctx, id)
	if err != nil {
		return err
	}
	if err := db.revokeDevice(ctx, id, now); err != nil {
		return err
	}
	return db.Audit(ctx, by, now, "device.revoke", "device:"+strconv.FormatInt(d.ID, 10), map[string]any{"revoked": false}, map[string]any{"revoked": true})
}
