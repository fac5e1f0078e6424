//! Rendered card pages, kept per (card, language, page or embed), with what a view needs to
//! decide without the database: the card's owner, whether it is published, its languages and
//! who may frame it (issue 12).
//!
//! An edit must show at once on every server process (BRIEF R5). Two ways to know a kept page
//! is still the card's:
//! - **Told** (`trusted`): every change to a card forgets its slug here, in this process after
//!   its commit and in every other process through the change's notification
//!   (`cards::changes`, PostgreSQL `NOTIFY`, delivered at commit). While that holds, a view
//!   costs no query at all.
//! - **Checked**: while the notifications cannot be relied on (a PostgreSQL listener not
//!   connected), each view reads the card's row and uses a kept page only if it was rendered
//!   for the same `updated_at` — one small query per view.
//!
//! A render started before a change must not be kept after it: a view takes the cache's
//! [`generation`](PageCache::generation) before it reads, and [`store`](PageCache::store) drops
//! what was read under an older one. Pure data structure; the caller supplies rows and pages.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use app::model::Lang;
use axum::body::Bytes;
use chrono::{DateTime, Utc};

use crate::security_headers::FrameAncestors;

/// Bound on the number of cards kept; beyond it the cache starts over (cheap, and a popular card
/// is back after one render).
const MAX_CARDS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedCard {
    /// The card's row id: views are counted by it (`views.rs`).
    pub id: i64,
    pub owner: i64,
    pub published: bool,
    pub updated_at: DateTime<Utc>,
    pub languages: Vec<Lang>,
    pub default_lang: Lang,
    /// The card's framing rule (issue 12), sent with each page.
    pub frame: FrameAncestors,
}

/// The page (`/c/{slug}`) or the embed (`/embed/{slug}`) of a card in a language.
type PageKey = (Lang, bool);

/// Starts untrusted: views check rows until [`trust`](PageCache::trust).
#[derive(Default)]
pub struct PageCache {
    cards: Mutex<HashMap<String, Entry>>,
    generation: AtomicU64,
    trusted: AtomicBool,
}

struct Entry {
    card: CachedCard,
    pages: HashMap<PageKey, Bytes>,
}

impl PageCache {
    /// Whether every change to a card reaches [`forget`](Self::forget) (no row read per view).
    pub fn is_trusted(&self) -> bool {
        self.trusted.load(Ordering::Acquire)
    }

    /// Starts trusting what is kept (the change notifications are live), from a clean slate:
    /// whatever was kept while they were not may be stale.
    pub fn trust(&self) {
        self.clear();
        self.trusted.store(true, Ordering::Release);
    }

    /// Stops trusting (the notifications were lost): views check rows again.
    pub fn distrust(&self) {
        self.trusted.store(false, Ordering::Release);
        self.clear();
    }

    /// Taken by a view before it reads the database; see [`store`](Self::store).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// What is kept of `slug`, if the cache is trusted.
    pub fn current(&self, slug: &str) -> Option<CachedCard> {
        if !self.is_trusted() {
            return None;
        }
        let cards = self.cards.lock().expect("cache lock is never poisoned");
        cards.get(slug).map(|entry| entry.card.clone())
    }

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

    /// Keeps a rendered page read under `generation`; a newer stamp replaces everything kept
    /// for the card. Dropped if a card changed since `generation` was taken: the page may
    /// predate that change.
    pub fn store(
        &self,
        slug: &str,
        generation: u64,
        card: CachedCard,
        lang: Lang,
        embedded: bool,
        page: Bytes,
    ) {
        let mut cards = self.cards.lock().expect("cache lock is never poisoned");
        // Under the lock, which `forget` takes to bump the generation.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if cards.len() >= MAX_CARDS && !cards.contains_key(slug) {
            cards.clear();
        }
        let entry = cards.entry(slug.to_string()).or_insert_with(|| Entry {
            card: card.clone(),
            pages: HashMap::new(),
        });
        if entry.card != card {
            entry.card = card;
            entry.pages.clear();
        }
        entry.pages.insert((lang, embedded), page);
    }

    /// Drops what is kept of `slug` (its card changed), and any render in flight.
    pub fn forget(&self, slug: &str) {
        let mut cards = self.cards.lock().expect("cache lock is never poisoned");
        cards.remove(slug);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Drops everything, and any render in flight.
    pub fn clear(&self) {
        let mut cards = self.cards.lock().expect("cache lock is never poisoned");
        cards.clear();
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(seconds: i64) -> CachedCard {
        CachedCard {
            id: 1,
            owner: 1,
            published: true,
            updated_at: DateTime::from_timestamp(seconds, 0).unwrap(),
            languages: vec![Lang::Ko, Lang::En],
            default_lang: Lang::Ko,
            frame: FrameAncestors::Callcard,
        }
    }

    fn page(text: &'static str) -> Bytes {
        Bytes::from_static(text.as_bytes())
    }

    #[test]
    fn a_page_is_served_only_for_the_stamp_it_was_rendered_at() {
        let cache = PageCache::default();
        let old = card(1);
        cache.store("hong", 0, old.clone(), Lang::Ko, false, page("v1"));
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
        cache.store("hong", 0, card(1), Lang::Ko, false, page("ko v1"));
        cache.store("hong", 0, card(1), Lang::En, true, page("en v1"));
        cache.store("hong", 0, card(2), Lang::Ko, false, page("ko v2"));
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

    #[test]
    fn only_a_trusted_cache_answers_without_a_row() {
        let cache = PageCache::default();
        cache.store("hong", 0, card(1), Lang::Ko, false, page("v1"));
        assert!(cache.current("hong").is_none(), "checked: every view reads");
        cache.trust();
        assert!(cache.current("hong").is_none(), "trust starts from nothing");
        let generation = cache.generation();
        cache.store("hong", generation, card(1), Lang::Ko, false, page("v1"));
        assert_eq!(cache.current("hong"), Some(card(1)));
        cache.forget("hong");
        assert!(cache.current("hong").is_none(), "a change forgets the card");
        let generation = cache.generation();
        cache.store("hong", generation, card(1), Lang::Ko, false, page("v1"));
        cache.distrust();
        assert!(cache.current("hong").is_none());
    }

    #[test]
    fn a_render_read_before_a_change_is_not_kept_after_it() {
        let cache = PageCache::default();
        cache.trust();
        let before = cache.generation();
        // The view read the old row; the edit commits and forgets the card; the view stores.
        cache.forget("hong");
        cache.store("hong", before, card(1), Lang::Ko, false, page("old"));
        assert!(cache.current("hong").is_none());
        // Any card's change counts: the generation is one for all.
        let before = cache.generation();
        cache.forget("someone-else");
        cache.store("hong", before, card(1), Lang::Ko, false, page("old"));
        assert!(cache.current("hong").is_none());
    }
}
