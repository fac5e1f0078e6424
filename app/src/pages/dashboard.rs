//! The issuer's dashboard: their browser line ([`incoming_calls`]), their cards, with edit,
//! publish and delete, their Guild, and a vCard import.

pub mod incoming_calls;

use leptos::prelude::*;

use crate::model::{CardSummary, DailySpendingView, Dashboard, GuildView, LedgerEntryView};

#[component]
pub fn DashboardPage(dashboard: Dashboard) -> impl IntoView {
    let Dashboard {
        account,
        guild,
        cards,
        notice,
    } = dashboard;
    let list = if cards.is_empty() {
        view! { <p class="empty">"You have no cards yet."</p> }.into_any()
    } else {
        view! {
            <ul class="card-list">
                {cards.into_iter().map(|card| view! { <CardRow card/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <main class="dashboard-page">
            <header class="dashboard-header">
                <h1>"Your cards"</h1>
                <p>
                    "Signed in as "{account.display_name}" ("{account.email}")"
                    {(account.role == crate::model::Role::Operator).then_some(" · operator")}
                </p>
                <form method="post" action="/logout">
                    <button type="submit" class="button secondary">"Log out"</button>
                </form>
            </header>
            {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <section class="line" aria-labelledby="line-heading">
                <h2 id="line-heading">{crate::i18n::line_text().heading}</h2>
                <incoming_calls::IncomingCalls/>
            </section>
            <p>
                <a class="button" href="/dashboard/cards/new">"New card"</a>" "
                <a class="button secondary" href="/dashboard/calls">"Call records"</a>" "
                <a class="button secondary" href="/dashboard/numbers">"Phone numbers"</a>
            </p>
            {list}
            <GuildSection guild/>
            <section class="import">
                <h2>"Start from a contact file"</h2>
                <form method="post" action="/dashboard/cards/import" enctype="multipart/form-data">
                    <label for="vcard-file">"vCard file (.vcf)"</label>
                    <input id="vcard-file" type="file" name="vcard" accept=".vcf,text/vcard,text/x-vcard"/>
                    <button type="submit" class="button secondary">"Import into a new card"</button>
                </form>
            </section>
        </main>
    }
}

/// The balance and the latest ledger entries (BRIEF R13).
#[component]
fn GuildSection(guild: GuildView) -> impl IntoView {
    view! {
        <section class="guild">
            <h2>"Guild"</h2>
            <p class="balance">"Available for calls: "<strong data-guild-available=guild.available.to_string()>{guild.available_display}</strong></p>
            <form method="post" action="/dashboard/guild/voucher" class="voucher">
                <label for="voucher-code">"Voucher code"</label>
                <input id="voucher-code" name="code" autocomplete="off" placeholder="ABCD-EFGH-JKMN-PQRS"/>
                <button type="submit" class="button secondary">"Redeem"</button>
            </form>
            {guild.spending.map(|spending| view! { <DailyCapForm spending/> })}
            <LedgerTable entries=guild.entries older=guild.older caption="Latest entries"/>
        </section>
    }
}

/// The daily spend cap (issue 10): calls that would pass it are refused, and one in progress
/// ends when it is reached.
#[component]
fn DailyCapForm(spending: DailySpendingView) -> impl IntoView {
    let today = match (&spending.daily_cap_display, &spending.spent_today_display) {
        (Some(cap), Some(spent)) => format!("Spent today: {spent} of {cap}."),
        _ => "No daily limit: calls may spend all the Guild has.".to_string(),
    };
    view! {
        <form method="post" action="/dashboard/guild/daily-cap" class="daily-cap">
            <p data-daily-spent=spending.spent_today.map(|spent| spent.to_string())>{today}</p>
            <label for="daily-cap">"Daily spending limit (minor units, empty for none)"</label>
            <input id="daily-cap" name="daily_cap" inputmode="numeric" autocomplete="off"
                value=spending.daily_cap.map(|cap| cap.to_string()).unwrap_or_default()/>
            <label for="cap-time-zone">"The day starts at midnight in"</label>
            <input id="cap-time-zone" name="time_zone" autocomplete="off" value=spending.time_zone/>
            <button type="submit" class="button secondary">"Save limit"</button>
        </form>
    }
}

/// The whole statement, a page at a time (BRIEF R13), and its CSV export.
#[component]
pub fn StatementPage(guild: GuildView) -> impl IntoView {
    view! {
        <main class="dashboard">
            <h1>"Guild statement"</h1>
            <p class="balance">"Available for calls: "<strong>{guild.available_display}</strong></p>
            <p><a href="/api/guild/entries.csv" download>"Download every entry (CSV)"</a>" · "<a href="/dashboard">"Back to the dashboard"</a></p>
            <LedgerTable entries=guild.entries older=guild.older caption="Entries, newest first"/>
        </main>
    }
}

/// Ledger entries, newest first, with a link to the older ones when there are more.
#[component]
fn LedgerTable(
    entries: Vec<LedgerEntryView>,
    older: Option<i64>,
    caption: &'static str,
) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty">"No entries yet."</p> }.into_any();
    }
    view! {
        <table class="ledger">
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Amount"</th><th scope="col">"Note"</th></tr>
            </thead>
            <tbody>
                {entries.into_iter().map(|entry| view! {
                    <tr>
                        <td>{entry.created_at.get(..10).unwrap_or_default().to_string()}</td>
                        <td>{entry.kind.replace('_', " ")}</td>
                        <td class="amount">{entry.amount_display}</td>
                        <td>{entry.note}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {older.map(|before| view! {
            <p><a href=format!("/dashboard/statement?before={before}") rel="next" data-older-entries>"Older entries"</a></p>
        })}
    }
    .into_any()
}

#[component]
fn CardRow(card: CardSummary) -> impl IntoView {
    let slug = card.slug;
    let toggle_label = if card.published {
        "Unpublish"
    } else {
        "Publish"
    };
    view! {
        <li class="card-row">
            <a class="card-link" href=format!("/c/{slug}")>{card.name}</a>
            <span class="status">{if card.published { "published" } else { "unpublished" }}</span>
            {card.calls_left.map(|left| view! {
                <span class="calls-left" data-calls-left=left.to_string()>{format!("{left} calls left")}</span>
            })}
            {card.talk_secs_left.map(|secs| view! {
                <span class="talk-left" data-talk-secs-left=secs.to_string()>{talk_time(secs)}</span>
            })}
            <a href=format!("/dashboard/cards/{slug}/edit")>"Edit"</a>
            <form method="post" action=format!("/dashboard/cards/{slug}/publish")>
                <input type="hidden" name="published" value=(!card.published).to_string()/>
                <button type="submit" class="link-button">{toggle_label}</button>
            </form>
            <form method="post" action=format!("/dashboard/cards/{slug}/duplicate")>
                <button type="submit" class="link-button">"Duplicate"</button>
            </form>
            <form method="post" action=format!("/dashboard/cards/{slug}/delete")>
                <button type="submit" class="link-button danger">"Delete"</button>
            </form>
        </li>
    }
}

/// "about 1 h 23 min of talk" (patent ¶60: the call time still available, shown to the issuer).
fn talk_time(secs: u32) -> String {
    let minutes = secs / 60;
    match (minutes / 60, minutes % 60) {
        (0, 0) => format!("{secs} s of talk"),
        (0, minutes) => format!("about {minutes} min of talk"),
        (hours, minutes) => format!("about {hours} h {minutes} min of talk"),
    }
}
