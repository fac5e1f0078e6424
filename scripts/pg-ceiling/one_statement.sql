-- The same work as one statement per step (data-modifying CTEs): reserve, read the call, settle.
-- A unit taken without its money held, or a claim without its release, aborts the statement.
\set a random(1, :issuers)
WITH unit AS (UPDATE card_call_settings SET call_quota = call_quota - 1 WHERE card_id = :a AND call_quota > 0 RETURNING card_id),
hold AS (UPDATE guilds SET held = held + 60 WHERE account_id = :a AND balance + credit_limit - held >= 60 AND EXISTS (SELECT 1 FROM unit) RETURNING account_id),
ins AS (INSERT INTO calls (account_id, card_id, card_slug, state, caller_number, callee_number, legs, held, authorized_at, metered_at, run_by) SELECT :a, :a, 'load', 'reserved', 'browser', 'browser', '[{"class":"landline"}]', 60, now(), now(), 'n' FROM hold RETURNING id)
SELECT (SELECT id FROM ins) AS call_id, CASE WHEN (SELECT count(*) FROM unit) > (SELECT count(*) FROM hold) THEN callcard_abort('x') END \gset
SELECT * FROM calls WHERE id = :call_id;
WITH claimed AS (UPDATE calls SET state='settled', answered_at=now(), ended_at=now(), outcome='answered', hangup_cause='caller_hung_up', billed_secs=60, cost=60 WHERE id = :call_id AND state='reserved' AND held = 60 RETURNING *),
released AS (UPDATE guilds SET held = held - 60, balance = balance - 60 WHERE account_id = :a AND held >= 60 AND EXISTS (SELECT 1 FROM claimed) RETURNING balance),
entry AS (INSERT INTO ledger_entries (account_id, kind, amount, balance_after, reference, note, created_at) SELECT :a, 'call_debit', -60, balance, 'call:' || :call_id, 'Call', now() FROM released RETURNING id)
SELECT claimed.id, CASE WHEN (SELECT count(*) FROM released) = 0 THEN callcard_abort('y') END FROM claimed;
