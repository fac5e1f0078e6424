//! Rendered card pages, kept per (card, language, page or embed) and valid only for the card's
//! `updated_at`, with who may frame them (an allowlist change bumps the stamp too).
//!
//! Every request still reads the card's stamp (one small query), so an edit made by any server
//! process shows at once (BRIEF R5): a changed `updated_at` simply misses. Only the rendering and
//! the content queries are saved. Pure data structure; the caller supplies stamps and pages.

use std::collections::HashMap;
use std::sync::Mutex;

use app::model::Lang;
use axum::body::Bytes;
use chrono::{DateTime, Utc};

use crate::security_headers::FrameAncestors;

/// Bound on the number of cards kept; beyond it the cache starts over (cheap, and a popular card
/// is back after one render).
const MAX_CARDS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedCard {
    pub updated_at: DateTime<Utc>,
    pub languages: Vec<Lang>,
    pub default_lang: Lang,
    /// The card's framing rule (issue 12), sent with each page.
    pub frame: FrameAncestors,
}

/// The page (`/c/{slug}`) or the embed (`/embed/{slug}`) of a card in a language.
type PageKey = (Lang, bool);

#[derive(Default)]
pub struct PageCache {
    cards: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    card: CachedCard,
    pages: HashMap<PageKey, Bytes>,
}

impl PageCache {
    /// What is known of `slug` if it was cached at exactly `updated_at`.
    pub fn card(&self, slug: &str, updated_at: DateTime<Utc>) -> Option<CachedCard> {
        let cards = self.cards.lock().expect("cache lock is never poisoned");
        cards
            .get(slug)
            .filter(|entry| entry.card.updated_at == updated_at)
            .map(|entry| entry.card.clone())
    }

    pub fn page(
        &self,
        slug: &str,
        updated_at: DateTime<Utc>,
        lang: Lang,
        embedded: bool,
    ) -> Option<Bytes> {
        let cards = self.cards.lock().expect("cache lock is never poisoned");
        let entry = cards.get(slug)?;
        if entry.card.updated_at != updated_at {
            return None;
        }
        entry.pages.get(&(lang, embedded)).cloned()
    }

    /// Keeps a rendered page; a newer stamp replaces everything kept for the card.
    pub fn store(&self, slug: &str, card: CachedCard, lang: Lang, embedded: bool, page: Bytes) {
        let mut cards = self.cards.lock().expect("cache lock is never poisoned");
        if cards.len() >= MAX_CARDS && !cards.contains_key(slug) {
            cards.clear();
        }
        let entry = cards.entry(slug.to_string()).or_insert_with(|| Entry {
            card: card.clone(),
            pages: HashMap::new(),
        });
        if entry.card.updated_at != card.updated_at {
            entry.card = card;
            entry.pages.clear();
        }
        entry.pages.insert((lang, embedded), page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(seconds: i64) -> CachedCard {
        CachedCard {
            updated_at: DateTime::from_timestamp(seconds, 0).unwrap(),
            languages: vec![Lang::Ko, Lang::En],
            default_lang: Lang::Ko,
            frame: FrameAncestors::Callcard,
        }
    }

    #[test]
    fn a_page_is_served_only_for_the_stamp_it_was_rendered_at() {
        let cache = PageCache::default();
        let old = card(1);
        cache.store(
            "hong",
            old.clone(),
            Lang::Ko,
            false,
            Bytes::from_static(b"v1"),
        );
        assert_eq!(
            cache.page("hong", old.updated_at, Lang::Ko, false).unwrap(),
            "v1"
        );
        assert!(
            cache
                .page("hong", old.updated_at, Lang::En, false)
                .is_none()
        );
        assert!(
            cache.page("hong", old.updated_at, Lang::Ko, true).is_none(),
            "the embed is another page"
        );
        assert!(
            cache
                .page("hong", card(2).updated_at, Lang::Ko, false)
                .is_none(),
            "an edit misses"
        );
        assert!(cache.card("hong", card(2).updated_at).is_none());
    }

    #[test]
    fn a_newer_render_drops_every_language_of_the_older_one() {
        let cache = PageCache::default();
        cache.store(
            "hong",
            card(1),
            Lang::Ko,
            false,
            Bytes::from_static(b"ko v1"),
        );
        cache.store(
            "hong",
            card(1),
            Lang::En,
            true,
            Bytes::from_static(b"en v1"),
        );
        cache.store(
            "hong",
            card(2),
            Lang::Ko,
            false,
            Bytes::from_static(b"ko v2"),
        );
        assert!(
            cache
                .page("hong", card(2).updated_at, Lang::En, true)
                .is_none()
        );
        assert_eq!(
            cache
                .page("hong", card(2).updated_at, Lang::Ko, false)
                .unwrap(),
            "ko v2"
        );
        assert!(
            cache
                .page("hong", card(1).updated_at, Lang::Ko, false)
                .is_none()
        );
    }
}
