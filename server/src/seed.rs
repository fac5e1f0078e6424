//! First run: a demo issuer and the patent's sample card (Fig. 2 of KR 10-2001-0000428), so a
//! newcomer sees a working card at once. Runs only on a database without any account.

use app::model::{CallSettings, CardContent, CardInput, Contacts, Lang, LocalizedContent, Theme};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::auth::entity::account;
use crate::auth::service::{self, SignUp};
use crate::calls::rate_store;
use crate::cards::pages::DEMO_SLUG;
use crate::cards::service::MediaChange;
use crate::startup::AppState;

pub struct Seeded {
    pub email: String,
    pub password: String,
    pub card_url: String,
}

/// A starter rate table for a demo installation, in the installation's currency: browser legs
/// cheap, phones by the minute (operators import their own with `callcard rates import`).
const STARTER_RATES: &str =
    "class,prefix,per_minute,initial_increment,subsequent_increment,connect_fee
internet,,1,60,60,0
landline,,40,60,60,0
mobile,,110,10,10,0
international,1,200,60,60,0
international,81,300,60,60,0
international,86,300,60,60,0
";

pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<Option<Seeded>> {
    if account::Entity::find().count(&state.db).await? > 0 {
        return Ok(None);
    }
    // A known password only where asked (the browser tests); a random one otherwise.
    let password = std::env::var("CALLCARD_DEMO_PASSWORD")
        .ok()
        .filter(|password| password.len() >= 12)
        .unwrap_or_else(|| format!("demo-{:016x}", rand::random::<u64>()));
    let email = "demo@callcard.example".to_string();
    let account = service::create_confirmed_account(
        &state.db,
        &state.hashing,
        SignUp {
            email: email.clone(),
            display_name: "Demo issuer".into(),
            password: password.clone(),
        },
        state.settings.signup_grant,
    )
    .await?;
    // The demo card rings a made-up mobile (in the browser tests, SIPp answers it), on which
    // nobody could type a verification code: the operator's seed vouches for it instead.
    let checked = state.cards().checked(&sample_card())?;
    for destination in checked
        .call
        .iter()
        .flat_map(|call| [&call.landline, &call.mobile])
    {
        if !destination.is_empty() {
            let number = crate::verification::without_extension(destination);
            crate::verification::store::mark_verified(&state.db, account.id, number).await?;
        }
    }
    let card = state
        .cards()
        .create(account.id, &sample_card(), MediaChange::none())
        .await?;
    if rate_store::load(&state.db).await?.rates().is_empty() {
        let rates = crate::calls::rates::parse_csv(STARTER_RATES, &state.settings.currency)?;
        rate_store::replace(&state.db, &rates).await?;
    }
    Ok(Some(Seeded {
        email,
        password,
        card_url: card.url,
    }))
}

/// 홍길동's card, in the four languages the brief asks for.
pub fn sample_card() -> CardInput {
    let content = |lang,
                   (name, reading): (&str, &str),
                   title: &str,
                   company: &str,
                   department: &str,
                   address: &str,
                   note: &str| {
        LocalizedContent {
            lang,
            content: CardContent {
                name: name.into(),
                reading: reading.into(),
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
                ("홍길동", ""),
                "영업부장",
                "(주)에이비씨디",
                "영업부",
                "서울특별시 강남구 역삼2동 123-45",
                "언제든 무료로 전화 주세요.",
            ),
            content(
                Lang::En,
                ("Hong Gildong", ""),
                "Sales Manager",
                "ABCD Co., Ltd.",
                "Sales",
                "123-45 Yeoksam 2-dong, Gangnam-gu, Seoul",
                "Call me any time, free of charge.",
            ),
            content(
                Lang::Ja,
                ("洪吉童", "ホン・ギルドン"),
                "営業部長",
                "ABCD株式会社",
                "営業部",
                "ソウル特別市江南区駅三2洞123-45",
                "いつでも無料でお電話ください。",
            ),
            content(
                Lang::Zh,
                ("洪吉童", "Hóng Jítóng"),
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
        // Callable at any hour: on the mobile through a trunk when there is one, else (next
        // increment) in the demo issuer's browser.
        call: Some(CallSettings {
            available_from: "00:00".into(),
            available_until: "24:00".into(),
            available_days: app::model::Weekday::ALL.to_vec(),
            mobile: "010-1234-5678".into(),
            ..CallSettings::default()
        }),
    }
}
