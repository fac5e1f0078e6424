//! sea-orm models of the `guilds` and `ledger_entries` tables.

pub mod guild {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guilds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        pub balance: i64,
        pub held: i64,
        pub credit_limit: i64,
        /// The most its calls may spend in one day; `None`: no cap (`calls::daily_cap`).
        pub daily_cap: Option<i64>,
        /// The IANA zone whose midnight starts the Guild's day.
        pub cap_time_zone: String,
        /// What calls held since `day_started_at`, less what their settlements gave back.
        pub day_spent: i64,
        /// The start of the day `day_spent` counts.
        pub day_started_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ledger_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub kind: String,
        pub amount: i64,
        pub balance_after: i64,
        pub reference: Option<String>,
        pub note: String,
        pub created_by: Option<i64>,
        pub created_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod voucher {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vouchers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub amount: i64,
        pub created_by: Option<i64>,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: Option<ChronoDateTimeUtc>,
        pub redeemed_by: Option<i64>,
        pub redeemed_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
