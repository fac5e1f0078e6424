//! A `<textarea>` whose text cannot end the element.
//!
//! tachys writes the children of `<textarea>` as they are, unescaped (its `ESCAPE_CHILDREN` is
//! false for `textarea`, `script`, `style` and `noscript`), so `{text}` inside a `<textarea>`
//! let a note such as `</textarea><img src=x onerror=…>` close the element and run script in
//! the issuer's page (issue 8). A textarea holds *escapable* raw text: the browser decodes
//! character references in it, so writing `&` and `<` as `&amp;` and `&lt;` shows the text
//! exactly as typed. Server-rendered only: the editor and the Embed panel are not islands, so nothing hydrates them.

use leptos::prelude::*;

#[component]
pub fn TextArea(id: String, name: String, rows: u32, text: String) -> impl IntoView {
    view! { <textarea id=id name=name rows=rows.to_string()>{textarea_html(&text)}</textarea> }
}

/// Read-only text to copy (the Embed panel's snippets), escaped the same way.
#[component]
pub fn SnippetArea(id: &'static str, rows: u32, text: String) -> impl IntoView {
    view! {
        <textarea id=id class="snippet" readonly rows=rows.to_string() translate="no">{textarea_html(&text)}</textarea>
    }
}

/// `text` as the HTML between `<textarea>` and `</textarea>`.
pub fn textarea_html(text: &str) -> String {
    // The HTML parser drops one line feed right after `<textarea>`; starting with one of our
    // own keeps a note that begins with an empty line intact.
    let mut html = String::with_capacity(text.len() + 1);
    html.push('\n');
    for character in text.chars() {
        match character {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            other => html.push(other),
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::textarea_html;

    #[test]
    fn markup_in_a_note_is_written_as_text() {
        let html = textarea_html(r#"</textarea><img src=x onerror="window.__pwned=1">"#);
        assert_eq!(
            html,
            "\n&lt;/textarea&gt;&lt;img src=x onerror=\"window.__pwned=1\"&gt;"
        );
        assert!(!html.contains('<'));
    }

    #[test]
    fn ampersands_stay_literal_and_a_leading_line_break_survives() {
        assert_eq!(textarea_html("&lt; & more"), "\n&amp;lt; &amp; more");
        assert_eq!(textarea_html("\nsecond line"), "\n\nsecond line");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use leptos::prelude::*;

    use super::TextArea;

    #[test]
    fn the_rendered_element_cannot_be_closed_by_its_text() {
        let owner = Owner::new();
        let html = owner.with(|| {
            view! {
                <TextArea id="note".into() name="note".into() rows=3
                    text="</textarea><script>window.__pwned=1</script>".into()/>
            }
            .to_html()
        });
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;/textarea&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"),
            "{html}"
        );
    }
}
