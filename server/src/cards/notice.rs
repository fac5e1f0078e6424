//! The dashboard's one-line notice after a redirect (`/dashboard?saved=…`, `?deleted=…`,
//! `?voucher=…`, `?cap=…`): one of a few known messages, picked by the query, never the query's own text.
//! Reflecting `saved=` put words of anyone's choosing on the issuer's signed-in page behind a
//! link a stranger can send (issue 8). Pure: the caller passes the issuer's cards.

use app::i18n::DashboardText;
use app::model::CardSummary;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardNotice {
    /// One of the issuer's own cards was saved; `slug` is the stored one, not the query's.
    CardSaved {
        slug: String,
    },
    CardDeleted,
    /// The outcome of redeeming a voucher or setting the daily cap, as the ledger words it.
    Guild(crate::ledger::GuildNotice),
}

impl DashboardNotice {
    /// The notice a dashboard query asks for; `None` for anything not known, including a
    /// `saved=` that names no card of this issuer.
    pub fn from_query(
        saved: Option<&str>,
        deleted: Option<&str>,
        voucher: Option<&str>,
        cap: Option<&str>,
        cards: &[CardSummary],
    ) -> Option<DashboardNotice> {
        if let Some(saved) = saved {
            return cards.iter().find(|card| card.slug == saved).map(|card| {
                DashboardNotice::CardSaved {
                    slug: card.slug.clone(),
                }
            });
        }
        if deleted.is_some() {
            return Some(DashboardNotice::CardDeleted);
        }
        voucher
            .and_then(crate::ledger::voucher_notice)
            .or_else(|| cap.and_then(crate::ledger::cap_notice))
            .map(DashboardNotice::Guild)
    }

    /// In the words of `text`, the language of the dashboard being shown.
    pub fn message(&self, text: &DashboardText) -> String {
        match self {
            DashboardNotice::CardSaved { slug } => text.card_saved(slug),
            DashboardNotice::CardDeleted => text.card_deleted.to_string(),
            DashboardNotice::Guild(notice) => notice.message(text).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> &'static DashboardText {
        app::i18n::dashboard_text(app::model::Lang::En)
    }

    fn card(slug: &str) -> CardSummary {
        CardSummary {
            slug: slug.into(),
            name: "Ada".into(),
            published: true,
            updated_at: "2026-01-01T00:00:00Z".into(),
            calls_left: None,
            talk_secs_left: None,
        }
    }

    #[test]
    fn saved_names_only_a_card_of_the_issuer() {
        let cards = [card("ada")];
        assert_eq!(
            DashboardNotice::from_query(Some("ada"), None, None, None, &cards)
                .unwrap()
                .message(english()),
            "Saved. The card is at /c/ada."
        );
        for crafted in [
            "ada. Your account is locked: call +1 900 555 0100",
            "<b>hi</b>",
            "",
        ] {
            assert_eq!(
                DashboardNotice::from_query(Some(crafted), None, None, None, &cards),
                None,
                "{crafted:?}"
            );
        }
    }

    #[test]
    fn notices_speak_the_dashboard_s_language() {
        let saved = DashboardNotice::CardSaved { slug: "ada".into() };
        let korean = app::i18n::dashboard_text(app::model::Lang::Ko);
        assert_eq!(
            saved.message(korean),
            "저장했습니다. 명함 주소는 /c/ada 입니다."
        );
        let expired = DashboardNotice::Guild(crate::ledger::GuildNotice::VoucherExpired);
        assert_ne!(expired.message(korean), expired.message(english()));
    }

    #[test]
    fn deleted_and_vouchers_are_fixed_messages() {
        assert_eq!(
            DashboardNotice::from_query(None, Some("anything at all"), None, None, &[]),
            Some(DashboardNotice::CardDeleted)
        );
        assert_eq!(
            DashboardNotice::from_query(None, None, Some("expired"), None, &[])
                .unwrap()
                .message(english()),
            "This voucher has expired."
        );
        assert_eq!(
            DashboardNotice::from_query(None, None, Some("<i>free money</i>"), None, &[]),
            None
        );
        assert_eq!(
            DashboardNotice::from_query(None, None, None, Some("set"), &[])
                .unwrap()
                .message(english()),
            "Daily spending limit saved."
        );
        assert_eq!(
            DashboardNotice::from_query(None, None, None, Some("<i>no cap</i>"), &[]),
            None
        );
    }
}
