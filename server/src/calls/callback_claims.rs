//! One callback per number at a time, in every process (issue 10): before anything is dialled,
//! the number is claimed in `callback_claims` (migration 14), whose primary key is the number,
//! so of two requests racing in two processes exactly one wins. The claim is given back when
//! its call ends; a node that restarts gives back all of its own (it runs none of them any
//! more); a claim older than [`CLAIM_OUTLIVES`] is taken over, so a node that never comes back
//! blocks a number for an hour at most.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

/// How long a claim stands without its node: longer than any callback is expected to last,
/// and short enough that a lost node does not keep a number from being called back for long.
/// (The hourly limit per number still bounds how often it is called.)
pub const CLAIM_OUTLIVES: chrono::Duration = chrono::Duration::hours(1);

const TABLE: &str = "callback_claims";

/// A number claimed for a callback; dropping it gives the number back (in the background: the
/// call has ended, nothing waits for it).
pub struct NumberClaim {
    db: DatabaseConnection,
    number: String,
    token: String,
}

impl Drop for NumberClaim {
    fn drop(&mut self) {
        let (db, number, token) = (
            self.db.clone(),
            std::mem::take(&mut self.number),
            std::mem::take(&mut self.token),
        );
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(%number, "no runtime to give a callback claim back; it lapses by itself");
            return;
        };
        runtime.spawn(async move {
            if let Err(error) = release(&db, &number, &token).await {
                tracing::warn!(%error, %number, "a callback claim was not given back; it lapses by itself");
            }
        });
    }
}

/// Claims `number` for the call `token` run by `node`; `None` while another callback to it is
/// pending or running (claimed less than [`CLAIM_OUTLIVES`] ago).
pub async fn claim(
    db: &DatabaseConnection,
    number: &str,
    token: &str,
    node: &str,
    now: DateTime<Utc>,
) -> Result<Option<NumberClaim>, DbErr> {
    let table = Alias::new(TABLE);
    let [number_col, token_col, node_col, claimed_at] =
        ["number", "token", "node", "claimed_at"].map(Alias::new);
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([
            number_col.clone(),
            token_col.clone(),
            node_col.clone(),
            claimed_at.clone(),
        ])
        .values_panic([number.into(), token.into(), node.into(), now.into()])
        .on_conflict(
            OnConflict::column(number_col)
                .update_columns([token_col, node_col, claimed_at.clone()])
                // Taken over only when the claim it replaces has lapsed.
                .action_and_where(Expr::col((table, claimed_at)).lt(now - CLAIM_OUTLIVES))
                .to_owned(),
        )
        .to_owned();
    let backend = db.get_database_backend();
    let claimed = db
        .execute_raw(backend.build(&insert))
        .await?
        .rows_affected()
        == 1;
    Ok(claimed.then(|| NumberClaim {
        db: db.clone(),
        number: number.to_owned(),
        token: token.to_owned(),
    }))
}

/// Gives back the claim of `number` if the call `token` still holds it.
async fn release(db: &DatabaseConnection, number: &str, token: &str) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("number")).eq(number))
        .and_where(Expr::col(Alias::new("token")).eq(token))
        .to_owned();
    let backend = db.get_database_backend();
    db.execute_raw(backend.build(&delete)).await.map(drop)
}

/// Gives back every claim of `node`: called when it starts, before it takes calls, so none of
/// them has a call any more. Returns how many there were.
pub async fn release_node(db: &DatabaseConnection, node: &str) -> Result<u64, DbErr> {
    let delete = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("node")).eq(node))
        .to_owned();
    let backend = db.get_database_backend();
    Ok(db
        .execute_raw(backend.build(&delete))
        .await?
        .rows_affected())
}
