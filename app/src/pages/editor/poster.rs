//! A still for the chosen video, taken by the browser (issue 11's poster frame): when the
//! issuer picks a video and no still, the designer draws one frame of it (at 1 s, or halfway
//! through a shorter video) into a JPEG and puts it in the still's file input, so the form
//! sends both. The server checks that image like any other upload. Without script the still
//! is the issuer's own, or none (the player then shows the video's first frame).

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, DataTransfer, Event, EventTarget, File, FilePropertyBag,
    HtmlCanvasElement, HtmlInputElement, HtmlVideoElement, Url,
};

/// The longest side of a still made here; the server scales images to the same.
const MAX_SIDE: u32 = 1024;

/// Wires the video field up, if this page has one.
pub fn start() {
    let document = gloo::utils::document();
    let input = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
    };
    let (Some(video_input), Some(poster_input)) = (input("field-video"), input("field-poster"))
    else {
        return;
    };
    let chosen = {
        let video_input = video_input.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            let Some(video) = video_input.files().and_then(|files| files.get(0)) else {
                return;
            };
            if poster_input.files().is_some_and(|files| files.length() > 0) {
                return;
            }
            let poster_input = poster_input.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // A video the browser cannot play gets no still; the server says why it is
                // refused, if it is.
                if let Ok(still) = still_of(&video).await {
                    let _ = put_in(&poster_input, &still);
                }
            });
        })
    };
    let _ = video_input.add_event_listener_with_callback("change", chosen.as_ref().unchecked_ref());
    chosen.forget();
}

/// One frame of `video` as a JPEG file.
async fn still_of(video: &File) -> Result<File, JsValue> {
    let document = gloo::utils::document();
    let url = Url::create_object_url_with_blob(video)?;
    let player: HtmlVideoElement = document.create_element("video")?.dyn_into()?;
    player.set_muted(true);
    player.set_preload("auto");
    player.set_src(&url);
    let still = async {
        happens(&player, "loadeddata").await?;
        player.set_current_time((player.duration() / 2.0).min(1.0));
        happens(&player, "seeked").await?;
        let (width, height) = scaled(player.video_width(), player.video_height());
        let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context: CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("no 2d context"))?
            .dyn_into()?;
        context.draw_image_with_html_video_element_and_dw_and_dh(
            &player,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )?;
        let blob = jpeg_of(&canvas).await?;
        let options = FilePropertyBag::new();
        options.set_type("image/jpeg");
        File::new_with_blob_sequence_and_options(&Array::of1(&blob), "still.jpg", &options)
    }
    .await;
    Url::revoke_object_url(&url)?;
    still
}

/// The picture's size, its longest side at most [`MAX_SIDE`].
fn scaled(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= MAX_SIDE {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| ((u64::from(side) * u64::from(MAX_SIDE)) / u64::from(longest)).max(1);
    (scale(width) as u32, scale(height) as u32)
}

/// Resolves at the element's next `name` event; rejects at an `error` first.
async fn happens(target: &EventTarget, name: &str) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = target.add_event_listener_with_callback(name, &resolve);
        let _ = target.add_event_listener_with_callback("error", &reject);
    });
    JsFuture::from(promise).await
}

/// The canvas as a JPEG blob.
async fn jpeg_of(canvas: &HtmlCanvasElement) -> Result<JsValue, JsValue> {
    let mut asked = Ok(());
    let promise = Promise::new(&mut |resolve, _reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        asked = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(0.85),
        );
    });
    asked?;
    let blob = JsFuture::from(promise).await?;
    if blob.is_null() {
        return Err(JsValue::from_str("the canvas gave no image"));
    }
    Ok(blob)
}

/// Puts `file` in a file input, as if the issuer had chosen it.
fn put_in(input: &HtmlInputElement, file: &File) -> Result<(), JsValue> {
    let transfer = DataTransfer::new()?;
    transfer.items().add_with_file(file)?;
    input.set_files(transfer.files().as_ref());
    Ok(())
}
