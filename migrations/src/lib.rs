//! callcard's schema as sea-orm migrations, one file per step, for SQLite and PostgreSQL alike.
//!
//! Migrations only ever add steps: a released step is never edited, so every installation
//! reaches the same schema. Each step has a `down` so the up/down test can prove it reversible.
#![forbid(unsafe_code)]

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_accounts;
mod m20261126_000002_cards;
mod m20261126_000003_guild;
mod m20261126_000004_vouchers;
mod m20261126_000005_rates;
mod m20261126_000006_card_call_settings;
mod m20261126_000007_calls;
mod m20261127_000008_call_metering;
mod m20261130_000009_call_checks;
mod m20261201_000010_number_verifications;
mod m20261201_000011_email_confirmation;
mod m20261201_000012_callback_causes;
mod m20261201_000013_caller_pick_up;
mod m20261201_000014_callback_claims;
mod m20261201_000015_daily_cap;
mod m20261201_000016_card_daily_cap;
mod m20261201_000017_former_slugs;
mod m20261201_000018_account_language;
mod m20261205_000019_embed_origins;
mod m20261206_000020_card_views;
mod m20261206_000021_card_video;
mod m20261206_000022_card_design;
mod m20261206_000023_name_reading;
mod m20261206_000024_ringing_both;
mod m20261206_000025_rate_table_version;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_accounts::Migration),
            Box::new(m20261126_000002_cards::Migration),
            Box::new(m20261126_000003_guild::Migration),
            Box::new(m20261126_000004_vouchers::Migration),
            Box::new(m20261126_000005_rates::Migration),
            Box::new(m20261126_000006_card_call_settings::Migration),
            Box::new(m20261126_000007_calls::Migration),
            Box::new(m20261127_000008_call_metering::Migration),
            Box::new(m20261130_000009_call_checks::Migration),
            Box::new(m20261201_000010_number_verifications::Migration),
            Box::new(m20261201_000011_email_confirmation::Migration),
            Box::new(m20261201_000012_callback_causes::Migration),
            Box::new(m20261201_000013_caller_pick_up::Migration),
            Box::new(m20261201_000014_callback_claims::Migration),
            Box::new(m20261201_000015_daily_cap::Migration),
            Box::new(m20261201_000016_card_daily_cap::Migration),
            Box::new(m20261201_000017_former_slugs::Migration),
            Box::new(m20261201_000018_account_language::Migration),
            Box::new(m20261205_000019_embed_origins::Migration),
            Box::new(m20261206_000020_card_views::Migration),
            Box::new(m20261206_000021_card_video::Migration),
            Box::new(m20261206_000022_card_design::Migration),
            Box::new(m20261206_000023_name_reading::Migration),
            Box::new(m20261206_000024_ringing_both::Migration),
            Box::new(m20261206_000025_rate_table_version::Migration),
        ]
    }
}
