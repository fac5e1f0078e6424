//! Sign-up confirmed by e-mail (issue 8, BRIEF R1): the grant waits for the address to answer,
//! comes once whatever races, and sign-up tells nobody but the mailbox's owner whether an
//! address has an account. The server's mail goes through real SMTP to `mail_sink.rs`.

use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::auth::entity::{account, sign_up_mail};
use server::ledger::entity::{entry, guild};

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, TestApp};

both_backends!(
    the_grant_waits_for_the_confirmation_and_comes_once,
    sign_up_answers_alike_for_new_and_taken_addresses_and_mails_the_difference,
    racing_confirmations_of_one_account_grant_once,
    the_owners_sign_up_takes_over_an_address_someone_else_signed_up,
    links_expire_and_malformed_ones_are_refused_unread,
    an_address_gets_at_most_three_sign_up_mails_an_hour,
    unconfirmed_accounts_are_swept_after_a_week,
    the_confirmation_page_confirms_only_on_its_post,
);

async fn account_id(app: &TestApp, email: &str) -> i64 {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} has an account"))
        .id
}

/// (balance, number of ledger entries) of the account's Guild.
async fn money(app: &TestApp, account_id: i64) -> (i64, u64) {
    let guild = guild::Entity::find_by_id(account_id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("every account has a Guild");
    let entries = entry::Entity::find()
        .filter(entry::Column::AccountId.eq(account_id))
        .count(&app.db)
        .await
        .unwrap();
    (guild.balance, entries)
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.new_client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn error_code(response: reqwest::Response) -> Value {
    response.json::<Value>().await.unwrap()["error"]["code"].clone()
}

async fn the_grant_waits_for_the_confirmation_and_comes_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.sign_up_unconfirmed("ada@example.com", PASSWORD).await;
    let ada = account_id(&app, "ada@example.com").await;
    assert_eq!(
        money(&app, ada).await,
        (0, 0),
        "no grant before confirmation"
    );
    let refused = log_in(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(refused).await, "email_unconfirmed");
    // A wrong password neither confirms nor grants.
    let wrong = app
        .confirm(&app.new_client(), &token, "not the password!")
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(wrong).await, "wrong_credentials");
    assert_eq!(money(&app, ada).await, (0, 0));

    let confirmed = app.confirm(&app.client, &token, PASSWORD).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert!(confirmed.headers().contains_key("set-cookie"), "signed in");
    let me = app.get_json(&app.client, app.url("/api/me")).await;
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(money(&app, ada).await, (5000, 1));
    let entries = app.get_json(&app.client, app.url("/api/guild")).await["entries"].clone();
    assert_eq!(entries[0]["kind"], "signup_grant");

    let again = app.confirm(&app.new_client(), &token, PASSWORD).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(again).await, "link_used");
    assert_eq!(money(&app, ada).await, (5000, 1));
    assert_eq!(
        log_in(&app, "ada@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
    app.assert_money_exact().await;
}

async fn sign_up_answers_alike_for_new_and_taken_addresses_and_mails_the_difference(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let notices_before = app.mail.to("ada@example.com").len();

    let stranger = app.new_client();
    let taken = app
        .post_sign_up(&stranger, "ADA@example.com", "another long password")
        .await;
    let fresh = app
        .post_sign_up(&stranger, "bob@example.com", "another long password")
        .await;
    assert_eq!(taken.status(), StatusCode::ACCEPTED);
    assert_eq!(fresh.status(), StatusCode::ACCEPTED);
    assert!(!taken.headers().contains_key("set-cookie"));
    assert!(!fresh.headers().contains_key("set-cookie"));
    let (taken, fresh): (Value, Value) = (taken.json().await.unwrap(), fresh.json().await.unwrap());
    assert_eq!(
        taken,
        json!({ "email": "ada@example.com", "next": "confirm_email" })
    );
    assert_eq!(
        fresh,
        json!({ "email": "bob@example.com", "next": "confirm_email" })
    );

    // Only the mailboxes learn the difference.
    let notice = app.mail.next_to("ada@example.com", notices_before).await;
    assert!(
        notice.data.contains("already has an account"),
        "{}",
        notice.data
    );
    assert!(!notice.data.contains("/confirm/"));
    let link = app.mail.next_to("bob@example.com", 0).await;
    assert!(link.data.contains("/confirm/"), "{}", link.data);
    // Ada's account is untouched: her password still opens it, the stranger's does not.
    assert_eq!(
        log_in(&app, "ada@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        log_in(&app, "ada@example.com", "another long password")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

/// Two steps of the same account at once (the review's rule for races): the same link twice,
/// then two links of one account, ten rounds each. One grant per account, always.
async fn racing_confirmations_of_one_account_grant_once(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.signup_max_per_address = 100).await;
    for round in 0..10 {
        let email = format!("same-link{round}@example.com");
        let token = app.sign_up_unconfirmed(&email, PASSWORD).await;
        let (a, b) = (app.new_client(), app.new_client());
        let (first, second) = tokio::join!(
            app.confirm(&a, &token, PASSWORD),
            app.confirm(&b, &token, PASSWORD)
        );
        let mut statuses = [first.status(), second.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::BAD_REQUEST],
            "{email}"
        );
        assert_eq!(money(&app, account_id(&app, &email).await).await, (5000, 1));

        let email = format!("two-links{round}@example.com");
        let first_link = app.sign_up_unconfirmed(&email, PASSWORD).await;
        let second_link = app.sign_up_unconfirmed(&email, PASSWORD).await;
        assert_ne!(first_link, second_link);
        let (a, b) = (app.new_client(), app.new_client());
        let (first, second) = tokio::join!(
            app.confirm(&a, &first_link, PASSWORD),
            app.confirm(&b, &second_link, PASSWORD)
        );
        // Both links are good; only one of them brings the grant.
        assert_eq!(first.status(), StatusCode::OK, "{email}");
        assert_eq!(second.status(), StatusCode::OK, "{email}");
        assert_eq!(money(&app, account_id(&app, &email).await).await, (5000, 1));
    }
    app.assert_money_exact().await;
}

async fn the_owners_sign_up_takes_over_an_address_someone_else_signed_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Mallory signs up Ada's address first, with a password of her own; the link goes to Ada.
    let mallorys_link = app
        .sign_up_unconfirmed("ada@example.com", "mallory's own password")
        .await;
    // Ada signs up herself: her password replaces Mallory's, and she gets a link of her own.
    let adas_link = app.sign_up_unconfirmed("ada@example.com", PASSWORD).await;
    let stale = app
        .confirm(&app.new_client(), &mallorys_link, "mallory's own password")
        .await;
    assert_eq!(stale.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(stale).await, "wrong_credentials");
    let confirmed = app.confirm(&app.client, &adas_link, PASSWORD).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    // Once confirmed, a sign-up changes nothing.
    app.post_sign_up(
        &app.new_client(),
        "ada@example.com",
        "mallory's own password",
    )
    .await;
    assert_eq!(
        log_in(&app, "ada@example.com", "mallory's own password")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        log_in(&app, "ada@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

async fn links_expire_and_malformed_ones_are_refused_unread(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.sign_up_unconfirmed("ada@example.com", PASSWORD).await;
    let ada = account_id(&app, "ada@example.com").await;
    sign_up_mail::Entity::update_many()
        .col_expr(
            sign_up_mail::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(sign_up_mail::Column::AccountId.eq(ada))
        .exec(&app.db)
        .await
        .unwrap();
    let expired = app.confirm(&app.new_client(), &token, PASSWORD).await;
    assert_eq!(expired.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(expired).await, "link_invalid");
    for bad in [
        "",
        "x",
        &"A".repeat(43),
        &"é".repeat(40),
        &"a".repeat(100_000),
    ] {
        let refused = app.confirm(&app.new_client(), bad, PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{}", bad.len());
        assert_eq!(error_code(refused).await, "link_invalid");
    }
    assert_eq!(money(&app, ada).await, (0, 0));
}

async fn an_address_gets_at_most_three_sign_up_mails_an_hour(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        let response = app
            .post_sign_up(&app.new_client(), "ada@example.com", PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    // The three are on their way; give a fourth, were one due, the time to arrive.
    app.mail.next_to("ada@example.com", 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.mail.to("ada@example.com").len(), 3);
    let rows = sign_up_mail::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(rows, 3, "a mail not sent is not recorded");
}

async fn unconfirmed_accounts_are_swept_after_a_week(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up_unconfirmed("old@example.com", PASSWORD).await;
    app.sign_up_unconfirmed("recent@example.com", PASSWORD)
        .await;
    app.sign_up(&app.client, "confirmed@example.com").await;
    let eight_days_ago = chrono::Utc::now() - chrono::Duration::days(8);
    for email in ["old@example.com", "confirmed@example.com"] {
        let id = account_id(&app, email).await;
        account::Entity::update_many()
            .col_expr(account::Column::CreatedAt, Expr::value(eight_days_ago))
            .filter(account::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
        sign_up_mail::Entity::update_many()
            .col_expr(sign_up_mail::Column::SentAt, Expr::value(eight_days_ago))
            .filter(sign_up_mail::Column::AccountId.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let deleted = server::auth::sign_up::delete_unconfirmed_accounts(&app.db, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let left: Vec<String> = account::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|account| account.email)
        .collect();
    assert!(!left.contains(&"old@example.com".to_string()), "{left:?}");
    assert!(left.contains(&"recent@example.com".to_string()), "{left:?}");
    assert!(
        left.contains(&"confirmed@example.com".to_string()),
        "{left:?}"
    );
    // The address is free again: its owner can sign it up.
    app.sign_up(&app.new_client(), "old@example.com").await;
}

async fn the_confirmation_page_confirms_only_on_its_post(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sent = app
        .new_client()
        .post(app.url("/signup"))
        .form(&[
            ("email", "ada@example.com"),
            ("display_name", "Ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    assert!(sent.text().await.unwrap().contains("Check your e-mail"));
    let token = app
        .mail
        .next_to("ada@example.com", 0)
        .await
        .confirmation_token();
    let ada = account_id(&app, "ada@example.com").await;

    // Opening the link (as a mail scanner would) only shows the form.
    let page = app
        .client
        .get(app.url(&format!("/confirm/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{token}\"")),
        "the token rides in the form"
    );
    assert_eq!(money(&app, ada).await, (0, 0));

    let wrong = app
        .client
        .post(app.url("/confirm"))
        .form(&[("token", token.as_str()), ("password", "not the password!")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains(&format!("value=\"{token}\""))
    );

    let confirmed = app
        .client
        .post(app.url("/confirm"))
        .form(&[("token", token.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(confirmed.headers()["location"], "/dashboard");
    let dashboard = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(dashboard.contains("ada@example.com"));
    assert_eq!(money(&app, ada).await, (5000, 1));

    let garbage = app
        .client
        .get(app.url("/confirm/%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::OK);
    assert!(!garbage.text().await.unwrap().contains("<script>alert"));
}
