//! The cards calls go to, kept per process so that a call on PostgreSQL reserves in one round
//! trip instead of two (issue 9: throughput). A cached card is never trusted on its own: the
//! reservation statement checks that the card's `updated_at` is still the cached one (every
//! edit of the card or its call settings moves it), and any decision the cache would not
//! grant outright is made again from a fresh read (`reservation::reserve_with_cache`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::reservation::CardForCall;
use crate::cards::entity::{call_settings, card};

/// Cards kept before the cache starts over; a flood of distinct slugs costs bounded memory.
const MAX_CARDS: usize = 10_000;

/// A card and its call settings as last read; its `card.updated_at` is the version.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedCard {
    pub card: card::Model,
    pub settings: Option<call_settings::Model>,
}

#[derive(Debug, Default)]
pub struct CardCache {
    cards: Mutex<HashMap<String, Arc<CachedCard>>>,
}

impl CardCache {
    pub fn get(&self, slug: &str) -> Option<Arc<CachedCard>> {
        self.lock().get(slug).cloned()
    }

    /// Keeps what a fresh read found, replacing what was kept of the card before.
    pub fn put(&self, found: &CardForCall) {
        let mut cards = self.lock();
        if cards.len() >= MAX_CARDS && !cards.contains_key(&found.card.slug) {
            cards.clear();
        }
        cards.insert(
            found.card.slug.clone(),
            Arc::new(CachedCard {
                card: found.card.clone(),
                settings: found.settings.clone(),
            }),
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<CachedCard>>> {
        self.cards
            .lock()
            .expect("card cache lock is never poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(slug: &str, seconds: i64) -> CardForCall {
        CardForCall {
            card: card::Model {
                id: 1,
                account_id: 1,
                slug: slug.into(),
                published: true,
                default_lang: "en".into(),
                template: "classic".into(),
                primary_color: String::new(),
                accent_color: String::new(),
                office_phone: String::new(),
                mobile: String::new(),
                fax: String::new(),
                email: String::new(),
                homepage: String::new(),
                photo_file: None,
                logo_file: None,
                video_file: None,
                video_poster_file: None,
                video_width: None,
                video_height: None,
                video_duration_ms: None,
                font: "template".into(),
                photo_frame_x: 50,
                photo_frame_y: 50,
                photo_frame_zoom: 100,
                logo_frame_x: 50,
                logo_frame_y: 50,
                logo_frame_zoom: 100,
                created_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
                updated_at: chrono::DateTime::from_timestamp(seconds, 0).unwrap(),
            },
            settings: None,
            guild: None,
        }
    }

    #[test]
    fn a_fresh_read_replaces_what_was_kept_and_the_cache_stays_bounded() {
        let cache = CardCache::default();
        assert!(cache.get("hong").is_none());
        cache.put(&found("hong", 1));
        cache.put(&found("hong", 2));
        assert_eq!(cache.get("hong").unwrap().card.updated_at.timestamp(), 2);
        for n in 0..MAX_CARDS + 5 {
            cache.put(&found(&format!("card-{n}"), 1));
        }
        assert!(cache.lock().len() <= MAX_CARDS);
    }
}
