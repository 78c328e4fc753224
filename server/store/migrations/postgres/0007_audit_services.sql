-- Running a service (staff roles given and taken away, services added and renamed) is audited
-- too: such events name the service instead of a person's record.
ALTER TABLE audit_events ADD COLUMN service_id TEXT;
CREATE INDEX audit_by_service ON audit_events (service_id, at_ms);
