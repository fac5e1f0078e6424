//! The issuer's call records (BRIEF R12): search by number and dates, page through, export CSV.
//! Server-rendered; a plain GET form, so it works without JavaScript.

use leptos::prelude::*;

use crate::model::{CallRecord, CallRecordsView};

#[component]
pub fn CallRecordsPage(records: CallRecordsView) -> impl IntoView {
    let CallRecordsView {
        number,
        from,
        until,
        offset,
        limit,
        page,
        currency,
        error,
    } = records;
    let search = query_string(&number, &from, &until);
    let shown_to = offset + page.records.len() as u64;
    let summary = if page.total == 0 {
        "No calls match.".to_string()
    } else {
        format!("Calls {} to {shown_to} of {}", offset + 1, page.total)
    };
    let previous = (offset > 0).then(|| {
        let href = format!(
            "/dashboard/calls?{search}&offset={}",
            offset.saturating_sub(limit)
        );
        view! { <a href=href rel="prev">"Newer"</a> }
    });
    let next = (shown_to < page.total).then(|| {
        let href = format!("/dashboard/calls?{search}&offset={shown_to}");
        view! { <a href=href rel="next">"Older"</a> }
    });
    let table = (!page.records.is_empty()).then(|| {
        view! {
            <table class="call-records">
                <caption>{summary.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Card"</th>
                        <th scope="col">"Caller"</th>
                        <th scope="col">"Callee"</th>
                        <th scope="col">"Legs"</th>
                        <th scope="col">"Billed"</th>
                        <th scope="col">{format!("Cost ({currency})")}</th>
                        <th scope="col">"Outcome"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.records.into_iter().map(|record| view! { <RecordRow record/> }).collect_view()}
                </tbody>
            </table>
        }
    });
    view! {
        <main class="calls-page">
            <header class="dashboard-header">
                <h1>"Call records"</h1>
                <p><a href="/dashboard">"Back to your cards"</a></p>
            </header>
            <form method="get" action="/dashboard/calls" class="record-search">
                <label for="record-number">"Number contains"</label>
                <input id="record-number" name="number" inputmode="tel" value=number/>
                <label for="record-from">"From"</label>
                <input id="record-from" name="from" type="date" value=from/>
                <label for="record-until">"Until"</label>
                <input id="record-until" name="until" type="date" value=until/>
                <button type="submit" class="button secondary">"Search"</button>
            </form>
            {error.map(|error| view! { <p class="error" role="alert">{error}</p> })}
            <p role="status">{summary}</p>
            {table}
            <nav class="pager" aria-label="Pages">{previous}{next}</nav>
            <p><a href=format!("/dashboard/calls.csv?{search}") download="calls.csv">"Export these calls as CSV"</a></p>
        </main>
    }
}

#[component]
fn RecordRow(record: CallRecord) -> impl IntoView {
    let when = record.authorized_at.replace('T', " ").replace('Z', " UTC");
    let billed = record
        .billed_secs
        .map(|secs| format!("{}:{:02}", secs / 60, secs % 60))
        .unwrap_or_default();
    let outcome = match &record.hangup_cause {
        Some(cause) => format!("{} ({})", record.outcome, cause.replace('_', " ")),
        None => record.outcome.clone(),
    }
    .replace('_', " ");
    view! {
        <tr>
            <td>{when}</td>
            <td><a href=format!("/c/{}", record.card_slug)>{record.card_slug.clone()}</a></td>
            <td>{record.caller_number}</td>
            <td>{record.callee_number}</td>
            <td>{record.leg_classes.join(" + ")}</td>
            <td class="amount">{billed}</td>
            <td class="amount">{record.cost.map(|cost| cost.to_string()).unwrap_or_default()}</td>
            <td>{outcome}</td>
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
