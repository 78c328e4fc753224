-- The access epoch: one number that every change to who may see what (accounts, staff roles,
-- circles, consent, people) advances inside its own transaction. A server keeps what each
-- request asks about access in memory only while the epoch it last read is unchanged, so a
-- change committed by any server is seen by every server at its next request.
CREATE TABLE access_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO access_epoch (id, version) VALUES (1, 0);
