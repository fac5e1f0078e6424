//! The card page's browser bundle (issue 12). The `app` crate built with `card-island` alone holds
//! one island, the card; its exports (`hydrate`, `_island_Card`) come with it. Built by Trunk
//! from `app/card-bundle/index.html` into `target/site/pkg/card`.
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
pub use app::hydrate;
