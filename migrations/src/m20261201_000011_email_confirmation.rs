//! E-mail confirmation (issue 8): a sign-up gets its Guild grant, and can log in, only once the
//! address has answered a mail. `accounts.email_confirmed_at` says when; accounts made before
//! this step count as confirmed when they were made (they already had their grant). Every mail
//! sent to an account about signing up is a row of `sign_up_mails`: the confirmation links
//! (only a SHA-256 of the link's token is kept) and the "you already have an account" notices,
//! so the mails one address may receive per hour are counted across processes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::EmailConfirmedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Accounts::Table)
                    .value(Accounts::EmailConfirmedAt, Expr::col(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignUpMails::Table)
                    .col(big_pk_auto(SignUpMails::Id))
                    .col(big_integer(SignUpMails::AccountId))
                    .col(string(SignUpMails::Kind))
                    // Confirmation links only; a notice has none.
                    .col(string_null(SignUpMails::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(SignUpMails::SentAt))
                    .col(timestamp_with_time_zone_null(SignUpMails::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignUpMails::UsedAt))
                    .check((
                        Alias::new("sign_up_mails_kind"),
                        Expr::cust(
                            "(kind = 'confirm' AND token_hash IS NOT NULL AND expires_at IS NOT NULL) \
                             OR (kind = 'already_registered' AND token_hash IS NULL)",
                        ),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SignUpMails::Table, SignUpMails::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_up_mails_account_sent")
                    .table(SignUpMails::Table)
                    .col(SignUpMails::AccountId)
                    .col(SignUpMails::SentAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignUpMails::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::EmailConfirmedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    CreatedAt,
    EmailConfirmedAt,
}

#[derive(DeriveIden)]
enum SignUpMails {
    Table,
    Id,
    AccountId,
    Kind,
    TokenHash,
    SentAt,
    ExpiresAt,
    UsedAt,
}
