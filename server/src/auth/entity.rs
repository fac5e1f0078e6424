//! sea-orm models of the `accounts` and `sessions` tables (see the `migrations` crate).

pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub email: String,
        pub password_hash: String,
        pub display_name: String,
        pub role: String,
        pub created_at: ChronoDateTimeUtc,
        /// When the address answered its confirmation mail; `None` until then (no log-in, no
        /// grant).
        pub email_confirmed_at: Option<ChronoDateTimeUtc>,
        /// The language the issuer chose for their pages (`ko`, `en`, `ja`, `zh`); `None` until
        /// they choose (migration 18).
        pub ui_lang: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every mail sent to an account about signing up (`auth/confirmation.rs`).
pub mod sign_up_mail {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_up_mails")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub kind: String,
        pub token_hash: Option<String>,
        pub sent_at: ChronoDateTimeUtc,
        pub expires_at: Option<ChronoDateTimeUtc>,
        pub used_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    /// The `kind` column's values (a `CHECK` constraint holds the table to them).
    pub const CONFIRM: &str = "confirm";
    pub const ALREADY_REGISTERED: &str = "already_registered";
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub account_id: i64,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
