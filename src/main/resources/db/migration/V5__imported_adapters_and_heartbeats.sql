-- Runs can also be PEFT adapters imported from elsewhere: where they came from (null for runs trained here).
alter table training_run add column imported_from varchar(500);

-- Several app instances can share one database: the instance training a run refreshes this every few seconds, so
-- another instance can tell a run whose server died (stale heartbeat) from one still training.
alter table training_run add column heartbeat_at timestamp(6) with time zone;
