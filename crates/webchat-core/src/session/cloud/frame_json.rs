//! A small JSON text reader for WebSocket frames.
//!
//! The glue parses HTTP bodies with the browser's `JSON.parse`, but socket frames reach the core as
//! text, so the Cloud session reads them itself. The reader is strict (RFC 8259), never panics on
//! any input, and refuses nesting deeper than [`MAX_DEPTH`], so a hostile frame cannot exhaust the
//! stack. Lone UTF-16 surrogates in `\u` escapes become U+FFFD, as Rust strings cannot hold them.

use crate::json::{Json, Object};

/// The deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 64;

/// The value `text` holds, or `None` when it is not exactly one JSON value (surrounding
/// whitespace allowed).
pub fn parse(text: &str) -> Option<Json> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let value = reader.value(0)?;
    reader.skip_space();
    (reader.at == reader.bytes.len()).then_some(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at = self.at.saturating_add(1);
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at = self.at.saturating_add(1);
        }
        found
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at = self.at.saturating_add(1);
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        self.skip_space();
        match self.peek()? {
            b'{' if depth < MAX_DEPTH => self.object(depth.saturating_add(1)),
            b'[' if depth < MAX_DEPTH => self.array(depth.saturating_add(1)),
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.at = self.at.saturating_add(1);
        let mut items = Vec::new();
        self.skip_space();
        if self.eat(b']') {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_space();
            match self.next()? {
                b',' => {}
                b']' => return Some(Json::Array(items)),
                _ => return None,
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.at = self.at.saturating_add(1);
        let mut entries = Object::new();
        self.skip_space();
        if self.eat(b'}') {
            return Some(Json::Object(entries));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            self.skip_space();
            if !self.eat(b':') {
                return None;
            }
            let value = self.value(depth)?;
            entries.insert(key, value);
            self.skip_space();
            match self.next()? {
                b',' => {}
                b'}' => return Some(Json::Object(entries)),
                _ => return None,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at = self.at.saturating_add(1);
        }
        self.at.saturating_sub(start)
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        self.eat(b'-');
        if !self.eat(b'0') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at = self.at.saturating_add(1);
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let n: f64 = self.text.get(start..self.at)?.parse().ok()?;
        n.is_finite().then_some(Json::Number(n))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut unit = 0u32;
        for _ in 0..4 {
            let digit = char::from(self.next()?).to_digit(16)?;
            unit = (unit << 4) | digit;
        }
        Some(unit)
    }

    /// The character of a `\u` escape (the `\u` already read), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let unit = self.hex4()?;
        if !(0xD800..0xDC00).contains(&unit) {
            return Some(char::from_u32(unit).unwrap_or('\u{FFFD}'));
        }
        let rest = self.bytes.get(self.at..)?;
        if rest.starts_with(b"\\u") {
            let mark = self.at;
            self.at = self.at.saturating_add(2);
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.at = mark;
        }
        Some('\u{FFFD}')
    }

    fn string(&mut self) -> Option<String> {
        self.at = self.at.saturating_add(1);
        let mut out = String::new();
        loop {
            let run = self.at;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at = self.at.saturating_add(1);
            }
            // Runs stop only at ASCII bytes, so the slice falls on character boundaries.
            out.push_str(self.text.get(run..self.at)?);
            match self.next()? {
                b'"' => return Some(out),
                b'\\' => {
                    let escaped = match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    out.push(escaped);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(r#" {"a": [1, -2.5, 3e2, 0, true, false, null], "b": {"c": "d"}} "#);
        assert_eq!(
            v,
            Some(json!({"a": [1, -2.5, 300, 0, true, false, null], "b": {"c": "d"}}))
        );
        assert_eq!(parse("[]"), Some(json!([])));
        assert_eq!(parse("{}"), Some(json!({})));
        assert_eq!(parse("\"x\""), Some(json!("x")));
        assert_eq!(parse("-0.5E-1"), Some(json!(-0.05)));
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        assert_eq!(
            parse(r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#),
            Some(json!("a\"b\\c/d\n\té😀"))
        );
        assert_eq!(parse(r#""\ud83d""#), Some(json!("\u{FFFD}")));
        assert_eq!(parse(r#""\ud83dx""#), Some(json!("\u{FFFD}x")));
        assert_eq!(parse(r#""\ud83d\u0041""#), Some(json!("\u{FFFD}A")));
        assert_eq!(parse("\"héllo ✓\""), Some(json!("héllo ✓")));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\"}",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\nb\"",
            "[1] 2",
            "{'a':1}",
            "1e999",
            "NaN",
            "{\"a\" 1}",
            "[1 2]",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn refuses_nesting_beyond_the_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_some());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), None);
        assert_eq!(parse(&"{\"a\":".repeat(100_000)), None);
    }

    #[test]
    fn later_duplicate_keys_win() {
        assert_eq!(parse(r#"{"a":1,"a":2}"#), Some(json!({"a": 2})));
    }

    #[test]
    fn agrees_with_serde_json_on_a_real_frame() {
        let text = r#"{"topicName":"v2.conversations.chats.c1.messages","version":"2","eventBody":{"id":"m1","conversation":{"id":"c1"},"sender":{"id":"a1"},"body":"Hi \"there\"","bodyType":"standard","timestamp":"2015-05-28T20:31:28.000Z"},"metadata":{"CorrelationId":"m1","type":"message"}}"#;
        assert_eq!(parse(text), json::testing::parse(text));
    }

    mod fuzz {
        use super::super::parse;
        use crate::json::testing;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_text_never_panics(text in ".{0,200}") {
                let _ = parse(&text);
            }

            #[test]
            fn json_like_text_never_panics(text in r#"[\[\]{}",:0-9eE.+\-a-z\\ ]{0,120}"#) {
                let ours = parse(&text);
                // Where both accept, they agree (floats aside: serde_json may round differently).
                let exact = !text.contains(['.', 'e', 'E']);
                if let (Some(a), Some(b), true) = (ours, testing::parse(&text), exact) {
                    prop_assert_eq!(a, b);
                }
            }
        }
    }
}
