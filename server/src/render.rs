//! Server-side rendering of a [`Page`] through leptos_axum: the same `App` the browser hydrates.

use app::model::Page;
use app::shell::HeadInfo;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

use crate::startup::AppState;

/// Renders `page` as a whole HTML document with the given status.
pub async fn page(state: &AppState, status: StatusCode, page: Page) -> Response {
    page_loading(state, status, page, None).await
}

/// Renders `page` loading `bundle` instead of its own (None: its own).
pub async fn page_loading(
    state: &AppState,
    status: StatusCode,
    page: Page,
    bundle: Option<app::model::Bundle>,
) -> Response {
    let head = HeadInfo {
        public_url: state.settings.public_url.clone(),
        bundle,
    };
    // Read here, in the request's task: the rendering may run elsewhere.
    let ui = app::i18n::UiLang(crate::ui_language::current());
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(page.clone());
            provide_context(head.clone());
            provide_context(ui);
        },
        move || app::shell::shell(options.clone()),
    );
    // The app picks its page from context, not from the path, so any request will do here.
    let request = Request::builder()
        .uri("/")
        .body(Body::empty())
        .expect("static request");
    let mut response = handler(request).await.into_response();
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    response
}

pub async fn not_found(state: &AppState) -> Response {
    page(state, StatusCode::NOT_FOUND, Page::NotFound).await
}

/// A part of a page (`view`), for a script that puts it in place: no document around it.
pub fn fragment<V: leptos::prelude::IntoView + 'static>(view: impl FnOnce() -> V) -> Response {
    use leptos::prelude::{Owner, RenderHtml};
    let html = Owner::new().with(|| view().into_view().to_html());
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}
