-- The tables reserve and settle touch, shaped as the migrations make them on PostgreSQL.
CREATE TABLE guilds (account_id bigint PRIMARY KEY, balance bigint NOT NULL, held bigint NOT NULL,
  credit_limit bigint NOT NULL DEFAULT 0);
CREATE TABLE card_call_settings (card_id bigint PRIMARY KEY, call_quota bigint NOT NULL);
CREATE TABLE calls (id bigserial PRIMARY KEY, account_id bigint NOT NULL, card_id bigint,
  card_slug varchar NOT NULL, state varchar NOT NULL, caller_number varchar NOT NULL,
  callee_number varchar NOT NULL, legs text NOT NULL, held bigint NOT NULL,
  authorized_at timestamptz NOT NULL, answered_at timestamptz, ended_at timestamptz,
  billed_secs int, cost bigint, outcome varchar, hangup_cause varchar, metered_at timestamptz,
  picked_up_at timestamptz, run_by varchar);
CREATE INDEX ON calls (account_id, authorized_at);
CREATE INDEX ON calls (state, metered_at);
CREATE TABLE ledger_entries (id bigserial PRIMARY KEY, account_id bigint NOT NULL,
  kind varchar NOT NULL, amount bigint NOT NULL, balance_after bigint NOT NULL, reference varchar,
  note varchar NOT NULL, created_by bigint, created_at timestamptz NOT NULL);
CREATE UNIQUE INDEX ON ledger_entries (kind, reference);
INSERT INTO guilds SELECT g, 1000000000, 0, 0 FROM generate_series(1, 16) g;
INSERT INTO card_call_settings SELECT g, 100000000 FROM generate_series(1, 16) g;
-- Aborts the whole statement (a step that must not stand alone).
CREATE FUNCTION callcard_abort(reason text) RETURNS integer LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION '%', reason; END $$;
