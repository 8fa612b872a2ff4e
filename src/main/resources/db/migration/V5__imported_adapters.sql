-- Runs can also be PEFT adapters imported from elsewhere: where they came from (null for runs trained here).
alter table training_run add column imported_from varchar(500);
