//! JSON text in and out of [`Json`], for the glue's hot paths: a restore answer of 2,000
//! messages is read here in one pass instead of being parsed by `JSON.parse` and then walked value
//! by value across the JS/wasm boundary (several calls per value), and an event's data is printed
//! here and handed to `JSON.parse` once instead of being built with a call per key.
//!
//! [`parse`] follows RFC 8259 as `JSON.parse` does (same results, same duplicate-key rule: the
//! last value wins at the first key's place), iteratively, within [`Limits`]. Whole numbers of up
//! to 15 digits are read exactly here; any other number goes to the caller's `number` reader (the
//! glue uses JavaScript's own), so the bundle has no float parser. [`write`] prints as
//! `JSON.stringify` does, whole numbers through [`number_text`] and others through the caller's
//! printer, so no float formatter either.

use crate::json::{Json, Object, number_text};

/// The most a text may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Most values (scalars, arrays and objects each count one).
    pub max_values: usize,
}

/// Why a text was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// Not JSON (what `JSON.parse` would throw on).
    Syntax,
    /// JSON, but deeper or larger than the [`Limits`].
    TooLarge,
}

/// A container being read: its items so far (for an object, with the key of the value being
/// read).
enum Frame {
    Array(Vec<Json>),
    Object(Vec<(String, Json)>, String),
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The bytes from the cursor on. (Slicing goes through `get`, here and below: `str` indexing
    /// would bring the standard library's panic formatting and Unicode tables into the bundle.)
    fn rest(&self) -> &[u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// The text from `start` to the cursor (cut at ASCII bytes only, so always whole).
    fn since(&self, start: usize) -> &str {
        self.text.get(start..self.at).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips spaces, then takes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), TextError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(TextError::Syntax)
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, TextError> {
        if self.rest().starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(TextError::Syntax)
        }
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, TextError> {
        let digits = self.rest().get(..4).ok_or(TextError::Syntax)?;
        let mut code = 0;
        for &b in digits {
            let d = char::from(b).to_digit(16).ok_or(TextError::Syntax)?;
            code = code * 16 + d;
        }
        self.at += 4;
        Ok(code)
    }

    /// A string, the opening quote next. A lone surrogate reads as U+FFFD, as it does when
    /// JavaScript hands such a string to wasm.
    fn string(&mut self) -> Result<String, TextError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            let stop = self
                .rest()
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or(TextError::Syntax)?;
            self.at += stop;
            out.push_str(self.since(start));
            match self.peek().unwrap_or_default() {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escape = self.peek().ok_or(TextError::Syntax)?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(TextError::Syntax),
                    };
                    out.push(c);
                }
                _ => return Err(TextError::Syntax),
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` read), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, TextError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.rest().starts_with(b"\\u") {
            let mark = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.at = mark;
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }

    /// The length of a run of ASCII digits at the cursor.
    fn digits(&self) -> usize {
        self.rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// A number: whole numbers of up to 15 digits exactly, others through `slow`.
    fn number(&mut self, slow: &mut dyn FnMut(&str) -> Option<f64>) -> Result<Json, TextError> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let whole = self.digits();
        let leading_zero = self.peek() == Some(b'0');
        if whole == 0 || (leading_zero && whole > 1) {
            return Err(TextError::Syntax);
        }
        self.at += whole;
        let mut plain = whole <= 15;
        if self.peek() == Some(b'.') {
            self.at += 1;
            let fraction = self.digits();
            if fraction == 0 {
                return Err(TextError::Syntax);
            }
            self.at += fraction;
            plain = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            let exponent = self.digits();
            if exponent == 0 {
                return Err(TextError::Syntax);
            }
            self.at += exponent;
            plain = false;
        }
        let text = self.since(start);
        if plain {
            let digits = text.trim_start_matches('-');
            let n = digits
                .bytes()
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            // At most 15 digits: exact in an f64.
            let n = n as f64;
            return Ok(Json::Number(if negative { -n } else { n }));
        }
        slow(text)
            .filter(|n| n.is_finite())
            .map(Json::Number)
            .ok_or(TextError::Syntax)
    }
}

/// Reads JSON `text` as `JSON.parse` would, within `limits`; numbers that are not small whole
/// numbers are read by `number` (which answers `None` for ones it cannot read).
pub fn parse(
    text: &str,
    limits: Limits,
    number: &mut dyn FnMut(&str) -> Option<f64>,
) -> Result<Json, TextError> {
    let mut r = Reader { text, at: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    let mut budget = limits.max_values;
    loop {
        budget = budget.checked_sub(1).ok_or(TextError::TooLarge)?;
        r.skip_space();
        let mut value = match r.peek().ok_or(TextError::Syntax)? {
            open @ (b'[' | b'{') => {
                r.at += 1;
                if stack.len() >= limits.max_depth {
                    return Err(TextError::TooLarge);
                }
                let close = if open == b'[' { b']' } else { b'}' };
                if r.eat(close) {
                    if open == b'[' {
                        Json::Array(Vec::new())
                    } else {
                        Json::Object(Object::default())
                    }
                } else {
                    stack.push(if open == b'[' {
                        Frame::Array(Vec::new())
                    } else {
                        Frame::Object(Vec::new(), key(&mut r)?)
                    });
                    continue;
                }
            }
            b'"' => Json::String(r.string()?),
            b't' => r.literal("true", Json::Bool(true))?,
            b'f' => r.literal("false", Json::Bool(false))?,
            b'n' => r.literal("null", Json::Null)?,
            _ => r.number(number)?,
        };
        // A value is complete: add it to its container, closing every container it completes.
        loop {
            match stack.last_mut() {
                None => {
                    r.skip_space();
                    return if r.at == text.len() {
                        Ok(value)
                    } else {
                        Err(TextError::Syntax)
                    };
                }
                Some(Frame::Array(items)) => {
                    items.push(value);
                    if r.eat(b',') {
                        break;
                    }
                    r.expect(b']')?;
                }
                Some(Frame::Object(entries, pending_key)) => {
                    entries.push((std::mem::take(pending_key), value));
                    if r.eat(b',') {
                        *pending_key = key(&mut r)?;
                        break;
                    }
                    r.expect(b'}')?;
                }
            }
            value = match stack.pop() {
                Some(Frame::Array(items)) => Json::Array(items),
                Some(Frame::Object(entries, _)) => Json::Object(entries.into_iter().collect()),
                None => Json::Null,
            };
        }
    }
}

/// An object's key and its colon.
fn key(r: &mut Reader<'_>) -> Result<String, TextError> {
    r.skip_space();
    if r.peek() != Some(b'"') {
        return Err(TextError::Syntax);
    }
    let key = r.string()?;
    r.expect(b':')?;
    Ok(key)
}

/// A container being printed: what is left of it, and whether an item was printed yet.
enum Printing<'a> {
    Array(std::slice::Iter<'a, Json>, bool),
    Object(std::slice::Iter<'a, (String, Json)>, bool),
}

/// `value` as `JSON.stringify(value)` prints it (a number that is not finite prints `null`).
/// Whole numbers up to 2⁵³ are printed here; any other number by `number` (the glue uses
/// JavaScript's own `String(n)`, exact where [`number_text`] may differ in the last digits).
pub fn write(value: &Json, number: &mut dyn FnMut(f64) -> String) -> String {
    let mut out = String::new();
    let mut stack: Vec<Printing<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(value) = next.take() {
            match value {
                Json::Null => out.push_str("null"),
                Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Json::Number(n) if !n.is_finite() => out.push_str("null"),
                Json::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 => {
                    out.push_str(&number_text(*n));
                }
                Json::Number(n) => out.push_str(&number(*n)),
                Json::String(s) => write_string(&mut out, s),
                Json::Array(items) => {
                    out.push('[');
                    stack.push(Printing::Array(items.iter(), false));
                }
                Json::Object(entries) => {
                    out.push('{');
                    stack.push(Printing::Object(entries.iter(), false));
                }
            }
        }
        let Some(top) = stack.last_mut() else {
            return out;
        };
        let (item, printed) = match top {
            Printing::Array(items, printed) => (items.next().map(|v| (None, v)), printed),
            Printing::Object(entries, printed) => {
                (entries.next().map(|(k, v)| (Some(k), v)), printed)
            }
        };
        match item {
            Some((key, value)) => {
                if std::mem::replace(printed, true) {
                    out.push(',');
                }
                if let Some(key) = key {
                    write_string(&mut out, key);
                    out.push(':');
                }
                next = Some(value);
            }
            None => {
                out.push(if matches!(top, Printing::Array(..)) {
                    ']'
                } else {
                    '}'
                });
                stack.pop();
            }
        }
    }
}

/// A string literal with `JSON.stringify`'s escapes.
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut from = 0;
    for (at, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(s.get(from..at).unwrap_or_default());
        from = at + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(from..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests;
