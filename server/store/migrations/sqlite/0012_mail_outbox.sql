-- The outbox: each letter Circle emails (an agenda, a summary or an invitation, rendered for
-- one recipient with only what they may read), kept until the relay takes it and retried
-- after a failure; a letter that cannot be sent stays, marked failed, for a person to see and
-- try again. Once sent, its text is cleared: Circle keeps who was sent what, and when.
-- `topics` (comma-separated keys) is what the recipient could read when it was written: it is
-- sent only while they still may read all of it.
CREATE TABLE mail_outbox (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people (id),
    meeting_id       TEXT NOT NULL,
    document         TEXT NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id),
    to_name          TEXT NOT NULL,
    to_email         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    calendar         TEXT,
    topics           TEXT NOT NULL,
    queued_ms        BIGINT NOT NULL,
    queued_by        TEXT NOT NULL,
    tries            BIGINT NOT NULL DEFAULT 0,
    state            TEXT NOT NULL,
    next_try_ms      BIGINT NOT NULL,
    claimed_until_ms BIGINT NOT NULL DEFAULT 0,
    error            TEXT,
    sent_ms          BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_try_ms);
CREATE INDEX mail_outbox_by_meeting ON mail_outbox (person_id, meeting_id);
