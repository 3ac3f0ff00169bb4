-- The last checkpoint of a CSV export ({ cursor, parts, rows, attempt }), written with its progress after
-- each stored part. Heartbeat details reach Temporal throttled (up to 80 % of the heartbeat timeout late),
-- so a worker killed outright may leave Temporal an older checkpoint than the parts it stored; the retry
-- resumes from whichever of the two is further, and so re-reads at most the part that was in flight.
alter table reports.reports add column export_checkpoint jsonb;
