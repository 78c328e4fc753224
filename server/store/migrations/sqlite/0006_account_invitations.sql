-- Single-use links for new staff accounts (made by an administrator): like `invitations`, but
-- into a role in a service rather than into a person's circle. Only a hash of the token is kept.
CREATE TABLE account_invitations (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms    BIGINT
);
