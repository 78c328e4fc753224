-- The governance figures of settled months, kept so that a dashboard counts again only the
-- months still changing (`store::governance`, "Kept figures"). One row a service and month:
-- `stamp` goes up whenever something its figures are counted from changes (a record of the
-- month, a person's service, every month at each start), and `filled` is the stamp its
-- counts were counted at; the counts are used only while the two are the same.
CREATE TABLE governance_cells (
    service_id TEXT NOT NULL,
    month      TEXT NOT NULL,
    stamp      BIGINT NOT NULL,
    filled     BIGINT,
    PRIMARY KEY (service_id, month)
);

-- Each figure's count of a kept month (met of counted); a figure with nothing counted has none.
CREATE TABLE governance_cell_counts (
    service_id TEXT NOT NULL,
    month      TEXT NOT NULL,
    figure     TEXT NOT NULL,
    met        BIGINT NOT NULL,
    counted    BIGINT NOT NULL,
    PRIMARY KEY (service_id, month, figure)
);
