//! Lenient form parsing: query string plus `application/x-www-form-urlencoded` body, with
//! bracket-encoded nesting (`userData[key]=value`, `data[userData][key]=value`).

use std::collections::BTreeMap;

/// Decoded fields, in arrival order; body fields come after (and win over) query fields.
#[derive(Debug, Default, Clone)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// Parses a query string and a body. Never fails: bytes that are not a form are ignored.
    pub fn parse(query: Option<&str>, body: &[u8]) -> Self {
        let mut fields: Vec<(String, String)> = Vec::new();
        if let Some(query) = query {
            fields.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
        }
        fields.extend(form_urlencoded::parse(body).into_owned());
        FormFields(fields)
    }

    /// Builds fields from pairs (multipart text parts).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        FormFields(pairs)
    }

    /// The fields as pairs, in arrival order.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }

    /// Appends `other`'s fields, which then win over these.
    pub fn extend(&mut self, other: FormFields) {
        self.0.extend(other.0);
    }

    /// The last value of a field, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a field, or `""`.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// A field parsed as a number, if present and numeric.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// Every `prefix[key]=value` field as `key → value` (`key` may itself contain brackets).
    pub fn bracketed(&self, prefix: &str) -> BTreeMap<String, String> {
        let open = format!("{prefix}[");
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let inner = k.strip_prefix(&open)?;
                let close = inner.find(']')?;
                let (key, rest) = inner.split_at(close);
                // `prefix[a][b]` keeps `a][b` flattened to `a[b]` so nested keys stay distinct.
                let rest = &rest[1..];
                Some((format!("{key}{rest}"), v.clone()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_fields_win_over_query_fields() {
        let f = FormFields::parse(Some("a=1&b=2"), b"a=3");
        assert_eq!(f.get("a"), Some("3"));
        assert_eq!(f.get("b"), Some("2"));
        assert_eq!(f.get("c"), None);
    }

    #[test]
    fn bracketed_fields_become_a_map() {
        let f = FormFields::parse(
            None,
            b"userData%5BGCTI_LanguageCode%5D=en&userData[x]=a+b&nickname=N",
        );
        let m = f.bracketed("userData");
        assert_eq!(m["GCTI_LanguageCode"], "en");
        assert_eq!(m["x"], "a b");
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn nested_brackets_are_reachable_in_two_steps() {
        let f = FormFields::parse(None, b"data[userData][k]=v&data[email]=e%40x.io");
        let data = f.bracketed("data");
        assert_eq!(data["email"], "e@x.io");
        assert_eq!(data["userData[k]"], "v");
        let inner = FormFields::from_pairs(data.into_iter().collect()).bracketed("userData");
        assert_eq!(inner["k"], "v");
    }

    #[test]
    fn garbage_bodies_do_not_fail() {
        let f = FormFields::parse(Some("%%%"), &[0xff, 0xfe, b'=', b'&']);
        assert_eq!(f.number("x"), None);
        assert_eq!(f.text("x"), "");
    }
}
