//! The rules of e-mail confirmation (issue 8), free of I/O: the link's token, how long it
//! lives, how many sign-up mails one address may receive, and what the mails say.
//!
//! Why: each sign-up costs a memory-hard hash and brought the Guild grant, so anyone could mint
//! money by the thousand with made-up addresses. The grant now waits for the address to answer,
//! and sign-up says the same ("check your e-mail") whether or not the address has an account:
//! its owner learns the difference by mail, nobody else learns it at all.

use chrono::{DateTime, Duration, Utc};

use crate::mail::Mail;

/// How long a confirmation link works.
pub const LINK_LIFETIME: Duration = Duration::hours(48);

/// Sign-up mails (links and notices) one address receives per [`MAIL_WINDOW`]: a stranger
/// signing up someone else's address over and over cannot flood their mailbox.
pub const MAILS_PER_WINDOW: u64 = 3;
pub const MAIL_WINDOW: Duration = Duration::hours(1);

/// An account whose address never answered is deleted this long after its last link, so
/// nobody can hold someone else's address by signing it up first.
pub const UNCONFIRMED_KEPT: Duration = Duration::days(7);

/// Characters in a token (`service::new_token`): 32 random bytes, URL-safe base64 without
/// padding.
const TOKEN_LEN: usize = 43;

/// Whether `token` could be one of ours; anything else is refused before the database is asked.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a confirmation link's row says about it at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Usable,
    Used,
    Expired,
}

pub fn link_state(
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> LinkState {
    if used_at.is_some() {
        LinkState::Used
    } else if expires_at <= now {
        LinkState::Expired
    } else {
        LinkState::Usable
    }
}

/// Whether one more sign-up mail may go to an address that got `sent_in_window` already.
pub fn may_send(sent_in_window: u64) -> bool {
    sent_in_window < MAILS_PER_WINDOW
}

/// The mail with the link that confirms `email`.
pub fn confirmation_mail(public_url: &str, email: &str, display_name: &str, token: &str) -> Mail {
    let hours = LINK_LIFETIME.num_hours();
    Mail {
        to: email.to_string(),
        subject: "Confirm your callcard account".into(),
        text: format!(
            "Hello {display_name},\n\
             \n\
             Someone (we hope you) signed up for callcard with this address. To confirm it,\n\
             open this link within {hours} hours and enter the password you chose:\n\
             \n\
             {public_url}/confirm/{token}\n\
             \n\
             Your starting balance is credited once the address is confirmed.\n\
             If this was not you, ignore this mail: nothing happens without the password.\n"
        ),
    }
}

/// The mail that tells an address with an account that someone tried to sign it up again.
pub fn already_registered_mail(public_url: &str, email: &str) -> Mail {
    Mail {
        to: email.to_string(),
        subject: "You already have a callcard account".into(),
        text: format!(
            "Hello,\n\
             \n\
             Someone (we hope you) tried to sign up for callcard with this address, which\n\
             already has an account. Log in here instead:\n\
             \n\
             {public_url}/login\n\
             \n\
             If this was not you, ignore this mail: nothing was changed.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::service::new_token;

    #[test]
    fn tokens_are_random_well_formed_and_checked_before_any_lookup() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(is_well_formed(&a) && is_well_formed(&b), "{a} {b}");
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", &a[..42]),
            &"é".repeat(21),
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn a_link_is_usable_once_and_only_before_it_expires() {
        let now = Utc::now();
        let expires = now + LINK_LIFETIME;
        assert_eq!(link_state(expires, None, now), LinkState::Usable);
        assert_eq!(link_state(expires, Some(now), now), LinkState::Used);
        assert_eq!(link_state(now, None, now), LinkState::Expired);
        assert_eq!(
            link_state(expires, None, now + LINK_LIFETIME + Duration::seconds(1)),
            LinkState::Expired
        );
    }

    #[test]
    fn an_address_gets_at_most_three_sign_up_mails_per_window() {
        assert!((0..MAILS_PER_WINDOW).all(may_send));
        assert!(!may_send(MAILS_PER_WINDOW));
    }

    #[test]
    fn mails_carry_the_link_on_a_line_of_its_own_in_plain_ascii() {
        let token = new_token();
        let mail = confirmation_mail("https://cards.example", "ada@example.com", "Ada", &token);
        assert_eq!(mail.to, "ada@example.com");
        let link = format!("https://cards.example/confirm/{token}");
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        // 7-bit text with short lines goes through every mail system unencoded.
        assert!(mail.text.is_ascii());
        assert!(mail.text.lines().all(|line| line.len() <= 78));
        let notice = already_registered_mail("https://cards.example", "ada@example.com");
        assert!(notice.text.contains("https://cards.example/login"));
        assert!(!notice.text.contains("/confirm/"));
    }
}
