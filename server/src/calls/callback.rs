//! `POST /api/cards/{slug}/callbacks` (issue 10, R7a): a visitor types a number and the card's
//! issuer is asked first, then the visitor's phone rings. The call then follows
//! `/api/calls/live/{call}/…` like a browser call (docs/CALLING.md).
//!
//! A callback dials a number a stranger typed, so the door is guarded before anything costs:
//! the body is a few hundred bytes at most; the number is read (bounded) and must be one we
//! dial and of a country the card allows; the start counts against the same admission as
//! browser calls (per address, per card, in total); and, in the database where every process
//! sees them, a number with a callback pending or running is not called again
//! (`callback_claims.rs`), nor more than `calling.callbacks_per_number_per_hour` times an hour.
//! The Guild engine then decides the call as any other (both legs rated, the card's allowed
//! countries).

use app::i18n::number::{Problem, number_text};
use app::model::calling::{CallbackStarted, StartCallback};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use media_bridge::authority::{CallRequest, CallerOrigin, IssuerDestination};
use media_bridge::dtmf::DialString;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::callback_claims::{self, NumberClaim};
use super::live::{Admitted, CallbackShown, LiveCalls, LiveEntry, admit_caller, issuer_end};
use super::number::{self, ParsedNumber};
use super::rates;
use super::reservation::entity as call_row;
use crate::client_address::ClientAddress;
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;

/// The body: a typed number and a language.
const BODY_LIMIT: usize = 1024;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(start_callback),
    components(schemas(StartCallback, CallbackStarted, crate::error::ErrorBody))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/cards/{slug}/callbacks",
        post(start_callback).layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

/// Ask to be called back by a card's issuer: the issuer is rung first and, once they accept,
/// the number given is called and the two are connected.
#[utoipa::path(post, path = "/api/cards/{slug}/callbacks", tag = "calling", request_body = StartCallback,
    params(("slug" = String, Path, description = "The card")),
    responses(
        (status = 202, body = CallbackStarted),
        (status = 400, description = "Callbacks are off here: no SIP trunk (`calling_off`)", body = crate::error::ErrorBody),
        (status = 404, description = "No such published card", body = crate::error::ErrorBody),
        (status = 409, description = "A callback to this number is already pending or running (`callback_pending`), or too many calls are alive from this address or to this card (`line_busy`)", body = crate::error::ErrorBody),
        (status = 413, description = "The body is over 1 KB"),
        (status = 422, description = "Not a number we call: `number_…` codes (`number_not_allowed`: another country than the card allows, or a premium, shared-cost or high-risk number), with the reason in the page's language", body = crate::error::ErrorBody),
        (status = 429, description = "Too many callbacks to this number, or call starts from this address or to this card; see Retry-After", body = crate::error::ErrorBody),
        (status = 503, description = "Calling is at capacity; see Retry-After", body = crate::error::ErrorBody),
    ))]
async fn start_callback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<StartCallback>,
) -> Result<Response, ApiError> {
    let started = place_callback(&state, address, &slug, body).await?;
    Ok((StatusCode::ACCEPTED, Json(started)).into_response())
}

/// Whether this installation calls people back: it needs a phone line.
pub(crate) fn offered(state: &AppState) -> bool {
    callback_bridge(state).is_some()
}

/// The bridge that places callbacks, where there is a phone line to place them on.
fn callback_bridge(
    state: &AppState,
) -> Option<&std::sync::Arc<media_bridge::bridge::Bridge<super::authority::GuildAuthority>>> {
    state.bridge.as_ref().filter(|_| state.trunk_configured())
}

/// Starts a callback to `body.number` from the card `slug`, asked for from `address` (the API
/// and the form without JavaScript both come here). Nothing is dialled when this fails.
pub(super) async fn place_callback(
    state: &AppState,
    address: std::net::IpAddr,
    slug: &str,
    body: StartCallback,
) -> Result<CallbackStarted, ApiError> {
    let bridge = callback_bridge(state).ok_or_else(|| ApiError::BadRequest {
        code: "calling_off",
        message: "calling back needs a phone line, and this installation has none".into(),
    })?;
    let lang = body.lang;
    let home = state.settings.default_region;
    let caller = number::parse(&body.number, home).map_err(|error| ApiError::Unprocessable {
        code: error.problem().code(),
        message: error.message(lang),
    })?;
    let not_for_this_card = || ApiError::Unprocessable {
        code: Problem::NotForThisCard.code(),
        message: number_text(lang).problem(lang, Problem::NotForThisCard, ""),
    };
    // Said now rather than as a refused call: a number we never dial, or of a country the
    // card does not allow. (The authority checks both again when it reserves.) A refusal here
    // costs one read: the card with its call settings.
    if rates::classify(&caller, home).is_err() {
        return Err(not_for_this_card());
    }
    let Admitted {
        card,
        settings,
        ticket,
    } = admit_caller(state, address, slug).await?;
    let allowed_country = caller
        .region
        .as_ref()
        .is_some_and(|region| settings.allowed_regions.contains(region));
    if !allowed_country {
        return Err(not_for_this_card());
    }
    // Claimed only for a number we would call: a refused one writes nothing.
    let token = LiveCalls::new_token();
    let claim = guard_the_number(state, &caller.e164, &token).await?;
    let (destination, card_text) = issuer_end(state, &card, &settings).await?;
    let keys = caller
        .extension
        .as_deref()
        .map(DialString::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let card_slug = card.slug.clone();
    // Made while the issuer's phone rings; only a phone hears a prompt (a dashboard shows it).
    let spoken_name = match destination {
        // A name in kanji is said from its reading: espeak-ng reads kana, not kanji.
        IssuerDestination::Phone | IssuerDestination::PhoneAndBrowser => {
            let said = card_text.spoken_name();
            state.card_names.speak(said, &card.default_lang)
        }
        IssuerDestination::Browser => Default::default(),
    };
    let request = CallRequest {
        card_slug: card.slug,
        card_name: card_text.name,
        destination,
        origin: CallerOrigin::Phone {
            number: caller.e164.clone(),
            spoken: spoken_digits(&caller, home),
            keys,
            card_name: spoken_name,
        },
        caller_language: lang.code().to_string(),
    };
    let understood = caller.describe(lang, home);
    let call = bridge.start_callback(request, token.clone());
    let entry = LiveEntry {
        call,
        lang,
        callback: Some(CallbackShown {
            card_slug,
            understood: understood.clone(),
        }),
    };
    state
        .live_calls
        .insert(token.clone(), entry, (ticket, claim));
    Ok(CallbackStarted {
        call: token,
        understood,
    })
}

/// One callback at a time per number, whichever process asked (a claim in the database, given
/// back when the call ends), and a few an hour (counted in `calls`, refused attempts too).
async fn guard_the_number(
    state: &AppState,
    e164: &str,
    token: &str,
) -> Result<NumberClaim, ApiError> {
    let now = Utc::now();
    // Counted first: a number at its limit is refused as such even while its last callback is
    // still giving its claim back.
    let recent = call_row::Entity::find()
        .filter(call_row::Column::CallerNumber.eq(e164))
        .filter(call_row::Column::AuthorizedAt.gt(now - chrono::Duration::hours(1)))
        .count(&state.db)
        .await?;
    let per_hour = state
        .settings
        .calling
        .admission
        .callbacks_per_number_per_hour;
    if recent >= u64::from(per_hour) {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: 3600,
        });
    }
    let claim = callback_claims::claim(&state.db, e164, token, &state.settings.node, now)
        .await?
        .ok_or_else(|| ApiError::Conflict {
            code: "callback_pending",
            message: "a callback to this number is already under way".into(),
        })?;
    Ok(claim)
}

/// The digits the issuer hears: a number of the installation's country as it is dialled there
/// (`010…` in Korea), any other with its country code (`1 212…`).
fn spoken_digits(number: &ParsedNumber, home: phonenumber::country::Id) -> String {
    let digits = number.e164.trim_start_matches('+');
    let code = number.country_code.to_string();
    let home_code = phonenumber::metadata::DATABASE
        .by_id(home.as_ref())
        .map(|meta| (meta.country_code(), meta.national_prefix().unwrap_or("")));
    match home_code {
        Some((home_code, prefix)) if home_code == number.country_code => {
            format!("{prefix}{}", &digits[code.len()..])
        }
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country::Id;

    #[test]
    fn the_issuer_hears_a_home_number_as_it_is_dialled_at_home() {
        let mobile = number::parse("010-1234-5678", Id::KR).unwrap();
        assert_eq!(spoken_digits(&mobile, Id::KR), "01012345678");
        let new_york = number::parse("+1 212 555 0100", Id::KR).unwrap();
        assert_eq!(spoken_digits(&new_york, Id::KR), "12125550100");
        assert_eq!(
            spoken_digits(&new_york, Id::US),
            "12125550100",
            "the US dials 1"
        );
    }
}
