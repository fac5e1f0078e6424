//! The designer's form controls: a labelled input with its refusal, and an image slot.

use leptos::prelude::*;

#[component]
pub fn Input(
    name: String,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let invalid = error.is_some();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name.clone() type=kind value=value
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| format!("{id}-error"))/>
            <FieldErrorText name error/>
        </div>
    }
}

#[component]
pub fn FieldErrorText(name: String, error: Option<String>) -> impl IntoView {
    error.map(|message| {
        view! { <p class="field-error" id=format!("field-{name}-error") data-field-error=name>{message}</p> }
    })
}

#[component]
pub fn ImageField(
    name: &'static str,
    label: &'static str,
    current_alt: &'static str,
    remove: &'static str,
    current: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=format!("field-{name}")>{label}</label>
            {current.map(|src| view! {
                <img class="thumbnail" src=src alt=current_alt height="64"/>
                <label class="checkbox"><input type="checkbox" name=format!("remove_{name}") value="true"/>{remove}</label>
            })}
            <input id=format!("field-{name}") type="file" name=name accept="image/png,image/jpeg"/>
            <FieldErrorText name=name.to_string() error/>
        </div>
    }
}

/// The short video: the stored one (playable here, with a box to remove it), a file to replace
/// it, and the still its player shows before it plays. Both files ride in the editor's form, so
/// a card is saved with its video or not at all.
#[component]
pub fn VideoField(
    text: &'static crate::i18n::VideoText,
    remove: &'static str,
    current: Option<crate::model::CardVideo>,
    error: Option<String>,
    poster_error: Option<String>,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{text.legend}</legend>
            {current.map(|video| view! {
                <figure class="video-current">
                    <video class="thumbnail" controls preload="none" width="160"
                        poster=video.poster_url.clone()>
                        <source src=video.url.clone() type=video.media_type.clone()/>
                    </video>
                    <figcaption>{text.current(&video.length())}</figcaption>
                </figure>
                <label class="checkbox"><input type="checkbox" name="remove_video" value="true"/>{remove}</label>
            })}
            <div class="field">
                <label for="field-video">{text.video}</label>
                <input id="field-video" type="file" name="video" accept="video/mp4,video/webm,video/quicktime"/>
                <FieldErrorText name="video".to_string() error/>
            </div>
            <div class="field">
                <label for="field-poster">{text.poster}</label>
                <input id="field-poster" type="file" name="poster" accept="image/png,image/jpeg"/>
                <FieldErrorText name="poster".to_string() error=poster_error/>
            </div>
        </fieldset>
    }
}

/// How the photo or logo sits in its frame on the card (`ImageFrame`): three sliders, sent with
/// the form (and to the live preview as they move); the stored image is never changed.
#[component]
pub fn FrameFields(
    text: &'static crate::i18n::EditorText,
    /// `photo` or `logo`: the fields are `theme.{image}_frame.x|y|zoom`.
    image: &'static str,
    image_label: &'static str,
    frame: crate::model::ImageFrame,
    errors: Vec<crate::model::FieldError>,
) -> impl IntoView {
    use crate::model::ImageFrame;
    let slider = move |part: &'static str, label: &'static str, value: u16, min: u16, max: u16| {
        let name = format!("theme.{image}_frame.{part}");
        let error = crate::model::error_for(&errors, &name).map(str::to_string);
        let id = format!("field-{name}");
        view! {
            <div class="field frame-field">
                <label for=id.clone()>{label}</label>
                <input id=id type="range" name=name.clone() min=min.to_string() max=max.to_string()
                    step="1" value=value.to_string()/>
                <FieldErrorText name=name error/>
            </div>
        }
    };
    view! {
        <fieldset class="frame">
            <legend>{text.framing(image_label)}</legend>
            {slider("x", text.frame_x, frame.x, 0, ImageFrame::MAX_POSITION)}
            {slider("y", text.frame_y, frame.y, 0, ImageFrame::MAX_POSITION)}
            {slider("zoom", text.frame_zoom, frame.zoom, ImageFrame::MIN_ZOOM, ImageFrame::MAX_ZOOM)}
        </fieldset>
    }
}
