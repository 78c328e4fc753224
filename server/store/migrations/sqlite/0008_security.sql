-- Closing holes found by trying Circle as an attacker (issue "Close the holes").

-- Each device id belongs to the user who first used it: a push, pull or live channel naming a
-- device of another user is refused, and a device's stored outcomes go to its owner only.
CREATE TABLE devices (
    client_id  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_ms BIGINT NOT NULL
);
CREATE INDEX devices_by_user ON devices (user_id);

-- A place in a circle is offered, then accepted: until the invited person accepts it (by
-- setting their password through the link, or, with an account already, by accepting it when
-- signed in) they see nothing of the record. Existing members had accepted.
ALTER TABLE circle_members ADD COLUMN accepted_ms BIGINT;
UPDATE circle_members SET accepted_ms = 0;
CREATE INDEX circle_members_by_user ON circle_members (user_id);
CREATE INDEX consent_by_user ON consent (user_id);

-- Invitation links end when another link of the same account is redeemed.
ALTER TABLE invitations ADD COLUMN ended_ms BIGINT;
ALTER TABLE account_invitations ADD COLUMN ended_ms BIGINT;
CREATE INDEX invitations_by_user ON invitations (user_id);
CREATE INDEX account_invitations_by_user ON account_invitations (user_id);

-- Who gave a staff role and when, so that a registered manager sees care access given by an
-- administrator. Roles from before this change have neither.
ALTER TABLE staff_roles ADD COLUMN granted_by TEXT;
ALTER TABLE staff_roles ADD COLUMN granted_ms BIGINT;

-- Failed sign-ins per key (an email or a network address), shared by every server over the
-- database, so that guessing is slowed down however many servers there are.
CREATE TABLE sign_in_failures (
    key       TEXT PRIMARY KEY,
    failures  BIGINT NOT NULL,
    last_ms   BIGINT NOT NULL
);

-- What every request reads: the audit trail by user and time (account events, "filter by
-- user").
CREATE INDEX audit_by_user ON audit_events (user_id, at_ms);
