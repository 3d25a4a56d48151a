package sqlite

import "context"

// AdminCounts are the totals on the administration home page.
type AdminCounts struct {
	Agencies, Counters, Officers, Users, Devices, APIKeys, Responses, PendingFlags int
}

// CountForAdmin returns the administration totals in one read.
func (db *DB) CountForAdmin(ctx context.Context) (AdminCounts, error) {
	var c AdminCounts
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM agencies WHERE valid_to IS NULL),
		(SELECT count(*) FROM counters WHERE active = 1),
		(SELECT count(*) FROM officers WHERE active = 1),
		(SELECT count(*) FROM users WHERE disabled = 0),
		(SELECT count(*) FROM devices WHERE revoked_at IS NULL),
		(SELECT count(*) FROM api_keys WHERE revoked_at IS NULL),
		(SELECT count(*) FROM responses),
		(SELECT count(*) FROM responses r WHERE r.flags <> ''
			AND NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.response_id = r.id))`).
		Scan(&c.Agencies, &c.Counters, &c.Officers, &c.Users, &c.Devices, &c.APIKeys, &c.Responses, &c.PendingFlags)
	return c, err
}
