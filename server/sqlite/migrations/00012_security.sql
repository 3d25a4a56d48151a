-- +goose Up
-- Security hardening (issue 10).

-- Staff PINs are stretched with PBKDF2-HMAC-SHA256 over their old form,
-- hex SHA-256(salt + PIN) (docs/decisions/0010). 0 iterations marks a tablet
-- paired before: the server stretches its verifier on the next config read.
ALTER TABLE devices ADD COLUMN staff_pin_iterations INTEGER NOT NULL DEFAULT 0;

-- A spent pairing code no longer needs the staff PIN it held in the clear.
UPDATE pairing_codes SET staff_pin = '' WHERE used_at IS NOT NULL;

-- Phone-form drafts still open, counted per client address to limit them.
CREATE INDEX form_drafts_client_open ON form_drafts (client) WHERE response_uid IS NULL;

-- +goose Down
SELECT 1;
