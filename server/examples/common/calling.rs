//! The server of the calling load runs (`call_load`, `callback_load`): calling on, its trunk on
//! loopback, and an issuer whose card "load" rings a mobile through that trunk.

use app::model::{CallSettings, CardContent, CardInput, Lang, LocalizedContent, Weekday};
use server::calls::rates::{LegClass, Rate};
use server::cards::service::MediaChange;
use server::config::Settings;
use server::ledger::money::Money;
use server::startup::AppState;

use crate::common::FreshDatabase;

/// What the load issuer's Guild starts with: more than any run spends.
pub const GRANT: i64 = 1_000_000_000;

/// The settings of a load run's server at `address`: the fresh database, no demo, the trunk at
/// 127.0.0.1:`sip_port`, and the admission bounds lifted, because every simulated caller comes
/// from 127.0.0.1 to one card (calls/admission.rs).
pub fn settings(
    database: &FreshDatabase,
    address: &str,
    sip_port: u16,
) -> anyhow::Result<Settings> {
    let url = database.url.clone();
    Ok(Settings::from_env_map(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "CALLCARD_DATA_DIR" => Some(database.dir().display().to_string()),
        "CALLCARD_PUBLIC_URL" => Some(address.to_owned()),
        "CALLCARD_SEED_DEMO" => Some("false".into()),
        "CALLCARD_SIGNUP_GRANT" => Some(GRANT.to_string()),
        "CALLCARD_TRUNK_HOST" => Some("127.0.0.1".into()),
        "CALLCARD_TRUNK_PORT" => Some(sip_port.to_string()),
        "CALLCARD_TRUNK_CALLER_ID" => Some("+8225550000".into()),
        "CALLCARD_CALL_STARTS_PER_ADDRESS"
        | "CALLCARD_CALL_STARTS_PER_CARD"
        | "CALLCARD_LIVE_CALLS_PER_ADDRESS"
        | "CALLCARD_LIVE_CALLS_PER_CARD"
        | "CALLCARD_MAX_LIVE_CALLS" => Some("1000000".into()),
        _ => None,
    })?)
}

/// Starts a load run's server on a port of its own: `database` migrated, `rates` stored, the
/// load issuer's card taking `call_quota` calls of up to `max_call_minutes`, calling on, HTTP
/// served. Returns its base URL and its state (drop it before removing the database).
pub async fn start(
    database: &FreshDatabase,
    sip_port: u16,
    rates: &[Rate],
    call_quota: u32,
    max_call_minutes: u32,
) -> anyhow::Result<(String, AppState)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let settings = settings(database, &address, sip_port)?;
    let db = server::db::connect_and_migrate(&settings).await?;
    server::calls::rate_store::replace(&db, rates).await?;
    let mut state = AppState::new(db, settings);
    issuer_with_card(&state, call_quota, max_call_minutes).await?;
    state.start_calling().await?;
    tokio::spawn(server::startup::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Ok((address, state))
}

/// A rate of `per_minute` billed by the second, with no connect fee.
pub fn rate(class: LegClass, prefix: &str, per_minute: i64) -> Rate {
    Rate {
        class,
        prefix: prefix.into(),
        per_minute,
        initial_increment_secs: 1,
        subsequent_increment_secs: 1,
        connect_fee: 0,
    }
}

/// The load issuer (a Guild of [`GRANT`]) and its card "load", which rings the verified
/// mobile 010-1234-5678 at any hour, `call_quota` times, for `max_call_minutes` at most.
pub async fn issuer_with_card(
    state: &AppState,
    call_quota: u32,
    max_call_minutes: u32,
) -> anyhow::Result<()> {
    let account = server::auth::service::create_confirmed_account(
        &state.db,
        &state.hashing,
        server::auth::service::SignUp {
            email: "load@example.com".into(),
            display_name: "Load".into(),
            password: "a long enough password".into(),
        },
        Money(GRANT),
    )
    .await?;
    server::verification::store::mark_verified(&state.db, account.id, "+821012345678").await?;
    let card = CardInput {
        slug: Some("load".into()),
        default_lang: Lang::En,
        contents: vec![LocalizedContent {
            lang: Lang::En,
            content: CardContent {
                name: "Load".into(),
                ..Default::default()
            },
        }],
        call: Some(CallSettings {
            call_quota,
            max_call_minutes,
            available_from: "00:00".into(),
            available_until: "24:00".into(),
            available_days: Weekday::ALL.to_vec(),
            mobile: "010-1234-5678".into(),
            internet_phone: false,
            ..CallSettings::default()
        }),
        ..CardInput::default()
    };
    state
        .cards()
        .create(account.id, &card, MediaChange::none())
        .await?;
    Ok(())
}
