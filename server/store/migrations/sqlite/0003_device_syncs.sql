-- When each device last synced each plan completely (every edit it made on the server, every
-- change on the device). Managers read it to see which devices are behind.
CREATE TABLE device_syncs (
    client_id        TEXT NOT NULL,
    person_id        TEXT NOT NULL REFERENCES people (id),
    label            TEXT NOT NULL,
    last_complete_ms BIGINT NOT NULL,
    PRIMARY KEY (client_id, person_id)
);
