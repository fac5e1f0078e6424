//! The money invariant any operator can check (issue 9; `callcard check`): for every Guild,
//! - its balance is the sum of its ledger entries (every change to money is an entry), and
//! - its held money is the sum of what its running calls hold (no hold outlives its call).
//!
//! Tests run the same check after every scenario that moves money. A drift is reported with the
//! Guild's figures and the ids of its running calls, so an operator can see which call to look at.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::calls::call_state::CallState;
use crate::calls::reservation::entity as call;

/// One Guild whose figures disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub account_id: i64,
    pub balance: i64,
    pub sum_of_entries: i64,
    pub held: i64,
    pub held_by_running_calls: i64,
    pub running_calls: Vec<i64>,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "account {}:", self.account_id)?;
        if self.balance != self.sum_of_entries {
            write!(
                formatter,
                " balance {} but its entries sum to {};",
                self.balance, self.sum_of_entries
            )?;
        }
        if self.held != self.held_by_running_calls {
            write!(
                formatter,
                " held {} but its running calls hold {};",
                self.held, self.held_by_running_calls
            )?;
        }
        write!(formatter, " running calls {:?}", self.running_calls)
    }
}

#[derive(Debug, FromQueryResult)]
struct Figures {
    account_id: i64,
    balance: i64,
    held: i64,
    sum_of_entries: i64,
    held_by_running_calls: i64,
}

/// Every Guild whose figures disagree; empty when the money is exact.
pub async fn money(db: &DatabaseConnection) -> Result<Vec<Drift>, DbErr> {
    let backend = db.get_database_backend();
    let figures = Figures::find_by_statement(Statement::from_string(
        backend,
        "SELECT g.account_id, g.balance, g.held, \
           CAST(COALESCE((SELECT SUM(e.amount) FROM ledger_entries e \
                          WHERE e.account_id = g.account_id), 0) AS BIGINT) AS sum_of_entries, \
           CAST(COALESCE((SELECT SUM(c.held) FROM calls c \
                          WHERE c.account_id = g.account_id AND c.state = 'reserved'), 0) \
                AS BIGINT) AS held_by_running_calls \
         FROM guilds g ORDER BY g.account_id",
    ))
    .all(db)
    .await?;
    let mut drifts = Vec::new();
    for guild in figures {
        if guild.balance == guild.sum_of_entries && guild.held == guild.held_by_running_calls {
            continue;
        }
        let running_calls: Vec<i64> = call::Entity::find()
            .select_only()
            .column(call::Column::Id)
            .filter(call::Column::AccountId.eq(guild.account_id))
            .filter(call::Column::State.eq(CallState::Reserved))
            .order_by_asc(call::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        drifts.push(Drift {
            account_id: guild.account_id,
            balance: guild.balance,
            sum_of_entries: guild.sum_of_entries,
            held: guild.held,
            held_by_running_calls: guild.held_by_running_calls,
            running_calls,
        });
    }
    Ok(drifts)
}
