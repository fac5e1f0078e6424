//! Hardening headers on every response (issue 8, BRIEF R18): a Content-Security-Policy, framing
//! rules, a Permissions-Policy, Cross-Origin-Opener-Policy, and HSTS when we are reached over TLS.
//!
//! The policy is the second line of defence behind escaping: even if markup got into a page,
//! only our own scripts run. Scripts come from `/pkg` (`'self'`) plus the few inline scripts that
//! Leptos writes into every page (the hydration loader, the resource bootstrap), allowed **by
//! hash**, not by nonce: the card page is cached as finished HTML (`cards/page_cache.rs`), so a
//! per-response nonce would either be baked into the cache (replayable) or have to be re-stamped
//! into it, which would bless any injected `<script nonce=…>` as well. (leptos_axum still stamps
//! a nonce attribute on its scripts; the policy names no nonce, so it is inert.) Those inline
//! scripts are the same on every page (our pages read no resources), so their hashes are learnt once, from a
//! page that holds no user data; a test checks every page type against them. Inline event
//! handlers are refused outright (`script-src-attr 'none'`).
//!
//! Styles come from `/pkg/main.css`; the card page sets its colours with a `style` attribute
//! (validated `#rrggbb` values), so only style *attributes* may be inline, never `<style>`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::cards::embed::origin::EmbedOrigin;
use crate::startup::AppState;

/// Who may show a page of ours inside a frame. A response says so by carrying one in its
/// extensions (`Response::extensions_mut().insert(..)`); without one, nobody may (clickjacking
/// protection for every page that is not a card's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameAncestors {
    /// Nobody: `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
    Nobody,
    /// callcard's own pages only (a card with no allowed sites: the dashboard's preview).
    Callcard,
    /// callcard and the sites the card's issuer allows (issue 12). `X-Frame-Options` is left
    /// out: it cannot name origins, and browsers that know `frame-ancestors` ignore it.
    Sites(Vec<EmbedOrigin>),
}

impl FrameAncestors {
    /// The policy of a card's pages (card, embed, call window) given its allowed sites.
    pub fn for_card(sites: &[EmbedOrigin]) -> FrameAncestors {
        if sites.is_empty() {
            FrameAncestors::Callcard
        } else {
            FrameAncestors::Sites(sites.to_vec())
        }
    }

    fn directive(&self) -> String {
        match self {
            FrameAncestors::Nobody => "frame-ancestors 'none'".into(),
            FrameAncestors::Callcard => "frame-ancestors 'self'".into(),
            FrameAncestors::Sites(sites) => {
                let mut directive = String::from("frame-ancestors 'self'");
                for site in sites {
                    directive.push(' ');
                    directive.push_str(site.as_str());
                }
                directive
            }
        }
    }

    fn x_frame_options(&self) -> Option<HeaderValue> {
        match self {
            FrameAncestors::Nobody => Some(HeaderValue::from_static("DENY")),
            FrameAncestors::Callcard => Some(HeaderValue::from_static("SAMEORIGIN")),
            FrameAncestors::Sites(_) => None,
        }
    }
}

/// The Content-Security-Policy for a response, given the `'sha256-…'` sources of the inline
/// scripts Leptos writes and who may frame it.
pub fn content_security_policy(script_hashes: &[String], frame: &FrameAncestors) -> String {
    let mut script_src = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push(' ');
        script_src.push_str(hash);
    }
    [
        "default-src 'self'",
        &script_src,
        "script-src-attr 'none'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self'",
        // The designer plays the issuer's chosen video from a `blob:` URL to take its still
        // (`pages/editor/poster.rs`); blobs are made by our own scripts, from files the issuer
        // picked.
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        &frame.directive(),
    ]
    .join("; ")
}

/// Powerful features are off, except the microphone for our own pages: the call window asks
/// for it (`getUserMedia`).
pub const PERMISSIONS_POLICY: &str =
    "microphone=(self), camera=(), geolocation=(), payment=(), usb=(), display-capture=()";

/// Two years, the preload lists' usual minimum.
const HSTS: &str = "max-age=63072000";

/// The `'sha256-…'` CSP source of each inline `<script>` in `html` (those without `src`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    inline_scripts(html)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect()
}

/// The text of each inline `<script>` element of `html`, in order. Meant for our own markup
/// (tags written by Leptos), not for parsing arbitrary HTML.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_name = &rest[start + "<script".len()..];
        let Some(tag_end) = after_name.find('>') else {
            break;
        };
        let attributes = &after_name[..tag_end];
        let body = &after_name[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !attributes.contains("src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close + "</script>".len()..];
    }
    scripts
}

/// The hashes of the inline scripts on every page, learnt once from the not-found page (which
/// holds no user data) rendered with each browser bundle (their loaders name different files),
/// the first time they are needed.
async fn page_script_hashes(state: &AppState) -> &[String] {
    state
        .page_script_hashes
        .get_or_init(|| async {
            let mut hashes = Vec::new();
            for bundle in app::model::Bundle::ALL {
                let page = crate::render::page_loading(
                    state,
                    axum::http::StatusCode::NOT_FOUND,
                    app::model::Page::NotFound,
                    Some(bundle),
                )
                .await;
                match axum::body::to_bytes(page.into_body(), usize::MAX).await {
                    Ok(body) => {
                        for hash in inline_script_hashes(&String::from_utf8_lossy(&body)) {
                            if !hashes.contains(&hash) {
                                hashes.push(hash);
                            }
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not render a page to learn its scripts")
                    }
                }
            }
            hashes
        })
        .await
}

/// Middleware: adds the hardening headers to every response that does not set its own.
pub async fn add(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let frame = response
        .extensions_mut()
        .remove::<FrameAncestors>()
        .unwrap_or(FrameAncestors::Nobody);
    let policy = content_security_policy(page_script_hashes(&state).await, &frame);
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        set_default(headers, header::CONTENT_SECURITY_POLICY, policy);
    }
    if let Some(value) = frame.x_frame_options() {
        set_default(headers, header::X_FRAME_OPTIONS, value);
    }
    set_default(
        headers,
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    set_default(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if state.settings.cookies_secure() {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    headers.entry(name).or_insert(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_our_scripts_only() {
        let policy = content_security_policy(&["'sha256-abc='".into()], &FrameAncestors::Nobody);
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='",
            "script-src-attr 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.split("; ").any(|part| part == directive),
                "missing {directive} in {policy}"
            );
        }
        let script_src = policy
            .split("; ")
            .find(|part| part.starts_with("script-src "))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline") && !script_src.contains("'unsafe-eval'"));
    }

    #[test]
    fn each_framing_rule_and_its_x_frame_options_agree() {
        let nobody = FrameAncestors::Nobody;
        assert_eq!(nobody.directive(), "frame-ancestors 'none'");
        assert_eq!(nobody.x_frame_options().unwrap(), "DENY");
        let callcard = FrameAncestors::for_card(&[]);
        assert_eq!(callcard.directive(), "frame-ancestors 'self'");
        assert_eq!(callcard.x_frame_options().unwrap(), "SAMEORIGIN");
        let sites = FrameAncestors::for_card(&[
            EmbedOrigin::parse("https://shop.example").unwrap(),
            EmbedOrigin::parse("http://127.0.0.1:8080").unwrap(),
        ]);
        assert_eq!(
            sites.directive(),
            "frame-ancestors 'self' https://shop.example http://127.0.0.1:8080"
        );
        assert!(sites.x_frame_options().is_none());
    }

    #[test]
    fn inline_scripts_are_found_and_hashed_but_external_ones_are_not() {
        let html = concat!(
            r#"<head><script type="module" nonce="n">import('/pkg/app.js')</script>"#,
            r#"<script src="/pkg/x.js"></script></head><body><p>a</p>"#,
            r#"<script>__RESOLVED_RESOURCES=[];</script></body>"#
        );
        assert_eq!(
            inline_scripts(html),
            ["import('/pkg/app.js')", "__RESOLVED_RESOURCES=[];"]
        );
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            inline_script_hashes("<script>alert(1)</script>"),
            ["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"]
        );
    }
}
