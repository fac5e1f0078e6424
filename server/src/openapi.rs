//! The OpenAPI document of every JSON endpoint, generated from the handlers' annotations and
//! served at `/api/openapi.json`.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "callcard API",
    description = "Online business cards you can call for free."
))]
struct Root;

pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = Root::openapi();
    document.merge(crate::auth::ApiDoc::openapi());
    document.merge(crate::cards::ApiDoc::openapi());
    document.merge(crate::cards::usage_routes::ApiDoc::openapi());
    document.merge(crate::cards::embed::routes::ApiDoc::openapi());
    document.merge(crate::ledger::ApiDoc::openapi());
    document.merge(crate::calls::ApiDoc::openapi());
    document.merge(crate::calls::live::ApiDoc::openapi());
    document.merge(crate::calls::callback::ApiDoc::openapi());
    document.merge(crate::verification::ApiDoc::openapi());
    document
}
