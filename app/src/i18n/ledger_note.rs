//! The notes the system writes on ledger entries (a grant, a call's debit, a voucher, a
//! payment, an operator's credit), in ko, en, ja, zh (issue 11). The ledger stores them in
//! English, as [`SystemNote::words`] writes them in [`Lang::En`], so the API and the CSV keep one
//! stable text; a page reads the stored note back as the [`SystemNote`] it is and words it in
//! its own language. A note someone typed (an operator's adjustment) is shown as typed.

use crate::model::Lang;

/// A note the system writes, with what it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemNote<'a> {
    WelcomeGrant,
    /// The debit of call `id` to the card at `/c/{slug}`.
    Call {
        id: i64,
        slug: &'a str,
    },
    /// A redeemed voucher, its code as shown (`ABCD-EFGH-…`).
    Voucher {
        code: &'a str,
    },
    Payment,
    OperatorCredit,
}

impl SystemNote<'_> {
    /// The note in `lang`; in English, the text the ledger stores.
    pub fn words(&self, lang: Lang) -> String {
        match (self, lang) {
            (SystemNote::WelcomeGrant, Lang::En) => "Welcome grant".into(),
            (SystemNote::WelcomeGrant, Lang::Ko) => "가입 축하 적립금".into(),
            (SystemNote::WelcomeGrant, Lang::Ja) => "登録特典".into(),
            (SystemNote::WelcomeGrant, Lang::Zh) => "注册赠金".into(),
            (SystemNote::Call { id, slug }, Lang::En) => format!("Call {id} to /c/{slug}"),
            (SystemNote::Call { id, slug }, Lang::Ko) => format!("/c/{slug} 통화 {id}번"),
            (SystemNote::Call { id, slug }, Lang::Ja) => format!("/c/{slug} への通話 {id}"),
            (SystemNote::Call { id, slug }, Lang::Zh) => format!("拨打 /c/{slug} 的通话 {id}"),
            (SystemNote::Voucher { code }, Lang::En) => format!("Voucher {code}"),
            (SystemNote::Voucher { code }, Lang::Ko) => format!("상품권 {code}"),
            (SystemNote::Voucher { code }, Lang::Ja) => format!("クーポン {code}"),
            (SystemNote::Voucher { code }, Lang::Zh) => format!("兑换码 {code}"),
            (SystemNote::Payment, Lang::En) => "Payment".into(),
            (SystemNote::Payment, Lang::Ko) => "결제".into(),
            (SystemNote::Payment, Lang::Ja) => "お支払い".into(),
            (SystemNote::Payment, Lang::Zh) => "付款".into(),
            (SystemNote::OperatorCredit, Lang::En) => "Operator credit".into(),
            (SystemNote::OperatorCredit, Lang::Ko) => "운영자 충전".into(),
            (SystemNote::OperatorCredit, Lang::Ja) => "運営者によるチャージ".into(),
            (SystemNote::OperatorCredit, Lang::Zh) => "运营方充值".into(),
        }
    }

    /// The system note a stored `note` of an entry of `kind` (its code, `call_debit`, …) is,
    /// or `None` for a note someone typed.
    pub fn read<'a>(kind: &str, note: &'a str) -> Option<SystemNote<'a>> {
        let english = |expected: SystemNote<'_>| note == expected.words(Lang::En);
        let read = match kind {
            "signup_grant" => SystemNote::WelcomeGrant,
            "payment" => SystemNote::Payment,
            "operator_credit" => SystemNote::OperatorCredit,
            "voucher" => SystemNote::Voucher {
                code: note.strip_prefix("Voucher ")?,
            },
            "call_debit" => {
                let (id, slug) = note.strip_prefix("Call ")?.split_once(" to /c/")?;
                SystemNote::Call {
                    id: id.parse().ok()?,
                    slug,
                }
            }
            _ => return None,
        };
        english(read).then_some(read)
    }
}

/// How a page shows an entry's note: the system's words in `lang`, and whether the text is
/// someone's own (to be marked `translate="no"`).
pub fn ledger_note(lang: Lang, kind: &str, note: &str) -> (String, bool) {
    match SystemNote::read(kind, note) {
        Some(system) => (system.words(lang), false),
        None => (note.to_string(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: [(&str, SystemNote<'static>); 5] = [
        ("signup_grant", SystemNote::WelcomeGrant),
        (
            "call_debit",
            SystemNote::Call {
                id: 12,
                slug: "hong-gildong",
            },
        ),
        (
            "voucher",
            SystemNote::Voucher {
                code: "ABCD-EFGH-JKMN",
            },
        ),
        ("payment", SystemNote::Payment),
        ("operator_credit", SystemNote::OperatorCredit),
    ];

    #[test]
    fn every_stored_system_note_reads_back_as_itself() {
        for (kind, note) in EVERY {
            let stored = note.words(Lang::En);
            assert_eq!(SystemNote::read(kind, &stored), Some(note), "{stored}");
        }
    }

    #[test]
    fn each_language_words_the_note_its_own_way() {
        for (_, note) in EVERY {
            let words: Vec<String> = Lang::ALL.iter().map(|&lang| note.words(lang)).collect();
            for (index, text) in words.iter().enumerate() {
                assert!(!words[..index].contains(text), "{text} twice");
            }
        }
        assert_eq!(
            ledger_note(Lang::Ko, "call_debit", "Call 7 to /c/ada"),
            ("/c/ada 통화 7번".to_string(), false)
        );
    }

    #[test]
    fn a_typed_note_is_shown_as_typed() {
        for (kind, note) in [
            ("adjustment", "Welcome grant"),
            ("signup_grant", "Welcome grant!"),
            ("call_debit", "Call twelve to /c/ada"),
            ("call_debit", "Call 12 from /c/ada"),
            ("operator_credit", "Goodwill for the outage"),
            ("refund", "Refund of call 12"),
        ] {
            assert_eq!(
                ledger_note(Lang::Ja, kind, note),
                (note.to_string(), true),
                "{note}"
            );
        }
    }
}
