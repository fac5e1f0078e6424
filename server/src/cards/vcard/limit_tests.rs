//! Import meets strangers' files: its caps, and work linear in what it is given.

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use app::model::CardLink;
use proptest::prelude::*;

use super::import::*;
use super::*;

fn vcard_with(lines: &[String]) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\n{}\r\nEND:VCARD\r\n",
        lines.join("\r\n")
    )
}

fn urls(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("URL:https://jane.example/{i}"))
        .collect()
}

#[test]
fn import_refuses_more_lines_than_its_cap() {
    // 75,000 URL lines once took 42 s; now the count alone refuses them.
    let flood = vcard_with(&vec!["URL:x".to_string(); 75_000]);
    assert!(flood.len() <= MAX_IMPORT_BYTES);
    let error = import(&flood).unwrap_err();
    assert_eq!(
        error,
        VCardError::TooManyProperties {
            max: MAX_IMPORT_PROPERTIES
        }
    );
    assert!(
        error.to_string().contains("more than 1000 lines"),
        "{error}"
    );
}

#[test]
fn import_refuses_more_urls_than_its_cap() {
    let error = import(vcard_with(&urls(MAX_IMPORT_URLS + 1))).unwrap_err();
    assert_eq!(
        error,
        VCardError::TooManyUrls {
            max: MAX_IMPORT_URLS
        }
    );
    assert!(error.to_string().contains("URL lines"), "{error}");
}

#[test]
fn import_reads_a_big_vcard_within_its_caps() {
    // FN, VERSION and the lines below: exactly at the property cap.
    let mut lines = urls(MAX_IMPORT_URLS);
    lines[1] = lines[0].clone();
    let notes = MAX_IMPORT_PROPERTIES - 2 - lines.len();
    lines.extend((0..notes).map(|i| format!("X-NOTE-{i}:{}", "n".repeat(200))));
    let text = vcard_with(&lines);
    let input = import(&text).unwrap();
    assert_eq!(input.contents[0].content.name, "Jane Doe");
    assert_eq!(input.contacts.homepage, "https://jane.example/0");
    // The second URL repeats the homepage: the other 48 become links, once each.
    assert_eq!(input.links.len(), MAX_IMPORT_URLS - 2);
    assert_eq!(input.links[0].url, "https://jane.example/2");
}

/// A URL key that counts every hash and comparison made with it.
struct Counted<'a> {
    url: &'a str,
    work: &'a Cell<usize>,
}

impl Hash for Counted<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.work.set(self.work.get() + 1);
        self.url.hash(state);
    }
}

impl PartialEq for Counted<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.work.set(self.work.get() + 1);
        self.url == other.url
    }
}

impl Eq for Counted<'_> {}

fn draft_of(urls: Vec<(String, Option<String>)>) -> Draft {
    Draft {
        urls: urls
            .into_iter()
            .map(|(url, label)| FoundUrl {
                url,
                label,
                is_card: false,
            })
            .collect(),
        ..Draft::default()
    }
}

/// Hashes and comparisons to sort `count` URLs (a third of them repeats) into links.
fn dedup_work(count: usize) -> usize {
    let draft = draft_of(
        (0..count)
            .map(|i| (format!("https://x.example/{}", i - i % 3 / 2), None))
            .collect(),
    );
    let work = Cell::new(0);
    let (_, links) = draft.homepage_and_links_by(|url| Counted { url, work: &work });
    assert_eq!(links.len(), count - count / 3 - 1);
    work.get()
}

#[test]
fn sorting_urls_into_links_takes_work_linear_in_their_number() {
    let (small, large) = (dedup_work(1_000), dedup_work(4_000));
    assert!(
        large <= 5 * small,
        "1,000 URLs: {small} steps; 4,000: {large}"
    );
    assert!(large <= 10 * 4_000, "{large} steps for 4,000 URLs");
}

/// The rule as first written (quadratic, but plainly right), to check the linear one against.
fn reference_links(draft: &Draft) -> (String, Vec<CardLink>) {
    let mut homepage = String::new();
    let mut links: Vec<CardLink> = Vec::new();
    for found in &draft.urls {
        if found.url.is_empty() {
            continue;
        }
        let label = found.label.as_deref().and_then(custom_label);
        if homepage.is_empty() && label.is_none() {
            homepage = found.url.clone();
        } else if found.url != homepage && links.iter().all(|l| l.url != found.url) {
            links.push(CardLink {
                label: label.unwrap_or_else(|| host(&found.url)).to_string(),
                url: found.url.clone(),
            });
        }
    }
    (homepage, links)
}

proptest! {
    #[test]
    fn linear_link_sorting_agrees_with_the_plain_rule(
        urls in proptest::collection::vec(
            ("(https://[abc]\\.example/[xy]?)?", proptest::option::of("[A-Z]?")),
            0..30,
        )
    ) {
        let draft = draft_of(urls);
        prop_assert_eq!(draft.homepage_and_links(), reference_links(&draft));
    }
}
