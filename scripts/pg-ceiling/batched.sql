-- The work of one_statement.sql for :k calls at once: one statement reserves them all, one
-- settles them all. Rows are locked in key order (cards, then Guilds) so that batches over
-- several issuers cannot deadlock one another.
WITH req AS MATERIALIZED (SELECT g AS n, 1 + floor(random() * :issuers)::bigint AS a FROM generate_series(1, :k) g),
want AS MATERIALIZED (SELECT a, count(*) AS units, 60 * count(*) AS hold FROM req GROUP BY a),
locked AS MATERIALIZED (SELECT c.card_id, g.account_id FROM card_call_settings c JOIN guilds g ON g.account_id = c.card_id WHERE c.card_id IN (SELECT a FROM want) ORDER BY c.card_id FOR UPDATE),
unit AS (UPDATE card_call_settings c SET call_quota = c.call_quota - w.units FROM want w WHERE c.card_id = w.a AND c.call_quota >= w.units AND (SELECT count(*) FROM locked) > 0 RETURNING c.card_id),
hold AS (UPDATE guilds g SET held = g.held + w.hold FROM want w WHERE g.account_id = w.a AND g.balance + g.credit_limit - g.held >= w.hold AND (SELECT count(*) FROM locked) > 0 RETURNING g.account_id),
ins AS (INSERT INTO calls (account_id, card_id, card_slug, state, caller_number, callee_number, legs, held, authorized_at, metered_at, run_by) SELECT a, a, 'load', 'reserved', 'browser', 'browser', '[{"class":"landline"}]', 60, now(), now(), 'n' FROM req WHERE a IN (SELECT account_id FROM hold) AND a IN (SELECT card_id FROM unit) RETURNING id)
SELECT '{' || string_agg(id::text, ',') || '}' AS ids, CASE WHEN count(*) <> :k THEN callcard_abort('short') END AS ok FROM ins \gset
WITH claimed AS (UPDATE calls SET state='settled', answered_at=now(), ended_at=now(), outcome='answered', hangup_cause='caller_hung_up', billed_secs=60, cost=60 WHERE id = ANY(:ids::bigint[]) AND state='reserved' RETURNING id, account_id, held, cost),
per AS MATERIALIZED (SELECT account_id, sum(held) AS held, sum(cost) AS cost FROM claimed GROUP BY account_id),
locked AS MATERIALIZED (SELECT account_id FROM guilds WHERE account_id IN (SELECT account_id FROM per) ORDER BY account_id FOR UPDATE),
released AS (UPDATE guilds g SET held = g.held - p.held, balance = g.balance - p.cost FROM per p WHERE g.account_id = p.account_id AND g.held >= p.held AND (SELECT count(*) FROM locked) > 0 RETURNING g.account_id, g.balance + p.cost AS before),
entry AS (INSERT INTO ledger_entries (account_id, kind, amount, balance_after, reference, note, created_at) SELECT c.account_id, 'call_debit', -c.cost, r.before - sum(c.cost) OVER (PARTITION BY c.account_id ORDER BY c.id), 'call:' || c.id, 'Call', now() FROM claimed c JOIN released r USING (account_id) RETURNING id)
SELECT CASE WHEN (SELECT count(*) FROM entry) <> :k THEN callcard_abort('unsettled') END;
