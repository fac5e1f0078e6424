//! First run: a demo issuer and the patent's sample card (Fig. 2 of KR 10-2001-0000428), so a
//! newcomer sees a working card at once. Runs only on a database without any account.

use app::model::{CallSettings, CardContent, CardInput, Contacts, Lang, LocalizedContent, Theme};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::auth::entity::account;
use crate::auth::service::{self, SignUp};
use crate::cards::pages::DEMO_SLUG;
use crate::cards::service::ImageChange;
use crate::startup::AppState;

pub struct Seeded {
    pub email: String,
    pub password: String,
    pub card_url: String,
}

pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<Option<Seeded>> {
    if account::Entity::find().count(&state.db).await? > 0 {
        return Ok(None);
    }
    let password = format!("demo-{:016x}", rand::random::<u64>());
    let email = "demo@callcard.example".to_string();
    let account = service::sign_up(
        &state.db,
        SignUp {
            email: email.clone(),
            display_name: "Demo issuer".into(),
            password: password.clone(),
        },
        state.settings.signup_grant,
    )
    .await?;
    let card = state
        .cards()
        .create(
            account.id,
            &sample_card(),
            ImageChange::Keep,
            ImageChange::Keep,
        )
        .await?;
    Ok(Some(Seeded {
        email,
        password,
        card_url: card.url,
    }))
}

/// 홍길동's card, in the four languages the brief asks for.
pub fn sample_card() -> CardInput {
    let content = |lang,
                   name: &str,
                   title: &str,
                   company: &str,
                   department: &str,
                   address: &str,
                   note: &str| {
        LocalizedContent {
            lang,
            content: CardContent {
                name: name.into(),
                title: title.into(),
                company: company.into(),
                department: department.into(),
                address: address.into(),
                note: note.into(),
            },
        }
    };
    CardInput {
        slug: Some(DEMO_SLUG.into()),
        default_lang: Lang::Ko,
        contents: vec![
            content(
                Lang::Ko,
                "홍길동",
                "영업부장",
                "(주)에이비씨디",
                "영업부",
                "서울특별시 강남구 역삼2동 123-45",
                "언제든 무료로 전화 주세요.",
            ),
            content(
                Lang::En,
                "Hong Gildong",
                "Sales Manager",
                "ABCD Co., Ltd.",
                "Sales",
                "123-45 Yeoksam 2-dong, Gangnam-gu, Seoul",
                "Call me any time, free of charge.",
            ),
            content(
                Lang::Ja,
                "洪吉童",
                "営業部長",
                "ABCD株式会社",
                "営業部",
                "ソウル特別市江南区駅三2洞123-45",
                "いつでも無料でお電話ください。",
            ),
            content(
                Lang::Zh,
                "洪吉童",
                "销售经理",
                "ABCD株式会社",
                "销售部",
                "首尔特别市江南区驿三2洞123-45",
                "欢迎随时免费来电。",
            ),
        ],
        contacts: Contacts {
            office_phone: "02-3456-1234".into(),
            mobile: "010-1234-5678".into(),
            fax: "02-3456-1235".into(),
            email: "kildong@abcd.co.kr".into(),
            homepage: "http://abcd.co.kr".into(),
        },
        links: Vec::new(),
        theme: Theme::default(),
        published: true,
        // The demo issuer answers in the browser: no trunk is needed for the embedded default.
        call: Some(CallSettings::default()),
    }
}
