//! The issuer's pages in ko, en, ja, zh (issue 11: "a test renders every page in every language
//! and fails on any untranslated string"). Each page is fetched in every language, as a
//! visitor or issuer who chose it with the switcher would see it, refusals and notices included;
//! in ko, ja and zh no English word may be left among its texts (text nodes, `alt`,
//! `aria-label`, `placeholder`, `title`), apart from names that stay as they are (`callcard`,
//! `vCard`, …) and what the issuer typed (marked `translate="no"`, or e-mail addresses and
//! paths).

use std::collections::BTreeSet;

use reqwest::StatusCode;

use chrono::{DateTime, Datelike, Utc};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

/// Words that stay as they are in every language: the product, formats, examples of codes and
/// time-zone names, currency codes.
const KEPT: &[&str] = &[
    "callcard",
    "vCard",
    "vcf",
    "CSV",
    "KRW",
    "ABCD",
    "EFGH",
    "JKMN",
    "PQRS",
    "Asia",
    "Seoul",
    "Tokyo",
    "Shanghai",
    "Europe",
    "Paris",
    "JavaScript",
    // Formats and the products that speak them, named in the Embed panel.
    "HTML",
    "oEmbed",
    "WordPress",
    // A vCard's own lines, named in a refused import's reason.
    "BEGIN",
    "VCARD",
    // Video formats, named where a video is uploaded.
    "MP4",
    "WebM",
    // Image formats, named where images are uploaded.
    "JPEG",
    "PNG",
    // The accessibility standard the designer's contrast check names.
    "WCAG",
];

const PASSWORD: &str = "a long enough password";

/// A client whose pages speak `lang`, chosen with the switcher.
async fn client_in(app: &TestApp, lang: &str) -> reqwest::Client {
    let client = app.new_client();
    app.choose_language(&client, lang).await;
    client
}

/// Posts the sign-up page's form, as a browser in `client`'s language would.
async fn post_sign_up(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    display_name: &str,
) -> reqwest::Response {
    client
        .post(app.url("/signup"))
        .form(&[
            ("email", email),
            ("display_name", display_name),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs `client` up and in through the pages, with a name that is no English word.
async fn sign_up_in(app: &TestApp, client: &reqwest::Client, email: &str) {
    let seen = app.mail.to(email).len();
    let sent = post_sign_up(app, client, email, "에이다").await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let token = app.mail.next_to(email, seen).await.confirmation_token();
    let confirmed = client
        .post(app.url("/confirm"))
        .form(&[("token", token.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
}

/// Every page of the issuer's side in `lang`, by what it is: (name, HTML).
/// Two records of the card `slug`, so that the records page renders its rows: an attempt
/// refused for want of a trunk, and a call the issuer took in their browser while their phone
/// rang too.
async fn call_records_of(app: &TestApp, slug: &str) {
    use media_bridge::call::{CallOutcome, HangupCause};
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, EntityTrait};
    use server::calls::authorize::Refusal;
    use server::calls::call_state::{AnsweredOn, CallState, Outcome, RecordedCause};
    use server::calls::reservation::{self, CallRequest, entity as call};

    let request = CallRequest {
        card_slug: slug,
        caller_number: "browser",
        callee_number: "+821012345678",
        caller_region: None,
        legs: Vec::new(),
        hold_secs: 60,
        run_by: "test",
    };
    let now = Utc::now();
    reservation::refuse(&app.db, &request, now, Refusal::NoTrunk)
        .await
        .unwrap();
    let refused = call::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.card_slug == slug)
        .expect("the refused attempt's record");
    let mut answered: call::ActiveModel = refused.into();
    answered.id = NotSet;
    answered.state = Set(CallState::Settled);
    answered.answered_at = Set(Some(now));
    answered.ended_at = Set(Some(now + chrono::Duration::seconds(65)));
    answered.billed_secs = Set(Some(65));
    answered.cost = Set(Some(130));
    answered.outcome = Set(Some(Outcome::Ended(CallOutcome::Answered)));
    answered.hangup_cause = Set(Some(RecordedCause::Call(HangupCause::IssuerHungUp)));
    answered.answered_on = Set(Some(AnsweredOn::Browser));
    answered.insert(&app.db).await.unwrap();
}

/// The phone-number pages that need a verification call, without a trunk: the call's page in
/// each of its steps and after each way it can end (rows written as the bridge would write
/// them), the numbers page listing a verified number, and a verification refused for want of a
/// trunk. (name, HTML).
async fn verification_pages_of(app: &TestApp, issuer: &reqwest::Client) -> Vec<(String, String)> {
    use media_bridge::verify::{Outcome, Progress};
    use server::verification::{LIMITS, Limits, store};

    let me = app.get_json(issuer, app.url("/api/me")).await;
    let account_id = me["id"].as_i64().expect("the issuer's account id");
    let page = async |id: i64| {
        let path = format!("/dashboard/numbers/verifications/{id}");
        let response = issuer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.unwrap()
    };
    let mut pages = Vec::new();
    let mut shown = BTreeSet::new();
    // Room for one call per way a verification ends, all to one number: the pages then differ
    // by what they say of the call alone.
    let generous = Limits {
        per_account: 100,
        per_number: 100,
        ..LIMITS
    };
    for (index, outcome) in Outcome::ALL.into_iter().enumerate() {
        let row = store::start(
            &app.db,
            generous,
            account_id,
            "+821055550100",
            "482913",
            Utc::now(),
        )
        .await
        .unwrap();
        if index == 0 {
            // One call followed through its running steps, each with the code on show.
            pages.push(("verification calling".into(), page(row.id).await));
            for progress in [Progress::Ringing, Progress::WaitingForCode] {
                store::advance(&app.db, row.id, progress).await.unwrap();
                let html = page(row.id).await;
                assert!(
                    html.contains("482913"),
                    "the code is shown while the call runs"
                );
                pages.push((format!("verification {}", progress.code()), html));
            }
        }
        store::finish(&app.db, row.id, outcome, Utc::now())
            .await
            .unwrap();
        let html = page(row.id).await;
        assert!(
            !html.contains("482913"),
            "an ended call's code is forgotten"
        );
        shown.insert(readable_texts(&html).join(" "));
        pages.push((format!("verification {}", outcome.code()), html));
    }
    assert_eq!(
        shown.len(),
        Outcome::ALL.len(),
        "every way a verification ends reads differently"
    );
    let numbers = issuer
        .get(app.url("/dashboard/numbers"))
        .send()
        .await
        .unwrap();
    pages.push((
        "numbers with one verified".into(),
        numbers.text().await.unwrap(),
    ));
    let refused = issuer
        .post(app.url("/dashboard/numbers/verify"))
        .form(&[("number", "010-5555-0100"), ("lang", "ko")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT, "no trunk here");
    pages.push(("verification refused".into(), refused.text().await.unwrap()));
    pages
}

async fn pages_in(app: &TestApp, lang: &str) -> Vec<(String, String)> {
    let visitor = client_in(app, lang).await;
    let mut pages = Vec::new();
    let get = async |client: &reqwest::Client, path: &str| {
        let response = client.get(app.url(path)).send().await.unwrap();
        (path.to_string(), response.text().await.unwrap())
    };
    for path in ["/", "/signup", "/login", "/no-such-page", "/c/no-such-card"] {
        pages.push(get(&visitor, path).await);
    }
    let post = async |path: &str, form: &[(&str, &str)]| {
        let response = visitor.post(app.url(path)).form(form).send().await.unwrap();
        (format!("{path} refused"), response.text().await.unwrap())
    };
    pages.push(
        post(
            "/signup",
            &[
                ("email", "not-an-address"),
                ("display_name", ""),
                ("password", "short"),
            ],
        )
        .await,
    );
    pages.push(
        post(
            "/login",
            &[
                ("email", "nobody@example.com"),
                ("password", "wrong password!"),
            ],
        )
        .await,
    );
    pages.push(
        post(
            "/confirm",
            &[("token", "no-such-token"), ("password", PASSWORD)],
        )
        .await,
    );
    let email = format!("ui-{lang}@example.com");
    let sent = post_sign_up(app, &visitor, &email, "에이다").await;
    pages.push(("sign-up sent".into(), sent.text().await.unwrap()));
    let token = app.mail.next_to(&email, 0).await.confirmation_token();
    pages.push(get(&visitor, &format!("/confirm/{token}")).await);

    let issuer = client_in(app, lang).await;
    sign_up_in(app, &issuer, &format!("issuer-{lang}@example.com")).await;
    let created = app
        .create_card(&issuer, card_json(Some(&format!("ui-{lang}")), "Ada"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    call_records_of(app, &format!("ui-{lang}")).await;
    for path in [
        "/dashboard",
        &format!("/dashboard?saved=ui-{lang}"),
        "/dashboard?deleted=1",
        "/dashboard?voucher=expired",
        "/dashboard?voucher=ok",
        "/dashboard?cap=bad_zone",
        "/dashboard/statement",
        "/dashboard/calls",
        // What the issuer typed is echoed back: a date that does not exist.
        "/dashboard/calls?from=2026-13-45",
        "/dashboard/numbers",
        &format!("/dashboard/cards/ui-{lang}/embed"),
        &format!("/dashboard/cards/ui-{lang}/embed?saved=1"),
        &format!("/dashboard/cards/ui-{lang}/usage"),
    ] {
        pages.push(get(&issuer, path).await);
    }
    pages.extend(verification_pages_of(app, &issuer).await);
    // The Embed panel's refusals of origins that are not origins (issue 12).
    let refused = issuer
        .post(app.url(&format!("/dashboard/cards/ui-{lang}/embed")))
        .form(&[(
            "origins",
            "*\nhttps://x.example/\nHTTPS://X.example\nftp://x.example\nhttps://a@x.example\nhttps://x..y\nhttps://x.example:0",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("embed refused".into(), refused.text().await.unwrap()));
    for (name, file) in [
        ("import refused", &b"hello"[..]),
        ("import without a file", b" "),
    ] {
        let form = reqwest::multipart::Form::new().part(
            "vcard",
            reqwest::multipart::Part::bytes(file.to_vec()).file_name("contact.vcf"),
        );
        let response = issuer
            .post(app.url("/dashboard/cards/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        pages.push((name.into(), response.text().await.unwrap()));
    }
    // The designer (issue 11): new, editing, its preview without script, a refused save.
    pages.push(get(&issuer, "/dashboard/cards/new").await);
    pages.push(get(&issuer, &format!("/dashboard/cards/ui-{lang}/edit")).await);
    let designer_form = |pairs: &[(&str, &str)]| {
        let mut form = reqwest::multipart::Form::new()
            .text("default_lang", "en")
            .text("theme.template", "classic")
            .text("content.en.name", "Ada")
            .text("content.en.title", "Engineer");
        for (name, value) in pairs {
            form = form.text(name.to_string(), value.to_string());
        }
        form
    };
    let preview = issuer
        .post(app.url(&format!("/dashboard/cards/ui-{lang}/preview")))
        .multipart(designer_form(&[
            ("editing_lang", "ja"),
            ("copy", "en:ja"),
            // Below WCAG AA on white: the preview warns.
            ("theme.primary_color", "#ffd54f"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), StatusCode::OK);
    pages.push(("designer preview".into(), preview.text().await.unwrap()));
    let pane = issuer
        .post(app.url("/dashboard/cards/preview?part=preview"))
        .multipart(designer_form(&[("editing_lang", "zh")]))
        .send()
        .await
        .unwrap();
    assert_eq!(pane.status(), StatusCode::OK);
    // A pane is not a page: wrapped so that the check below reads it as one in `lang`.
    let pane = format!(
        "<html lang=\"{lang}\"><body>{}</body></html>",
        pane.text().await.unwrap()
    );
    pages.push(("designer preview pane".into(), pane));
    let refused = issuer
        .post(app.url("/dashboard/cards"))
        .multipart(designer_form(&[
            ("slug", "ab"),
            ("theme.primary_color", "red"),
            ("content.ja.title", "技術者"),
            ("contacts.mobile", "call me"),
            ("contacts.email", "nobody"),
            ("links.0.url", "ftp://x"),
            ("call.call_quota", "lots"),
            ("call.time_zone", "Mars/Base"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("designer refused".into(), refused.text().await.unwrap()));
    pages
}

/// What a page says to a reader: its text nodes and readable attributes, minus the elements
/// marked `translate="no"`, scripts and styles.
fn readable_texts(html: &str) -> Vec<String> {
    const VOID: &[&str] = &[
        "area", "br", "col", "hr", "img", "input", "link", "meta", "source",
    ];
    let mut texts = Vec::new();
    // The name of an element whose content is skipped, and how deep in it we are.
    let mut skipping: Option<(String, usize)> = None;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if skipping.is_none() && !text.trim().is_empty() {
            texts.push(decode(text.trim()));
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some((skipped, depth)) = &mut skipping {
            if *skipped == name && !VOID.contains(&name.as_str()) {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing {
            continue;
        }
        let never_text = matches!(name.as_str(), "script" | "style" | "template");
        if (tag.contains("translate=\"no\"") || never_text) && !VOID.contains(&name.as_str()) {
            skipping = Some((name, 1));
            continue;
        }
        for attribute in ["alt", "aria-label", "placeholder", "title"] {
            if let Some(value) = attribute_value(tag, attribute) {
                texts.push(decode(value));
            }
        }
    }
    texts
}

fn attribute_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The English words of a text: Latin words of three letters or more that are not kept as
/// they are, outside e-mail addresses, paths and host names.
fn english_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|token| !token.contains('@') && !token.contains('/') && !token.contains(".co"))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| word.len() >= 3 && !KEPT.contains(word))
        .map(str::to_string)
        .collect()
}

fn html_lang(html: &str) -> Option<&str> {
    let start = html.find("<html lang=\"")? + "<html lang=\"".len();
    Some(&html[start..start + html[start..].find('"')?])
}

#[tokio::test]
async fn every_issuer_page_speaks_the_chosen_language() {
    let app = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.signup_max_per_address = 100
    })
    .await;
    let english: Vec<(String, String)> = pages_in(&app, "en").await;
    assert!(
        english
            .iter()
            .all(|(_, html)| html_lang(html) == Some("en")),
        "English pages say so"
    );
    // The check finds untranslated words: the English pages are full of them.
    let english_count: usize = english
        .iter()
        .flat_map(|(_, html)| readable_texts(html))
        .map(|text| english_words(&text).len())
        .sum();
    assert!(
        english_count > 200,
        "{english_count} English words in English"
    );

    let mut untranslated = BTreeSet::new();
    for lang in ["ko", "ja", "zh"] {
        let pages = pages_in(&app, lang).await;
        assert_eq!(pages.len(), english.len());
        for (page, html) in &pages {
            assert_eq!(html_lang(html), Some(lang), "{page} in {lang}");
            for text in readable_texts(html) {
                if !english_words(&text).is_empty() {
                    untranslated.insert(format!("{lang} {page}: {text}"));
                }
            }
        }
    }
    assert!(
        untranslated.is_empty(),
        "untranslated:\n{}",
        untranslated.into_iter().collect::<Vec<_>>().join("\n")
    );
}

both_backends!(money_and_dates_are_written_as_the_page_s_language_writes_them);

/// The balance and a statement row of an issuer whose pages speak `lang`, after an operator
/// took 1,234 won of their 5,000 won grant, with the Guild's day in `zone`.
async fn dashboard_and_statement_in(
    app: &TestApp,
    operator: &reqwest::Client,
    lang: &str,
    zone: &str,
) -> (String, String, DateTime<Utc>) {
    let issuer = client_in(app, lang).await;
    let email = format!("money-{lang}@example.com");
    sign_up_in(app, &issuer, &email).await;
    let zoned = issuer
        .post(app.url("/dashboard/guild/daily-cap"))
        .form(&[("daily_cap", ""), ("time_zone", zone)])
        .send()
        .await
        .unwrap();
    assert_eq!(zoned.headers()["location"], "/dashboard?cap=lifted");
    let adjusted = operator
        .post(app.url("/api/operator/adjustments"))
        .json(&json!({ "email": email, "amount": -1234, "note": "정정" }))
        .send()
        .await
        .unwrap();
    assert_eq!(adjusted.status(), StatusCode::CREATED);
    let entry: serde_json::Value = adjusted.json().await.unwrap();
    // The API keeps its contract: UTC and the language-free display.
    assert_eq!(entry["amount_display"], "-1,234 KRW");
    let created_at = entry["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z'), "{created_at}");
    let created_at = DateTime::parse_from_rfc3339(created_at)
        .unwrap()
        .with_timezone(&Utc);
    let dashboard = app.get_text(&issuer, app.url("/dashboard")).await;
    let statement = app.get_text(&issuer, app.url("/dashboard/statement")).await;
    (dashboard, statement, created_at)
}

/// The adjustment's row: its date, kind and amount cells.
fn adjustment_row(html: &str) -> &str {
    let kind = html
        .find(r#"data-kind="adjustment""#)
        .expect("the adjustment's row");
    let start = html[..kind].rfind("<tr").unwrap();
    let end = kind + html[kind..].find("</tr>").unwrap();
    &html[start..end]
}

async fn money_and_dates_are_written_as_the_page_s_language_writes_them(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.signup_max_per_address = 100).await;
    let operator = app.operator().await;

    let (dashboard, statement, created_at) =
        dashboard_and_statement_in(&app, &operator, "ko", "Asia/Seoul").await;
    let seoul = created_at.with_timezone(&chrono_tz::Asia::Seoul);
    let korean_date = format!("{}. {}. {}.", seoul.year(), seoul.month(), seoul.day());
    for html in [&dashboard, &statement] {
        assert!(html.contains(">3,766원</strong>"), "{html}");
        let row = adjustment_row(html);
        assert!(row.contains(">-1,234원<"), "{row}");
        assert!(row.contains(&format!(">{korean_date}</time>")), "{row}");
        // Shifted to the Guild's zone, which the page names.
        assert!(row.contains(r#"+09:00">"#), "{row}");
        assert!(
            html.contains(r#"시간대: <span translate="no">Asia/Seoul</span>"#),
            "{html}"
        );
        assert!(!html.contains("KRW</"), "{html}");
        // The system's note in Korean; the operator's typed note as typed, not for translating.
        assert!(html.contains("<td>가입 축하 적립금</td>"), "{html}");
        assert!(row.contains(r#"<td translate="no">정정</td>"#), "{row}");
    }

    let (dashboard, statement, created_at) =
        dashboard_and_statement_in(&app, &operator, "en", "America/Los_Angeles").await;
    let los_angeles = created_at.with_timezone(&chrono_tz::America::Los_Angeles);
    let english_date = los_angeles.format("%b %-d, %Y").to_string();
    for html in [&dashboard, &statement] {
        assert!(html.contains(">₩3,766</strong>"), "{html}");
        let row = adjustment_row(html);
        assert!(row.contains(">-₩1,234<"), "{row}");
        assert!(row.contains(&format!(">{english_date}</time>")), "{row}");
        assert!(row.contains(r#"data-amount="-1234""#), "{row}");
        assert!(html.contains("<td>Welcome grant</td>"), "{html}");
        assert!(
            html.contains(r#"Time zone: <span translate="no">America/Los_Angeles</span>"#),
            "{html}"
        );
    }
}

#[tokio::test]
async fn the_switcher_keeps_the_choice_on_the_account() {
    let app = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.signup_max_per_address = 100
    })
    .await;
    let issuer = app.new_client();
    sign_up_in(&app, &issuer, "ada@example.com").await;
    let switched = issuer
        .post(app.url("/language"))
        .header("referer", app.url("/dashboard/statement"))
        .form(&[("lang", "ja")])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/dashboard/statement");
    let refused = issuer
        .post(app.url("/language"))
        .form(&[("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    // Another browser, whose own language is Korean, logs in: the account's choice wins.
    let elsewhere = app.new_client();
    let logged_in = elsewhere
        .post(app.url("/login"))
        .header("accept-language", "ko-KR,ko;q=0.9")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let dashboard = elsewhere
        .get(app.url("/dashboard"))
        .header("accept-language", "ko-KR,ko;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html_lang(&dashboard), Some("ja"));
    assert!(dashboard.contains("あなたの名刺"), "{dashboard}");

    // Without a choice, the browser's language; without one it knows, English.
    for (accepted, spoken) in [("ko-KR,ko;q=0.9,en;q=0.5", "ko"), ("fr-FR", "en")] {
        let login = app
            .new_client()
            .get(app.url("/login"))
            .header("accept-language", accepted)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(html_lang(&login), Some(spoken), "{accepted}");
    }
}

#[tokio::test]
async fn sign_up_mails_speak_the_sign_up_s_language_and_keep_their_link_readable() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let korean = client_in(&app, "ko").await;
    let email = "ada@example.com";
    let sent = post_sign_up(&app, &korean, email, "에이다").await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let mail = app.mail.next_to(email, 0).await;
    let subject = mail
        .data
        .lines()
        .find(|line| line.starts_with("Subject: "))
        .unwrap();
    assert!(
        subject.contains("=?utf-8?"),
        "an encoded Korean subject: {subject}"
    );
    assert!(
        mail.data
            .contains("Content-Transfer-Encoding: quoted-printable")
    );
    let text = quoted_printable(&mail.data);
    assert!(text.contains("에이다님, 안녕하세요."), "{text}");
    assert!(!text.contains("Hello"), "{text}");
    // The link stays a plain line of the raw mail: the token is read from it as it is.
    let token = mail.confirmation_token();
    assert!(
        mail.data
            .lines()
            .any(|line| line.ends_with(&format!("/confirm/{token}")))
    );

    // Signed up in Korean, the account's pages and its later mails stay Korean, whatever
    // language the next sign-up attempt of the address comes in.
    let confirmed = korean
        .post(app.url("/confirm"))
        .form(&[("token", token.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let japanese = client_in(&app, "ja").await;
    post_sign_up(&app, &japanese, email, "エイダ").await;
    let notice = quoted_printable(&app.mail.next_to(email, 1).await.data);
    assert!(notice.contains("이미 계정이 있는"), "{notice}");
}

/// The body of a raw quoted-printable mail as text (soft breaks joined, `=XX` decoded).
fn quoted_printable(raw: &str) -> String {
    let body = raw.split_once("\n\n").map_or(raw, |(_, body)| body);
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let mut bytes = Vec::new();
    let mut rest = joined.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let pair = (byte == b'=')
            .then(|| tail.get(..2))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match pair {
            Some(decoded) => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            None => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn readable_texts_skip_what_is_not_for_translation() {
    let html = r#"<html lang="ko"><head><title>내 명함 · callcard</title><script>var x = "Hello";</script></head>
        <body><p>안녕 <b>세상</b></p><td translate="no">Welcome <i>grant</i></td>
        <input placeholder="Search here"><img alt="Photo"><p>Left over</p></body></html>"#;
    let texts = readable_texts(html);
    assert_eq!(
        texts,
        [
            "내 명함 · callcard",
            "안녕",
            "세상",
            "Search here",
            "Photo",
            "Left over"
        ]
    );
    let words: Vec<String> = texts.iter().flat_map(|t| english_words(t)).collect();
    assert_eq!(words, ["Search", "here", "Photo", "Left", "over"]);
    assert!(english_words("ada@example.com /c/ada abcd.co.kr 5,000 KRW").is_empty());
}
