//! A card's usage page `/dashboard/cards/{slug}/usage` (issue 11, BRIEF R13): views, calls,
//! talk time and spend per day over the last 7, 30 or 90 days, drawn by the server as small
//! SVG bar charts (no script), with the same numbers in a table for screen readers and copying.

use leptos::prelude::*;

use super::embed::{name_in, split_at};
use crate::i18n::format::{money, month_day};
use crate::i18n::{UsageText, usage_text};
use crate::model::{CardUsageView, Lang, UsageDay};

/// The periods offered, in days (the server accepts these).
pub const PERIODS: [u32; 3] = [7, 30, 90];

/// The chart's drawing box: bars share the width, the tallest reaches the top.
const WIDTH: u32 = 300;
const HEIGHT: u32 = 80;

/// One bar in the drawing box's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The bars of `values` in a `width` × `height` box: one slot per value with a gap between
/// slots, heights in proportion to the largest value. A value above zero is at least one unit
/// tall, so a quiet day still shows against an empty one.
pub fn bars(values: &[i64], width: u32, height: u32) -> Vec<Bar> {
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX).max(1);
    let slot = (width / count).max(1);
    let gap = if slot >= 4 { slot / 4 } else { 0 };
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .zip(0..)
        .map(|(&value, index)| {
            let value = value.max(0);
            let scaled = i64::from(height) * value / max;
            let tall = u32::try_from(scaled)
                .unwrap_or(height)
                .max(u32::from(value > 0));
            Bar {
                x: index * slot + gap / 2,
                y: height - tall,
                width: slot - gap,
                height: tall,
            }
        })
        .collect()
}

/// Talk time in minutes with one decimal, rounded to the nearest tenth.
pub fn minutes(secs: i64) -> String {
    let tenths = (secs.max(0) * 10 + 30) / 60;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// One chart: what it counts, each day's value, and how a value reads.
struct Series {
    id: &'static str,
    heading: &'static str,
    values: Vec<i64>,
    labels: Vec<String>,
    total: String,
}

impl Series {
    fn counted(id: &'static str, heading: &'static str, values: Vec<i64>) -> Series {
        let labels = values.iter().map(i64::to_string).collect();
        let total = values.iter().sum::<i64>().to_string();
        Series {
            id,
            heading,
            values,
            labels,
            total,
        }
    }
}

fn chart(text: &'static UsageText, series: Series, first: String, last: String) -> impl IntoView {
    let Series {
        id,
        heading,
        values,
        labels,
        total,
    } = series;
    let highest = values
        .iter()
        .zip(&labels)
        .max_by_key(|(value, _)| **value)
        .map(|(_, label)| label.clone())
        .unwrap_or_default();
    let description = format!(
        "{heading}: {}, {}",
        text.total(&total),
        text.highest(&highest)
    );
    let (caption, labelled_by) = (format!("usage-{id}"), format!("usage-{id}"));
    let rects = bars(&values, WIDTH, HEIGHT)
        .into_iter()
        .map(|bar| {
            view! {
                <rect x=bar.x.to_string() y=bar.y.to_string()
                    width=bar.width.to_string() height=bar.height.to_string()></rect>
            }
        })
        .collect_view();
    view! {
        <figure class="usage-chart" data-chart=id aria-labelledby=labelled_by>
            <figcaption id=caption>
                <strong>{heading}</strong>" "<span data-total>{text.total(&total)}</span>
            </figcaption>
            <svg class="usage-bars" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none"
                role="img" aria-label=description>
                {rects}
            </svg>
            <p class="usage-axis" aria-hidden="true">
                <span>{first}</span><span>{text.highest(&highest)}</span><span>{last}</span>
            </p>
        </figure>
    }
}

#[component]
pub fn UsagePage(ui: Lang, usage: CardUsageView) -> impl IntoView {
    let text = usage_text(ui);
    let CardUsageView {
        slug,
        name,
        time_zone,
        period,
        currency,
        days,
        ..
    } = usage;
    let money = |minor_units: i64| money(ui, minor_units, &currency);
    let quiet = days.iter().all(|day| day.views == 0 && day.calls == 0);
    let label =
        |day: Option<&UsageDay>| day.map(|day| month_day(ui, &day.date)).unwrap_or_default();
    let (first, last) = (label(days.first()), label(days.last()));
    let column = |pick: fn(&UsageDay) -> i64| days.iter().map(pick).collect::<Vec<_>>();
    let talk = column(|day| day.talk_secs);
    let spend = column(|day| day.spend);
    let series = [
        Series::counted("views", text.views, column(|day| day.views)),
        Series::counted("calls", text.calls, column(|day| day.calls)),
        Series::counted("answered", text.answered, column(|day| day.answered)),
        Series {
            id: "talk",
            heading: text.talk_minutes,
            labels: talk.iter().copied().map(minutes).collect(),
            total: minutes(talk.iter().sum()),
            values: talk,
        },
        Series {
            id: "spend",
            heading: text.spend,
            labels: spend.iter().copied().map(money).collect(),
            total: money(spend.iter().sum()),
            values: spend,
        },
    ];
    let charts = series
        .into_iter()
        .map(|series| chart(text, series, first.clone(), last.clone()))
        .collect_view();
    let periods = PERIODS
        .into_iter()
        .map(|days| {
            view! {
                <a href=format!("/dashboard/cards/{slug}/usage?days={days}")
                    aria-current=(days == period).then_some("page")>{text.last_days(days)}</a>
            }
        })
        .collect_view();
    let rows = days
        .iter()
        .rev()
        .map(|day| {
            view! {
                <tr>
                    <th scope="row">{month_day(ui, &day.date)}</th>
                    <td>{day.views}</td>
                    <td>{day.calls}</td>
                    <td>{day.answered}</td>
                    <td>{minutes(day.talk_secs)}</td>
                    <td class="amount">{money(day.spend)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <main class="usage-page">
            <header class="dashboard-header">
                <h1>{name_in(text.title, &name)}</h1>
                <p><a href="/dashboard">{text.back}</a></p>
            </header>
            <nav class="usage-periods">{periods}</nav>
            <p class="hint">{split_at(text.days_start, "{zone}", view! { <span translate="no">{time_zone}</span> })}</p>
            {quiet.then(|| view! { <p class="notice">{text.nothing_yet}</p> })}
            <div class="usage-charts">{charts}</div>
            <p class="hint">{text.views_note}</p>
            <details class="usage-table">
                <summary>{text.by_day}</summary>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{text.date}</th>
                            <th scope="col">{text.views}</th>
                            <th scope="col">{text.calls}</th>
                            <th scope="col">{text.answered}</th>
                            <th scope="col">{text.talk_minutes}</th>
                            <th scope="col">{text.spend}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_share_the_width_and_the_tallest_reaches_the_top() {
        let drawn = bars(&[0, 5, 10], 300, 80);
        assert_eq!(drawn.len(), 3);
        assert_eq!(drawn[0].height, 0, "an empty day draws nothing");
        assert_eq!(drawn[1].height, 40);
        assert_eq!((drawn[2].y, drawn[2].height), (0, 80));
        assert!(
            drawn
                .windows(2)
                .all(|pair| pair[0].x + pair[0].width < pair[1].x)
        );
        assert!(drawn.iter().all(|bar| bar.x + bar.width <= 300));
    }

    #[test]
    fn a_quiet_day_still_shows_beside_a_busy_one() {
        let drawn = bars(&[1, 10_000], 300, 80);
        assert_eq!(drawn[0].height, 1);
        assert_eq!(bars(&[0, 0], 300, 80)[1].height, 0, "all empty: no bars");
    }

    #[test]
    fn ninety_days_fit_the_box() {
        let drawn = bars(&[3; 90], 300, 80);
        assert!(
            drawn
                .iter()
                .all(|bar| bar.width >= 1 && bar.x + bar.width <= 300)
        );
    }

    #[test]
    fn minutes_round_to_the_nearest_tenth() {
        assert_eq!(minutes(0), "0.0");
        assert_eq!(minutes(60), "1.0");
        assert_eq!(minutes(93), "1.6");
        assert_eq!(minutes(3600 + 2), "60.0");
    }
}
