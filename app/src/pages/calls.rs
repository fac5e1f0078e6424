//! The issuer's call records (BRIEF R12): search by number and dates, page through, export CSV.
//! Server-rendered; a plain GET form, so it works without JavaScript.

use leptos::prelude::*;

use crate::i18n::format::{date_time_of, money};
use crate::i18n::{RecordsText, records_text};
use crate::model::{CallRecord, CallRecordsView, Lang};

#[component]
pub fn CallRecordsPage(ui: Lang, records: CallRecordsView) -> impl IntoView {
    let text = records_text(ui);
    let CallRecordsView {
        number,
        from,
        until,
        offset,
        limit,
        page,
        currency,
        time_zone,
        error,
    } = records;
    let search = query_string(&number, &from, &until);
    let shown_to = offset + page.records.len() as u64;
    let summary = if page.total == 0 {
        text.none.to_string()
    } else {
        text.shown(offset + 1, shown_to, page.total)
    };
    let previous = (offset > 0).then(|| {
        let href = format!(
            "/dashboard/calls?{search}&offset={}",
            offset.saturating_sub(limit)
        );
        view! { <a href=href rel="prev">{text.newer}</a> }
    });
    let next = (shown_to < page.total).then(|| {
        let href = format!("/dashboard/calls?{search}&offset={shown_to}");
        view! { <a href=href rel="next">{text.older}</a> }
    });
    let table = (!page.records.is_empty()).then(|| {
        view! {
            <table class="call-records">
                <caption>{summary.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{text.when}</th>
                        <th scope="col">{text.card}</th>
                        <th scope="col">{text.caller}</th>
                        <th scope="col">{text.callee}</th>
                        <th scope="col">{text.legs}</th>
                        <th scope="col">{text.billed}</th>
                        <th scope="col">{text.cost}</th>
                        <th scope="col">{text.outcome}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.records.into_iter().map(|record| view! { <RecordRow ui record currency=currency.clone()/> }).collect_view()}
                </tbody>
            </table>
        }
    });
    view! {
        <main class="calls-page">
            <header class="dashboard-header">
                <h1>{text.title}</h1>
                <p><a href="/dashboard">{text.back}</a></p>
            </header>
            <form method="get" action="/dashboard/calls" class="record-search">
                <label for="record-number">{text.number_contains}</label>
                <input id="record-number" name="number" inputmode="tel" value=number/>
                <label for="record-from">{text.from}</label>
                <input id="record-from" name="from" type="date" value=from/>
                <label for="record-until">{text.until}</label>
                <input id="record-until" name="until" type="date" value=until/>
                <button type="submit" class="button secondary">{text.search}</button>
            </form>
            {error.map(|error| view! { <p class="error" role="alert">{error}</p> })}
            <p role="status">{summary}</p>
            <p class="time-zone">{text.time_zone}<span translate="no">{time_zone}</span></p>
            {table}
            <nav class="pager" aria-label=text.pages>{previous}{next}</nav>
            <p><a href=format!("/dashboard/calls.csv?{search}") download="calls.csv">{text.export}</a></p>
        </main>
    }
}

/// One call. Its legs are the rate classes of the installation's rate table, shown as named
/// there; its end as the outcome and its cause or refusal reason. It is dated by when it was
/// authorized (refused calls never start), in the zone the page names.
#[component]
fn RecordRow(ui: Lang, record: CallRecord, currency: String) -> impl IntoView {
    let text: &RecordsText = records_text(ui);
    let when = date_time_of(ui, &record.authorized_at);
    let billed = record
        .billed_secs
        .map(|secs| format!("{}:{:02}", secs / 60, secs % 60))
        .unwrap_or_default();
    let reason = record
        .hangup_cause
        .as_deref()
        .or_else(|| record.outcome.strip_prefix("refused:"));
    let outcome = match reason {
        Some(reason) => format!("{} ({})", text.outcome(&record.outcome), text.cause(reason)),
        None => text.outcome(&record.outcome),
    };
    // The stored word for "no number: a browser" is the record's, not the page's language.
    let number = |stored: String| {
        if stored == "browser" {
            text.browser.to_string()
        } else {
            stored
        }
    };
    view! {
        <tr>
            <td><time datetime=record.authorized_at.clone()>{when}</time></td>
            <td translate="no"><a href=format!("/c/{}", record.card_slug)>{record.card_slug.clone()}</a></td>
            <td>{number(record.caller_number)}</td>
            <td>
                {number(record.callee_number)}
                {(record.answered_on.as_deref() == Some("browser"))
                    .then(|| view! { <span class="answered-on">{text.answered_in_browser}</span> })}
            </td>
            <td translate="no">{record.leg_classes.join(" + ")}</td>
            <td class="amount">{billed}</td>
            <td class="amount" data-cost=record.cost.map(|cost| cost.to_string())>{record.cost.map(|cost| money(ui, cost, &currency))}</td>
            <td data-outcome=record.outcome.clone()>{outcome}</td>
        </tr>
    }
}

/// The search as a query string, so paging and the export keep it.
fn query_string(number: &str, from: &str, until: &str) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|byte| match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (byte as char).to_string()
                }
                _ => format!("%{byte:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "number={}&from={}&until={}",
        encode(number),
        encode(from),
        encode(until)
    )
}
