//! Load test of the Guild's posting path (the atomic conditional update + entry insert that
//! call authorization and metering will run on): N concurrent tasks post debits to ONE Guild —
//! the worst case, every post contending for the same row — then the invariant is checked.
//!
//!     cargo run --release -p server --example ledger_load -- [sqlite|postgres] [TASKS] [POSTS]
//!
//! PostgreSQL comes from CALLCARD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
//! a fresh database is created and dropped. Loopback only; bounded by POSTS.

mod common;

use std::time::{Duration, Instant};

use migrations::MigratorTrait;
use sea_orm::{ConnectionTrait, Statement};
use server::ledger::money::Money;
use server::ledger::rules::EntryKind;
use server::ledger::service::{self, Posting};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args
        .first()
        .map(String::as_str)
        .unwrap_or("sqlite")
        .to_string();
    let tasks: usize = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(32);
    let posts: usize = args
        .get(2)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(20_000);

    let database = common::FreshDatabase::create(&backend).await?;
    let url = database.url.clone();
    let db = server::db::connect_url(&url).await?;
    migrations::Migrator::up(&db, None).await?;
    let account_id = {
        db.execute_unprepared(
            "INSERT INTO accounts (email, password_hash, display_name, role, created_at) \
             VALUES ('load@example.com', 'x', 'Load', 'issuer', CURRENT_TIMESTAMP)",
        )
        .await?;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT id FROM accounts",
            ))
            .await?
            .expect("the account");
        let id: i64 = row.try_get("", "id")?;
        let transaction = sea_orm::TransactionTrait::begin(&db).await?;
        service::open(&transaction, id, Money(posts as i64 * 10)).await?;
        transaction.commit().await?;
        id
    };

    let started = Instant::now();
    let per_task = posts / tasks;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let began = Instant::now();
                    service::post_alone(
                        &db,
                        Posting {
                            account_id,
                            kind: EntryKind::CallDebit,
                            amount: Money(-10),
                            reference: None,
                            note: "load",
                            created_by: None,
                        },
                    )
                    .await
                    .expect("the Guild covers every debit");
                    latencies.push(began.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::with_capacity(posts);
    for handle in handles {
        latencies.extend(handle.await?);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile =
        |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let done = latencies.len();

    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT g.balance AS balance, (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) \
                 FROM ledger_entries WHERE account_id = {account_id}) AS total FROM guilds g \
                 WHERE g.account_id = {account_id}"
            ),
        ))
        .await?
        .expect("the Guild");
    let balance: i64 = row.try_get("", "balance")?;
    let total: i64 = row.try_get("", "total")?;
    anyhow::ensure!(
        balance == total,
        "balance {balance} != sum of entries {total}"
    );
    anyhow::ensure!(
        balance == (posts - done) as i64 * 10,
        "unexpected balance {balance}"
    );

    println!(
        "{backend}: {done} debits to one Guild by {tasks} tasks in {:.2} s = {:.0} posts/s; \
         latency p50 {:.2} ms, p99 {:.2} ms; balance = sum of entries: ok",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
    );
    drop(db);
    database.remove().await?;
    Ok(())
}
