//! The Engage v3 `clientToken`: a JWT whose payload names the session
//! (`{sessionId, transportId, participantId}`, transports.md §3).
//!
//! The core reads no JSON text, so this is not a JSON parser: it base64-decodes the payload
//! segment (plain or URL-safe alphabet, padding optional) and picks out string claims by name.
//! Ids are plain ASCII strings; anything else, or anything unreadable, gives `None`, never a
//! panic.

/// The ids a `clientToken` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `sessionId`.
    pub session_id: String,
    /// `participantId`.
    pub participant_id: String,
    /// `transportId`.
    pub transport_id: String,
}

/// Reads the claims of `token`; `None` when it is not a JWT with a `sessionId`.
pub fn claims(token: &str) -> Option<Claims> {
    let mut segments = token.split('.');
    let (_header, payload) = (segments.next()?, segments.next()?);
    segments.next()?;
    let json = base64_decode(payload)?;
    // The session id goes into every request's path: only a plain id may (`..` would walk up
    // the URL). The participant id is percent-encoded where it is used, but `.` and `..` stay
    // dot segments, so they are refused too.
    let session_id =
        string_claim(&json, b"sessionId").filter(|s| crate::http::is_url_safe_id(s))?;
    let participant_id = string_claim(&json, b"participantId").unwrap_or_default();
    if participant_id == "." || participant_id == ".." {
        return None;
    }
    Some(Claims {
        session_id,
        participant_id,
        transport_id: string_claim(&json, b"transportId").unwrap_or_default(),
    })
}

/// Whether `text` is shaped like a JWT (three dot-separated segments with a readable payload).
pub fn is_token(text: &str) -> bool {
    claims(text).is_some()
}

/// The value of `"name": "value"` in a flat JSON object text. Ids are plain ASCII: a value with
/// an escape or a non-ASCII byte is not read.
fn string_claim(json: &[u8], name: &[u8]) -> Option<String> {
    let at = json.windows(name.len().checked_add(2)?).position(|w| {
        w.first() == Some(&b'"') && w.last() == Some(&b'"') && w.get(1..w.len() - 1) == Some(name)
    })?;
    let mut rest = json
        .get(at.checked_add(name.len())?.checked_add(2)?..)?
        .iter();
    let mut next = || rest.by_ref().find(|b| !b.is_ascii_whitespace());
    if next()? != &b':' || next()? != &b'"' {
        return None;
    }
    let mut value = String::new();
    for &b in rest {
        match b {
            b'"' => return Some(value),
            b'\\' => return None,
            b if b.is_ascii() => value.push(char::from(b)),
            _ => return None,
        }
    }
    None
}

/// Decodes base64 in either alphabet, with or without padding.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for b in text.trim_end_matches('=').bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6 | u32::from(value)) & 0x00FF_FFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xFF) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the emulator issues: header, plain-base64 payload, signature.
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uSWQiOiJhYmMxMjMiLCJ0cmFuc3BvcnRJZCI6ImVtdWxhdG9yIiwicGFydGljaXBhbnRJZCI6IjEifQ.c2ln";

    #[test]
    fn the_claims_of_an_emulator_token_are_read() {
        assert_eq!(
            claims(TOKEN),
            Some(Claims {
                session_id: "abc123".into(),
                participant_id: "1".into(),
                transport_id: "emulator".into(),
            })
        );
        assert!(is_token(TOKEN));
    }

    #[test]
    fn spaces_and_url_safe_base64_are_accepted() {
        // {"sessionId" : "s-1", "participantId":"7~>"} in URL-safe base64 without padding.
        let payload = "eyJzZXNzaW9uSWQiIDogInMtMSIsICJwYXJ0aWNpcGFudElkIjoiN34-In0";
        let token = crate::http::concat(&["h.", payload, ".s"]);
        let c = claims(&token).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(
            (c.session_id.as_str(), c.participant_id.as_str()),
            ("s-1", "7~>")
        );
    }

    #[test]
    fn ids_that_would_walk_up_a_url_are_refused() {
        for payload in [
            // {"sessionId":"..","participantId":"1"}
            "eyJzZXNzaW9uSWQiOiIuLiIsInBhcnRpY2lwYW50SWQiOiIxIn0=",
            // {"sessionId":"a/b","participantId":"1"}
            "eyJzZXNzaW9uSWQiOiJhL2IiLCJwYXJ0aWNpcGFudElkIjoiMSJ9",
            // {"sessionId":"s1","participantId":".."}
            "eyJzZXNzaW9uSWQiOiJzMSIsInBhcnRpY2lwYW50SWQiOiIuLiJ9",
        ] {
            let token = crate::http::concat(&["h.", payload, ".s"]);
            assert_eq!(claims(&token), None, "{payload}");
        }
    }

    #[test]
    fn garbage_is_not_a_token() {
        for text in [
            "",
            "a",
            "a.b",
            "a.!!!.c",
            "a.bnVsbA.c",
            "a.e30.c",
            "..",
            "a.eyJ9.c",
        ] {
            assert_eq!(claims(text), None, "{text}");
        }
    }
}
