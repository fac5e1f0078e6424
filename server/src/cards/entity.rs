//! sea-orm models of the `cards`, `card_contents`, `card_links`, `card_former_slugs` and
//! `card_call_settings` tables.

pub mod card {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cards")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub published: bool,
        pub default_lang: String,
        pub template: String,
        pub primary_color: String,
        pub accent_color: String,
        pub office_phone: String,
        pub mobile: String,
        pub fax: String,
        pub email: String,
        pub homepage: String,
        pub photo_file: Option<String>,
        pub logo_file: Option<String>,
        pub video_file: Option<String>,
        pub video_poster_file: Option<String>,
        pub video_width: Option<i32>,
        pub video_height: Option<i32>,
        pub video_duration_ms: Option<i64>,
        pub font: String,
        pub photo_frame_x: i32,
        pub photo_frame_y: i32,
        pub photo_frame_zoom: i32,
        pub logo_frame_x: i32,
        pub logo_frame_y: i32,
        pub logo_frame_zoom: i32,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod content {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_contents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub card_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub lang: String,
        pub name: String,
        pub reading: String,
        pub title: String,
        pub company: String,
        pub department: String,
        pub address: String,
        pub note: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod link {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub card_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        pub label: String,
        pub url: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A card's former slugs, each leading to the card (migration 17).
pub mod former_slug {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_former_slugs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub slug: String,
        pub card_id: i64,
        pub retired_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The sites that may embed a card, in the issuer's order (migration 19).
pub mod embed_origin {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_embed_origins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub card_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub origin: String,
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod call_settings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_call_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub card_id: i64,
        pub call_quota: i64,
        pub max_call_secs: i32,
        pub time_zone: String,
        pub available_from: i32,
        pub available_until: i32,
        pub available_days: i32,
        pub allowed_regions: String,
        pub landline: String,
        pub mobile: String,
        pub internet_phone: bool,
        /// The most the card's calls may spend in a day (issue 10); `None`: only the Guild's.
        pub daily_cap: Option<i64>,
        /// What the card's calls held since `day_started_at`, less what settlements gave back
        /// (`ledger::daily_cap`; counted only while a cap is set).
        pub day_spent: i64,
        pub day_started_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
