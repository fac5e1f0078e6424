//! The issuer's dashboard: their browser line ([`incoming_calls`]), their cards, with edit,
//! publish and delete, their Guild, and a vCard import.

pub mod incoming_calls;

use leptos::prelude::*;

use crate::i18n::format::{date_of, money};
use crate::i18n::{DashboardText, dashboard_text, ledger_note, line_text};
use crate::model::{CardSummary, DailySpendingView, Dashboard, GuildView, Lang, LedgerEntryView};

#[component]
pub fn DashboardPage(ui: Lang, dashboard: Dashboard) -> impl IntoView {
    let text = dashboard_text(ui);
    let Dashboard {
        account,
        guild,
        time_zone,
        cards,
        notice,
    } = dashboard;
    let list = if cards.is_empty() {
        view! { <p class="empty">{text.no_cards}</p> }.into_any()
    } else {
        view! {
            <ul class="card-list">
                {cards.into_iter().map(|card| view! { <CardRow text card/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <main class="dashboard-page">
            <header class="dashboard-header">
                <h1>{text.title}</h1>
                <p>
                    {text.signed_in_as(&account.display_name, &account.email)}
                    {(account.role == crate::model::Role::Operator).then_some(text.operator)}
                </p>
                <form method="post" action="/logout">
                    <button type="submit" class="button secondary">{text.log_out}</button>
                </form>
            </header>
            {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <section class="line" aria-labelledby="line-heading">
                <h2 id="line-heading">{line_text(ui).heading}</h2>
                <incoming_calls::IncomingCalls ui/>
            </section>
            <p>
                <a class="button" href="/dashboard/cards/new">{text.new_card}</a>" "
                <a class="button secondary" href="/dashboard/calls">{text.call_records}</a>" "
                <a class="button secondary" href="/dashboard/numbers">{text.phone_numbers}</a>
            </p>
            {list}
            <GuildSection ui guild time_zone/>
            <section class="import">
                <h2>{text.import_heading}</h2>
                <form method="post" action="/dashboard/cards/import" enctype="multipart/form-data">
                    <label for="vcard-file">{text.vcard_file}</label>
                    <input id="vcard-file" type="file" name="vcard" accept=".vcf,text/vcard,text/x-vcard"/>
                    <button type="submit" class="button secondary">{text.import}</button>
                </form>
            </section>
        </main>
    }
}

/// The balance and the latest ledger entries (BRIEF R13), their dates in `time_zone`.
#[component]
fn GuildSection(ui: Lang, guild: GuildView, time_zone: String) -> impl IntoView {
    let text = dashboard_text(ui);
    let currency = guild.currency;
    view! {
        <section class="guild">
            <h2>{text.guild}</h2>
            <p class="balance">{text.available}<strong data-guild-available=guild.available.to_string()>{money(ui, guild.available, &currency)}</strong></p>
            <form method="post" action="/dashboard/guild/voucher" class="voucher">
                <label for="voucher-code">{text.voucher_code}</label>
                <input id="voucher-code" name="code" autocomplete="off" placeholder="ABCD-EFGH-JKMN-PQRS"/>
                <button type="submit" class="button secondary">{text.redeem}</button>
            </form>
            {guild.spending.map(|spending| view! { <DailyCapForm ui spending currency=currency.clone()/> })}
            <LedgerTable ui entries=guild.entries currency older=guild.older time_zone caption=text.latest_entries/>
        </section>
    }
}

/// The daily spend cap (issue 10): calls that would pass it are refused, and one in progress
/// ends when it is reached.
#[component]
fn DailyCapForm(ui: Lang, spending: DailySpendingView, currency: String) -> impl IntoView {
    let text = dashboard_text(ui);
    let today = match (spending.daily_cap, spending.spent_today) {
        (Some(cap), Some(spent)) => {
            text.spent_today(&money(ui, spent, &currency), &money(ui, cap, &currency))
        }
        _ => text.no_daily_limit.to_string(),
    };
    view! {
        <form method="post" action="/dashboard/guild/daily-cap" class="daily-cap">
            <p data-daily-spent=spending.spent_today.map(|spent| spent.to_string())>{today}</p>
            <label for="daily-cap">{text.daily_limit}</label>
            <input id="daily-cap" name="daily_cap" inputmode="numeric" autocomplete="off"
                value=spending.daily_cap.map(|cap| cap.to_string()).unwrap_or_default()/>
            <label for="cap-time-zone">{text.day_starts_in}</label>
            <input id="cap-time-zone" name="time_zone" autocomplete="off" value=spending.time_zone/>
            <button type="submit" class="button secondary">{text.save_limit}</button>
        </form>
    }
}

/// The whole statement, a page at a time (BRIEF R13), and its CSV export (in UTC, minor units).
#[component]
pub fn StatementPage(ui: Lang, guild: GuildView, time_zone: String) -> impl IntoView {
    let text = dashboard_text(ui);
    let currency = guild.currency;
    view! {
        <main class="dashboard">
            <h1>{text.statement_title}</h1>
            <p class="balance">{text.available}<strong>{money(ui, guild.available, &currency)}</strong></p>
            <p><a href="/api/guild/entries.csv" download>{text.download_csv}</a>" · "<a href="/dashboard">{text.back_to_dashboard}</a></p>
            <LedgerTable ui entries=guild.entries currency older=guild.older time_zone caption=text.entries_newest_first/>
        </main>
    }
}

/// Ledger entries, newest first, with a link to the older ones when there are more. A note is
/// the entry's record as written (by an operator, or by the system when it was made), so it is
/// shown as stored. Dates are the days of `time_zone`, which the table names.
#[component]
fn LedgerTable(
    ui: Lang,
    entries: Vec<LedgerEntryView>,
    currency: String,
    older: Option<i64>,
    time_zone: String,
    caption: &'static str,
) -> impl IntoView {
    let text = dashboard_text(ui);
    if entries.is_empty() {
        return view! { <p class="empty">{text.no_entries}</p> }.into_any();
    }
    view! {
        <table class="ledger">
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">{text.when}</th><th scope="col">{text.what}</th><th scope="col">{text.amount}</th><th scope="col">{text.note}</th></tr>
            </thead>
            <tbody>
                {entries.into_iter().map(|entry| {
                    // The system's notes in the page's language; someone's typed note as typed.
                    let (note, typed) = ledger_note(ui, &entry.kind, &entry.note);
                    view! {
                        <tr>
                            <td><time datetime=entry.created_at.clone()>{date_of(ui, &entry.created_at)}</time></td>
                            <td data-kind=entry.kind.clone()>{text.kind(&entry.kind)}</td>
                            <td class="amount" data-amount=entry.amount.to_string()>{money(ui, entry.amount, &currency)}</td>
                            <td translate=typed.then_some("no")>{note}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p class="time-zone">{text.time_zone}<span translate="no">{time_zone}</span></p>
        {older.map(|before| view! {
            <p><a href=format!("/dashboard/statement?before={before}") rel="next" data-older-entries>{text.older_entries}</a></p>
        })}
    }
    .into_any()
}

#[component]
fn CardRow(text: &'static DashboardText, card: CardSummary) -> impl IntoView {
    let slug = card.slug;
    let toggle_label = if card.published {
        text.unpublish
    } else {
        text.publish
    };
    view! {
        <li class="card-row">
            <a class="card-link" href=format!("/c/{slug}") translate="no">{card.name}</a>
            <span class="status">{if card.published { text.published } else { text.unpublished }}</span>
            {card.calls_left.map(|left| view! {
                <span class="calls-left" data-calls-left=left.to_string()>{text.calls_left(left)}</span>
            })}
            {card.talk_secs_left.map(|secs| view! {
                <span class="talk-left" data-talk-secs-left=secs.to_string()>{text.talk_time(secs)}</span>
            })}
            <a href=format!("/dashboard/cards/{slug}/edit")>{text.edit}</a>
            <a href=format!("/dashboard/cards/{slug}/embed")>{text.embed}</a>
            <a href=format!("/dashboard/cards/{slug}/usage")>{text.usage}</a>
            <form method="post" action=format!("/dashboard/cards/{slug}/publish")>
                <input type="hidden" name="published" value=(!card.published).to_string()/>
                <button type="submit" class="link-button">{toggle_label}</button>
            </form>
            <form method="post" action=format!("/dashboard/cards/{slug}/duplicate")>
                <button type="submit" class="link-button">{text.duplicate}</button>
            </form>
            <form method="post" action=format!("/dashboard/cards/{slug}/delete")>
                <button type="submit" class="link-button danger">{text.delete}</button>
            </form>
        </li>
    }
}
