//! The rules of e-mail confirmation (issue 8), free of I/O: the link's token, how long it
//! lives, how many sign-up mails one address may receive, and what the mails say.
//!
//! Why: each sign-up costs a memory-hard hash and brought the Guild grant, so anyone could mint
//! money by the thousand with made-up addresses. The grant now waits for the address to answer,
//! and sign-up says the same ("check your e-mail") whether or not the address has an account:
//! its owner learns the difference by mail, nobody else learns it at all.

use chrono::{DateTime, Duration, Utc};

use app::model::Lang;

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

/// The mail with the link that confirms `email`, in `lang` (the language the issuer signed up
/// in). The link is a line of its own, ASCII, so every mail program shows it whole.
pub fn confirmation_mail(
    public_url: &str,
    email: &str,
    display_name: &str,
    token: &str,
    lang: Lang,
) -> Mail {
    let text = mail_text(lang);
    let hours = LINK_LIFETIME.num_hours().to_string();
    Mail {
        to: email.to_string(),
        subject: text.confirm_subject.into(),
        text: format!(
            "{}\n\n{}\n\n{public_url}/confirm/{token}\n\n{}\n",
            text.hello_name.replace("{name}", display_name),
            text.confirm_before.replace("{hours}", &hours),
            text.confirm_after,
        ),
    }
}

/// The mail that tells an address with an account that someone tried to sign it up again, in
/// the language its account chose.
pub fn already_registered_mail(public_url: &str, email: &str, lang: Lang) -> Mail {
    let text = mail_text(lang);
    Mail {
        to: email.to_string(),
        subject: text.registered_subject.into(),
        text: format!(
            "{}\n\n{}\n\n{public_url}/login\n\n{}\n",
            text.hello, text.registered_before, text.registered_after,
        ),
    }
}

/// The sign-up mails' words (issue 11: every message in ko, en, ja, zh). Line breaks are part
/// of the text: plain-text mail is read as written.
struct MailText {
    confirm_subject: &'static str,
    /// Has a `{name}` placeholder.
    hello_name: &'static str,
    /// Has an `{hours}` placeholder.
    confirm_before: &'static str,
    confirm_after: &'static str,
    registered_subject: &'static str,
    hello: &'static str,
    registered_before: &'static str,
    registered_after: &'static str,
}

fn mail_text(lang: Lang) -> &'static MailText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

static EN: MailText = MailText {
    confirm_subject: "Confirm your callcard account",
    hello_name: "Hello {name},",
    confirm_before: "Someone (we hope you) signed up for callcard with this address. To confirm it,\n\
                     open this link within {hours} hours and enter the password you chose:",
    confirm_after: "Your starting balance is credited once the address is confirmed.\n\
                    If this was not you, ignore this mail: nothing happens without the password.",
    registered_subject: "You already have a callcard account",
    hello: "Hello,",
    registered_before: "Someone (we hope you) tried to sign up for callcard with this address, which\n\
                        already has an account. Log in here instead:",
    registered_after: "If this was not you, ignore this mail: nothing was changed.",
};

static KO: MailText = MailText {
    confirm_subject: "callcard 계정을 확인하세요",
    hello_name: "{name}님, 안녕하세요.",
    confirm_before: "누군가(아마 본인) 이 주소로 callcard에 가입했습니다. 주소를 확인하려면\n\
                     {hours}시간 안에 아래 링크를 열고 정한 비밀번호를 입력하세요.",
    confirm_after: "주소가 확인되면 시작 잔액이 충전됩니다.\n\
                    본인이 아니라면 이 메일을 무시하세요. 비밀번호 없이는 아무 일도 일어나지 않습니다.",
    registered_subject: "이미 callcard 계정이 있습니다",
    hello: "안녕하세요.",
    registered_before: "누군가(아마 본인) 이미 계정이 있는 이 주소로 callcard에 가입하려고 했습니다.\n\
                        대신 여기서 로그인하세요.",
    registered_after: "본인이 아니라면 이 메일을 무시하세요. 바뀐 것은 없습니다.",
};

static JA: MailText = MailText {
    confirm_subject: "callcardのアカウントを確認してください",
    hello_name: "{name}様",
    confirm_before: "このアドレスでcallcardへの登録がありました(ご本人だと思います)。確認するには、\n\
                     {hours}時間以内に下のリンクを開き、設定したパスワードを入力してください。",
    confirm_after: "アドレスが確認されると、初回残高がチャージされます。\n\
                    お心当たりがない場合は、このメールを無視してください。パスワードなしでは何も起こりません。",
    registered_subject: "callcardのアカウントはすでにあります",
    hello: "こんにちは。",
    registered_before: "すでにアカウントのあるこのアドレスで、callcardへの登録が試みられました(ご本人だと思います)。\n\
                        代わりにこちらからログインしてください。",
    registered_after: "お心当たりがない場合は、このメールを無視してください。何も変更されていません。",
};

static ZH: MailText = MailText {
    confirm_subject: "请确认您的 callcard 账户",
    hello_name: "{name}，您好：",
    confirm_before: "有人(希望是您本人)用此地址注册了 callcard。要确认地址，\n\
                     请在 {hours} 小时内打开下面的链接并输入您设置的密码：",
    confirm_after: "地址确认后，初始余额即会到账。\n\
                    如果不是您本人操作，请忽略此邮件：没有密码什么也不会发生。",
    registered_subject: "您已有 callcard 账户",
    hello: "您好：",
    registered_before: "有人(希望是您本人)试图用此地址注册 callcard，但此地址已有账户。\n\
                        请改为在这里登录：",
    registered_after: "如果不是您本人操作，请忽略此邮件：没有任何更改。",
};

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
        let mail = confirmation_mail(
            "https://cards.example",
            "ada@example.com",
            "Ada",
            &token,
            Lang::En,
        );
        assert_eq!(mail.to, "ada@example.com");
        let link = format!("https://cards.example/confirm/{token}");
        assert!(mail.text.lines().any(|line| line == link), "{}", mail.text);
        // 7-bit text with short lines goes through every mail system unencoded.
        assert!(mail.text.is_ascii());
        assert!(mail.text.lines().all(|line| line.len() <= 78));
        let notice = already_registered_mail("https://cards.example", "ada@example.com", Lang::En);
        assert!(notice.text.contains("https://cards.example/login"));
        assert!(!notice.text.contains("/confirm/"));
    }

    #[test]
    fn every_language_s_mails_keep_the_link_on_a_line_of_its_own() {
        let token = new_token();
        let link = format!("https://cards.example/confirm/{token}");
        for lang in Lang::ALL {
            let mail = confirmation_mail(
                "https://cards.example",
                "a@b.example",
                "에이다",
                &token,
                lang,
            );
            assert!(
                mail.text.lines().any(|line| line == link),
                "{lang:?}: {}",
                mail.text
            );
            assert!(mail.text.contains("48"), "{lang:?}: the link's lifetime");
            let notice = already_registered_mail("https://cards.example", "a@b.example", lang);
            assert!(
                notice
                    .text
                    .lines()
                    .any(|line| line == "https://cards.example/login")
            );
            assert_eq!(
                mail.subject.is_ascii() && notice.subject.is_ascii(),
                lang == Lang::En,
                "{lang:?} speaks its own language"
            );
        }
    }
}
