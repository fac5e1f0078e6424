#!/usr/bin/env bash
# What PostgreSQL alone allows for reserve + settle (issue 9's throughput floors), without our
# client: pgbench (C, prepared statements) runs the statements `reservation.rs` sends per call
# (scripts/pg-ceiling/per_step.sql) and the same work as one statement per step with
# data-modifying CTEs (one_statement.sql), on a throwaway database with calls' tables of the
# same shape, 16 clients, over 16 issuers and over one. Then the same work in batches of 8 calls
# per statement (batched.sql, as `reservation/batch.rs` sends them), 4 clients: 32 calls in
# flight, two reserving and two settling batches at a time. Loopback only.
#
#     scripts/bench-pg-ceiling.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/pg-ceiling"
seconds="${1:-8}"
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
export PGOPTIONS="--client-min-messages=warning"
psql=(psql -h 127.0.0.1 -U postgres -q)
"${psql[@]}" -c "DROP DATABASE IF EXISTS callcard_pg_ceiling" -c "CREATE DATABASE callcard_pg_ceiling"
trap '"${psql[@]}" -c "DROP DATABASE IF EXISTS callcard_pg_ceiling"' EXIT
"${psql[@]}" -d callcard_pg_ceiling -f schema.sql
for script in per_step one_statement; do
  for issuers in 16 1; do
    tps=$("$pgbench" -h 127.0.0.1 -U postgres -n -M prepared -c 16 -j 2 -T "$seconds" \
      -D issuers="$issuers" -f "$script.sql" callcard_pg_ceiling | awk '/^tps/ { print $3 }')
    printf '%-14s issuers=%-3s %8.0f calls/s\n' "$script" "$issuers" "$tps"
  done
done
for issuers in 16 1; do
  tps=$("$pgbench" -h 127.0.0.1 -U postgres -n -M prepared -c 4 -j 2 -T "$seconds" \
    --max-tries=10 -D issuers="$issuers" -D k=8 -f batched.sql callcard_pg_ceiling \
    | awk '/^tps/ { print $3 }')
  printf '%-14s issuers=%-3s %8.0f calls/s\n' "batched (8)" "$issuers" "$(awk -v tps="$tps" 'BEGIN { print tps * 8 }')"
done
