//! The language of the issuer's pages (issue 11): the one chosen with the switcher (kept in a
//! cookie, and on the account of a signed-in issuer, who gets it back at each log-in), else the
//! browser's `Accept-Language`, else English. Cards' own pages choose among the card's languages
//! instead (`cards::negotiate`).
//!
//! The middleware decides it once per request, from headers alone (no database read), and
//! holds it in a task-local for the request's handler: pages and the messages the server writes
//! for them (form refusals, notices) read it with [`current`] instead of every handler passing it
//! down. A task the handler spawns does not see it, and gets English.

use app::model::Lang;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router, routing::post};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::Deserialize;

use crate::auth::MaybeAccount;
use crate::auth::entity::account;
use crate::error::ApiError;
use crate::startup::AppState;

/// The cookie that keeps the choice. Not `HttpOnly`-worthy (a page may read it), but set so
/// anyway: nothing in the browser needs it.
pub const COOKIE: &str = "callcard_lang";

/// A year: a language choice outlives sessions.
const COOKIE_MAX_AGE: u64 = 365 * 24 * 60 * 60;

tokio::task_local! {
    static UI_LANG: Lang;
}

/// The language of the issuer's pages for the request being handled.
pub fn current() -> Lang {
    UI_LANG.try_with(|lang| *lang).unwrap_or(Lang::En)
}

/// Runs `work` as if a request in `lang` were being handled (tests, and work done for a page
/// outside the request's task).
pub async fn scope<F: std::future::Future>(lang: Lang, work: F) -> F::Output {
    UI_LANG.scope(lang, work).await
}

/// The middleware: decides the request's language and handles the request in it.
pub async fn choose(request: Request, next: Next) -> Response {
    let lang = of_headers(request.headers());
    UI_LANG.scope(lang, next.run(request)).await
}

/// The cookie's choice, else the best of `Accept-Language`, else English.
pub fn of_headers(headers: &HeaderMap) -> Lang {
    if let Some(chosen) = cookie(headers) {
        return chosen;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    crate::cards::negotiate::choose(&Lang::ALL, None, accept, Lang::En)
}

fn cookie(headers: &HeaderMap) -> Option<Lang> {
    crate::auth::cookie::value(headers, COOKIE).and_then(|code| Lang::from_code(&code))
}

/// `Set-Cookie` for a choice.
pub fn set_cookie(lang: Lang, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={COOKIE_MAX_AGE}{secure}",
        lang.code()
    ))
    .expect("a language code makes a valid header")
}

/// A stored page language that is none of ours: the row is not what the database allows.
#[derive(Debug, thiserror::Error)]
#[error("account {account} has the page language {code:?}, which is none of ours")]
pub struct UnknownStoredLanguage {
    account: i64,
    code: String,
}

/// An account's stored choice read back: none yet, or one of the four.
pub fn stored(account: &account::Model) -> Result<Option<Lang>, UnknownStoredLanguage> {
    match account.ui_lang.as_deref() {
        None => Ok(None),
        Some(code) => Lang::from_code(code)
            .map(Some)
            .ok_or_else(|| UnknownStoredLanguage {
                account: account.id,
                code: code.to_string(),
            }),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/language", post(switch))
}

#[derive(Deserialize)]
struct Choice {
    lang: String,
}

/// The switcher's form: keeps the choice (cookie; the account too when signed in) and goes back
/// to the page it was made on, taken from `Referer` when that is a page of this site.
async fn switch(
    State(state): State<AppState>,
    MaybeAccount(viewer): MaybeAccount,
    headers: HeaderMap,
    Form(choice): Form<Choice>,
) -> Result<Response, ApiError> {
    let Some(lang) = Lang::from_code(&choice.lang) else {
        return Err(ApiError::BadRequest {
            code: "unknown_language",
            message: "Pick one of ko, en, ja, zh.".into(),
        });
    };
    if let Some(viewer) = viewer {
        let row = account::Entity::find_by_id(viewer.id)
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::internal("a signed-in account without its row"))?;
        let mut row: account::ActiveModel = row.into();
        row.ui_lang = Set(Some(lang.code().to_string()));
        row.update(&state.db).await?;
    }
    let back = back_to(&headers, &state.settings.public_url);
    let mut response = Redirect::to(&back).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(lang, state.settings.cookies_secure()),
    );
    Ok(response)
}

/// The path (and query) of `Referer` when it is a page of this site, else the front page: a
/// redirect never leads off the site.
fn back_to(headers: &HeaderMap, public_url: &str) -> String {
    let Some(referer) = headers
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
    else {
        return "/".into();
    };
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    let ours = |origin: &str| {
        origin == public_url.trim_end_matches('/')
            || host.is_some_and(|host| {
                origin == format!("http://{host}") || origin == format!("https://{host}")
            })
    };
    let Some(scheme_end) = referer.find("://") else {
        return "/".into();
    };
    let after_scheme = &referer[scheme_end + 3..];
    let path_start = after_scheme
        .find('/')
        .map_or(referer.len(), |at| scheme_end + 3 + at);
    let (origin, path) = referer.split_at(path_start);
    if ours(origin) && path.starts_with('/') && !path.starts_with("//") {
        path.to_string()
    } else {
        "/".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_cookie_wins_then_the_browser_then_english() {
        let chosen = headers(&[
            (header::COOKIE, "a=1; callcard_lang=ja"),
            (header::ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9"),
        ]);
        assert_eq!(of_headers(&chosen), Lang::Ja);
        let browser = headers(&[(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5")]);
        assert_eq!(of_headers(&browser), Lang::Zh);
        let unknown = headers(&[
            (header::COOKIE, "callcard_lang=xx"),
            (header::ACCEPT_LANGUAGE, "fr-FR"),
        ]);
        assert_eq!(of_headers(&unknown), Lang::En);
    }

    #[test]
    fn the_way_back_stays_on_the_site() {
        let public = "https://callcard.example";
        let back = |referer: &'static str| {
            back_to(
                &headers(&[(header::REFERER, referer), (header::HOST, "127.0.0.1:3000")]),
                public,
            )
        };
        assert_eq!(
            back("https://callcard.example/dashboard?x=1"),
            "/dashboard?x=1"
        );
        assert_eq!(back("http://127.0.0.1:3000/login"), "/login");
        assert_eq!(back("https://evil.example/dashboard"), "/");
        assert_eq!(back("https://callcard.example.evil.example/x"), "/");
        assert_eq!(back("https://callcard.example"), "/");
        assert_eq!(back_to(&HeaderMap::new(), public), "/");
    }

    #[tokio::test]
    async fn a_request_s_language_is_seen_inside_its_scope_only() {
        assert_eq!(current(), Lang::En);
        assert_eq!(scope(Lang::Ko, async { current() }).await, Lang::Ko);
    }
}
