//! What a ledger entry may do to a Guild. Pure: a Guild's state and an entry in, the new state or
//! the precise refusal out. The service applies the same rule atomically in the database.

use super::money::{MAX_ENTRY, Money};

/// Why money moved (BRIEF R13: grant, top-up, call debit, refund; R17: voucher, payment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    SignupGrant,
    OperatorCredit,
    VoucherRedemption,
    Payment,
    CallDebit,
    Refund,
    Adjustment,
}

impl EntryKind {
    pub const ALL: [EntryKind; 7] = [
        EntryKind::SignupGrant,
        EntryKind::OperatorCredit,
        EntryKind::VoucherRedemption,
        EntryKind::Payment,
        EntryKind::CallDebit,
        EntryKind::Refund,
        EntryKind::Adjustment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EntryKind::SignupGrant => "signup_grant",
            EntryKind::OperatorCredit => "operator_credit",
            EntryKind::VoucherRedemption => "voucher",
            EntryKind::Payment => "payment",
            EntryKind::CallDebit => "call_debit",
            EntryKind::Refund => "refund",
            EntryKind::Adjustment => "adjustment",
        }
    }

    pub fn from_code(code: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    fn direction(self) -> Direction {
        match self {
            EntryKind::CallDebit => Direction::Out,
            EntryKind::Adjustment => Direction::Either,
            _ => Direction::In,
        }
    }
}

enum Direction {
    In,
    Out,
    Either,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a {} must add money", .0.code())]
    MustBePositive(EntryKind),
    #[error("a {} must take money", .0.code())]
    MustBeNegative(EntryKind),
    #[error("an entry must move at most {MAX_ENTRY} minor units")]
    TooLarge,
    #[error("the Guild is short: {} minor units available", .available.0)]
    InsufficientGuild { available: Money },
}

/// A Guild's numbers. `available` is what may still be spent or held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GuildState {
    pub balance: Money,
    pub held: Money,
    pub credit_limit: Money,
}

impl GuildState {
    pub fn available(&self) -> Money {
        Money(self.balance.0 + self.credit_limit.0 - self.held.0)
    }
}

/// Checks an entry on its own: direction and size.
pub fn check_entry(kind: EntryKind, amount: Money) -> Result<(), RuleError> {
    if amount.0.unsigned_abs() > MAX_ENTRY as u64 {
        return Err(RuleError::TooLarge);
    }
    match kind.direction() {
        Direction::In if amount.0 <= 0 => Err(RuleError::MustBePositive(kind)),
        Direction::Out if amount.0 >= 0 => Err(RuleError::MustBeNegative(kind)),
        Direction::Either if amount.0 == 0 => Err(RuleError::MustBePositive(kind)),
        _ => Ok(()),
    }
}

/// The Guild after the entry: money taken out may never leave `available` below zero (the
/// credit limit is the floor of a postpaid account, zero of a prepaid one); money put in always fits.
pub fn apply(state: GuildState, kind: EntryKind, amount: Money) -> Result<GuildState, RuleError> {
    check_entry(kind, amount)?;
    let balance = state
        .balance
        .checked_add(amount)
        .ok_or(RuleError::TooLarge)?;
    let after = GuildState { balance, ..state };
    if amount.0 < 0 && after.available().0 < 0 {
        return Err(RuleError::InsufficientGuild {
            available: state.available(),
        });
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_entry_kind_has_words_on_the_dashboard() {
        let codes: Vec<&str> = EntryKind::ALL.iter().map(|kind| kind.code()).collect();
        assert_eq!(codes, app::i18n::KINDS);
    }

    fn guild(balance: i64, held: i64, credit_limit: i64) -> GuildState {
        GuildState {
            balance: Money(balance),
            held: Money(held),
            credit_limit: Money(credit_limit),
        }
    }

    #[test]
    fn credits_must_add_and_debits_must_take() {
        assert_eq!(
            check_entry(EntryKind::OperatorCredit, Money(0)),
            Err(RuleError::MustBePositive(EntryKind::OperatorCredit))
        );
        assert_eq!(
            check_entry(EntryKind::SignupGrant, Money(-1)),
            Err(RuleError::MustBePositive(EntryKind::SignupGrant))
        );
        assert_eq!(
            check_entry(EntryKind::CallDebit, Money(5)),
            Err(RuleError::MustBeNegative(EntryKind::CallDebit))
        );
        assert!(check_entry(EntryKind::Adjustment, Money(-5)).is_ok());
        assert_eq!(
            check_entry(EntryKind::Payment, Money(MAX_ENTRY + 1)),
            Err(RuleError::TooLarge)
        );
    }

    #[test]
    fn debit_never_goes_below_the_credit_limit_nor_into_held_money() {
        assert_eq!(
            apply(guild(100, 0, 0), EntryKind::CallDebit, Money(-100))
                .unwrap()
                .balance,
            Money(0)
        );
        assert_eq!(
            apply(guild(100, 30, 0), EntryKind::CallDebit, Money(-71)),
            Err(RuleError::InsufficientGuild {
                available: Money(70)
            })
        );
        let postpaid = apply(guild(0, 0, 500), EntryKind::CallDebit, Money(-500)).unwrap();
        assert_eq!(postpaid.balance, Money(-500));
        assert!(apply(postpaid, EntryKind::CallDebit, Money(-1)).is_err());
    }

    #[test]
    fn entry_codes_round_trip() {
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::from_code(kind.code()), Some(kind));
        }
    }

    proptest! {
        /// Any sequence of entries, accepted or refused, keeps balance = sum of accepted amounts
        /// and available ≥ 0 whenever a debit was accepted.
        #[test]
        fn balance_is_the_sum_of_accepted_entries(
            credit_limit in 0i64..1_000,
            entries in proptest::collection::vec((0usize..7, -2_000i64..2_000), 0..60),
        ) {
            let mut state = guild(0, 0, credit_limit);
            let mut sum = 0i64;
            for (kind_index, amount) in entries {
                let kind = EntryKind::ALL[kind_index];
                if let Ok(next) = apply(state, kind, Money(amount)) {
                    sum += amount;
                    if amount < 0 {
                        prop_assert!(next.available().0 >= 0);
                    }
                    state = next;
                }
                prop_assert_eq!(state.balance, Money(sum));
                prop_assert!(state.available().0 >= 0);
            }
        }
    }
}
