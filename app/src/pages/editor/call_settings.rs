//! Who may call, when, and where it rings (private: never shown on the public card).

use leptos::prelude::*;

use super::fields::{FieldErrorText, Input};
use crate::i18n::EditorText;
use crate::model::{CallSettings, FieldError, Weekday, error_for};

#[component]
pub fn CallFieldset(
    text: &'static EditorText,
    call: CallSettings,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let err = |name: &str| error_for(&errors, &format!("call.{name}")).map(str::to_string);
    let days = Weekday::ALL
        .into_iter()
        .map(|day| {
            // The label wraps its checkbox, which ties them together without ids.
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=format!("call.day.{}", day.code()) value="true"
                        checked=call.available_days.contains(&day)/>
                    {text.day(day)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="call-settings">
            <legend>{text.calls}</legend>
            <Input name="call.call_quota".into() label=text.call_quota.into() kind="number" value=call.call_quota.to_string() error=err("call_quota")/>
            <Input name="call.max_call_minutes".into() label=text.max_call_minutes.into() kind="number" value=call.max_call_minutes.to_string() error=err("max_call_minutes")/>
            <Input name="call.daily_cap".into() label=text.daily_cap.into() kind="number" value=call.daily_cap.map(|cap| cap.to_string()).unwrap_or_default() error=err("daily_cap")/>
            <Input name="call.time_zone".into() label=text.time_zone.into() value=call.time_zone error=err("time_zone")/>
            <Input name="call.available_from".into() label=text.available_from.into() kind="time" value=call.available_from error=err("available_from")/>
            <Input name="call.available_until".into() label=text.available_until.into() value=call.available_until error=err("available_until")/>
            <fieldset class="days">
                <legend>{text.days}</legend>
                {days}
                <FieldErrorText name="call.available_days".into() error=err("available_days")/>
            </fieldset>
            <Input name="call.allowed_regions".into() label=text.allowed_regions.into() value=call.allowed_regions.join(", ") error=err("allowed_regions")/>
            <fieldset class="call-destinations">
                <legend>{text.where_calls_ring}</legend>
                <p class="hint">{text.how_calls_ring}</p>
                <Input name="call.mobile".into() label=text.ring_mobile.into() kind="tel" value=call.mobile error=err("mobile")/>
                <Input name="call.landline".into() label=text.ring_landline.into() kind="tel" value=call.landline error=err("landline")/>
                <p class="hint">
                    {text.verified_only}
                    <a href="/dashboard/numbers">{text.verify_a_number}</a>
                </p>
                <div class="field checkbox">
                    <input id="field-call.internet_phone" type="checkbox" name="call.internet_phone" value="true" checked=call.internet_phone/>
                    <label for="field-call.internet_phone">{text.ring_browser}</label>
                </div>
                <FieldErrorText name="call.internet_phone".into() error=err("internet_phone")/>
            </fieldset>
        </fieldset>
    }
}
