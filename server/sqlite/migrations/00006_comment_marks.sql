-- +goose Up
-- Comments an agency head has dealt with. A mark is about a response's free
-- text, so it is keyed by the response; who set it and when are kept, and
-- clearing the mark deletes the row. The response itself is never changed.
CREATE TABLE comment_marks (
    response_id INTEGER PRIMARY KEY REFERENCES responses (id),
    handled_by  INTEGER NOT NULL REFERENCES users (id),
    handled_at  TEXT NOT NULL
);

-- +goose Down
SELECT 1;
