//! Paged message history for `GET …/messages?after&before&sortOrder&maxResults` (pure).

use crate::model::{Conversation, Event};

use super::wire::{BASE, body_type};

/// The most entities one page may hold.
pub const MAX_PAGE: usize = 100;
/// The page size when `maxResults` is absent.
pub const DEFAULT_PAGE: usize = 25;

/// A history request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Only messages after this message id.
    pub after: Option<String>,
    /// Only messages before this message id.
    pub before: Option<String>,
    /// Newest first.
    pub descending: bool,
    /// Page size (clamped to 1–100).
    pub max_results: usize,
}

/// One page: the events and the links to the next and previous pages.
#[derive(Debug)]
pub struct Page<'a> {
    /// The events, in the requested order.
    pub entities: Vec<&'a Event>,
    /// Host-relative link to the next page, when there is one.
    pub next: Option<String>,
    /// Host-relative link to the page on the other side, when there is one.
    pub previous: Option<String>,
}

/// Why a page could not be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// `after` or `before` names no message of this conversation.
    #[error("unknown message id {0}")]
    UnknownMessage(String),
}

fn position(c: &Conversation, id: &Option<String>) -> Result<Option<u64>, HistoryError> {
    match id.as_deref().filter(|id| !id.is_empty()) {
        None => Ok(None),
        Some(id) => c
            .event_by_id(id)
            .map(|e| Some(e.index))
            .ok_or_else(|| HistoryError::UnknownMessage(id.to_owned())),
    }
}

/// Serves one page.
pub fn page<'a>(c: &'a Conversation, request: &PageRequest) -> Result<Page<'a>, HistoryError> {
    let after = position(c, &request.after)?.unwrap_or(0);
    let before = position(c, &request.before)?.unwrap_or(u64::MAX);
    let size = request.max_results.clamp(1, MAX_PAGE);
    let in_range: Vec<&Event> = c
        .transcript()
        .iter()
        .filter(|e| e.index > after && e.index < before && body_type(e.kind).is_some())
        .collect();
    let more = in_range.len() > size;
    let entities: Vec<&Event> = if request.descending {
        in_range.iter().rev().take(size).copied().collect()
    } else {
        in_range.iter().take(size).copied().collect()
    };
    let link = |cursor: &str, id: &str| {
        let order = if request.descending {
            "descending"
        } else {
            "ascending"
        };
        format!(
            "{BASE}/{}/messages?{cursor}={id}&sortOrder={order}&maxResults={size}",
            c.id
        )
    };
    // The far end of the page continues the walk; the near end leads back, if anything lies there.
    let (far_cursor, near_cursor) = if request.descending {
        ("before", "after")
    } else {
        ("after", "before")
    };
    let next = entities
        .last()
        .filter(|_| more)
        .map(|e| link(far_cursor, &e.id));
    let had_cursor = request.after.is_some() || request.before.is_some();
    let previous = entities
        .first()
        .filter(|_| had_cursor)
        .map(|e| link(near_cursor, &e.id));
    Ok(Page {
        entities,
        next,
        previous,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CLIENT, EventKind, FileLimits, Protocol};

    fn chat_with(messages: usize) -> Conversation {
        let mut c = Conversation::new(
            "conv".into(),
            Protocol::Cloud,
            "Pat",
            FileLimits::default(),
            9,
            0,
        );
        for n in 0..messages {
            c.post(Some(CLIENT), EventKind::Message, &format!("m{n}"), n as u64)
                .unwrap();
            c.set_typing(CLIENT, n % 2 == 0, "", n as u64).unwrap();
        }
        c
    }

    fn texts(p: &Page) -> Vec<String> {
        p.entities.iter().map(|e| e.text.clone()).collect()
    }

    #[test]
    fn ascending_pages_walk_forward_and_skip_typing() {
        let c = chat_with(5);
        let first = page(
            &c,
            &PageRequest {
                max_results: 3,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(texts(&first), ["", "m0", "m1"]);
        let next = first.next.unwrap();
        assert!(next.starts_with("/api/v2/webchat/guest/conversations/conv/messages?after="));
        let after = next
            .split("after=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let second = page(
            &c,
            &PageRequest {
                after: Some(after),
                max_results: 3,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(texts(&second), ["m2", "m3", "m4"]);
        assert!(second.next.is_none());
        assert!(second.previous.is_some());
    }

    #[test]
    fn descending_pages_walk_backward_from_the_newest() {
        let c = chat_with(5);
        let first = page(
            &c,
            &PageRequest {
                descending: true,
                max_results: 2,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(texts(&first), ["m4", "m3"]);
        assert!(first.previous.is_none());
        let before = first
            .next
            .unwrap()
            .split("before=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let second = page(
            &c,
            &PageRequest {
                before: Some(before),
                descending: true,
                max_results: 2,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(texts(&second), ["m2", "m1"]);
    }

    #[test]
    fn page_size_is_clamped_to_one_hundred() {
        let c = chat_with(120);
        let p = page(
            &c,
            &PageRequest {
                max_results: 1000,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.entities.len(), 100);
        assert!(p.next.unwrap().ends_with("maxResults=100"));
    }

    #[test]
    fn an_unknown_cursor_is_an_error() {
        let c = chat_with(1);
        let bad = PageRequest {
            after: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            page(&c, &bad).unwrap_err(),
            HistoryError::UnknownMessage("nope".into())
        );
    }
}
