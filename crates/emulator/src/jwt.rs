//! Tokens shaped like JWTs (Genesys Cloud `jwt`, Engage v3 `clientToken`).
//!
//! The emulator checks a token by comparing it with the one it issued, so the signature is random
//! bytes. The payload segment is laid out so that it is plain base64 too (no `-`, `_`, `+`, `/` or
//! padding): the v3 client decodes it with `atob`.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// Issues a token whose payload holds these string claims.
pub fn issue(claims: &[(&str, &str)]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = clean_payload(claims);
    let signature = URL_SAFE_NO_PAD.encode(crate::ids::hex(32));
    format!("{header}.{payload}.{signature}")
}

/// Decodes the payload claims of a token; `None` if it is not shaped like a JWT.
pub fn claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .or_else(|| STANDARD.decode(payload).ok())?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Encodes the claims as JSON, trying whitespace layouts until the base64 is free of the characters
/// that differ between base64 and base64url, and needs no padding.
fn clean_payload(claims: &[(&str, &str)]) -> String {
    let gaps = claims.len() + 1;
    let layouts = 3usize.pow(u32::try_from(gaps).unwrap_or(1));
    let mut first = None;
    for layout in 0..layouts {
        let json = layout_json(claims, layout);
        let encoded = STANDARD.encode(json.as_bytes());
        if !encoded.contains(['+', '/', '=']) {
            return encoded;
        }
        first.get_or_insert(json);
    }
    URL_SAFE_NO_PAD.encode(first.unwrap_or_default())
}

/// The JSON object with 0–2 spaces in each gap, chosen by the base-3 digits of `layout`.
fn layout_json(claims: &[(&str, &str)], mut layout: usize) -> String {
    let mut spaces = || {
        let n = layout % 3;
        layout /= 3;
        " ".repeat(n)
    };
    let mut json = String::from("{");
    for (i, (key, value)) in claims.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&spaces());
        json.push_str(&serde_json::Value::from(*key).to_string());
        json.push(':');
        json.push_str(&serde_json::Value::from(*value).to_string());
    }
    json.push_str(&spaces());
    json.push('}');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_plain_base64_and_round_trips() {
        for n in 0..50 {
            let sid = crate::ids::hex(8);
            let participant = n.to_string();
            let token = issue(&[
                ("sessionId", &sid),
                ("transportId", "emulator"),
                ("participantId", &participant),
            ]);
            let payload = token.split('.').nth(1).unwrap();
            assert!(!payload.contains(['-', '_', '+', '/', '=']), "{payload}");
            assert_eq!(
                STANDARD.decode(payload).unwrap(),
                URL_SAFE_NO_PAD.decode(payload).unwrap()
            );
            let claims = claims(&token).unwrap();
            assert_eq!(claims["sessionId"], sid.as_str());
            assert_eq!(claims["participantId"], participant.as_str());
        }
    }

    #[test]
    fn garbage_has_no_claims() {
        assert!(claims("nope").is_none());
        assert!(claims("a.!!!.c").is_none());
        assert!(claims("a.bnVsbA.c").is_none());
    }
}
