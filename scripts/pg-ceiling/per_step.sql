-- reserve + settle of one answered call as reservation.rs sends them today: the joined read,
-- then take the unit, hold, insert the call in one transaction; then claim, price, release and
-- debit the Guild, write the entry in another.
\set a random(1, :issuers)
SELECT * FROM card_call_settings s JOIN guilds g ON g.account_id = s.card_id WHERE s.card_id = :a;
BEGIN;
UPDATE card_call_settings SET call_quota = call_quota - 1 WHERE card_id = :a AND call_quota > 0;
UPDATE guilds SET held = held + 60 WHERE account_id = :a AND balance + credit_limit - held - 60 >= 0;
INSERT INTO calls (account_id, card_id, card_slug, state, caller_number, callee_number, legs, held, authorized_at, metered_at, run_by) VALUES (:a, :a, 'load', 'reserved', 'browser', 'browser', '[{"class":"landline"}]', 60, now(), now(), 'n') RETURNING id AS id \gset call_
COMMIT;
BEGIN;
UPDATE calls SET state='settled', answered_at=now(), ended_at=now(), outcome='answered', hangup_cause='caller_hung_up' WHERE id = :call_id AND state='reserved' RETURNING *;
UPDATE calls SET billed_secs=60, cost=60 WHERE id = :call_id RETURNING *;
UPDATE guilds SET held = held - 60, balance = balance - 60 WHERE account_id = :a AND held >= 60 RETURNING *;
INSERT INTO ledger_entries (account_id, kind, amount, balance_after, reference, note, created_at) VALUES (:a, 'call_debit', -60, 0, 'call:' || :call_id, 'Call', now()) RETURNING *;
COMMIT;
