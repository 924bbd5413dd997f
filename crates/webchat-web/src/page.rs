//! Facts about the page the core needs: the `_genesys_*` userData keys of startChat, and the
//! custom headers of configure.

use wasm_bindgen::JsValue;
use webchat_core::{Environment, PageInfo};

use crate::convert::{get, get_string};

/// Names matched in `navigator.userAgent`, most specific first.
const BROWSERS: [(&str, &str); 5] = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
];
const SYSTEMS: [(&str, &str); 6] = [
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Mac OS", "Mac OS"),
    ("Linux", "Linux"),
];

/// Where `needle` first ends in `agent`. A byte-window search: `str::contains` or `split` with a
/// `&str` pattern would link core's two-way searcher and its slicing panics into the bundle.
fn find_end(agent: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    agent
        .as_bytes()
        .windows(n)
        .position(|w| w == needle.as_bytes())
        .map(|at| at + n)
}

fn first_match(agent: &str, table: &[(&str, &str)]) -> String {
    table
        .iter()
        .find(|(needle, _)| find_end(agent, needle).is_some())
        .map_or("Unknown", |(_, name)| name)
        .to_owned()
}

/// Browser "name version" from a user agent, e.g. "Chrome 124".
fn browser(agent: &str) -> String {
    for (needle, name) in BROWSERS {
        if let Some(rest) = find_end(agent, needle).and_then(|at| agent.get(at..)) {
            let end = rest.bytes().position(|b| b == b'.' || b == b' ');
            let major = rest.get(..end.unwrap_or(rest.len())).unwrap_or_default();
            let mut text = String::from(name);
            text.push(' ');
            text.push_str(major);
            return text;
        }
    }
    "Unknown".to_owned()
}

/// The page facts for startChat; `widgets` is `_genesys.widgets`.
pub fn page_info(widgets: &JsValue) -> PageInfo {
    let window = web_sys::window();
    let document = window.as_ref().and_then(|w| w.document());
    let agent = window
        .as_ref()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    PageInfo {
        language: get_string(&get(widgets, "main"), "lang").unwrap_or_else(|| "en".into()),
        url: window
            .as_ref()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default(),
        title: document.as_ref().map(|d| d.title()).unwrap_or_default(),
        referrer: document.as_ref().map(|d| d.referrer()).unwrap_or_default(),
        browser: browser(&agent),
        os: first_match(&agent, &SYSTEMS),
        widgets_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The configure environment: the custom headers ([`custom_headers`]), what the session sink
/// holds (`stored_session`) and, in Engage v3 async mode, the outbox kept apart from it.
pub fn environment(
    widgets: &JsValue,
    ajax: Vec<(String, String)>,
    stored_session: Option<webchat_core::Json>,
    stored_outbox: Option<webchat_core::Json>,
) -> Environment {
    Environment {
        custom_headers: custom_headers(widgets, ajax),
        stored_session,
        stored_outbox,
    }
}

/// The page's custom headers: the static `main.header` pairs, then those set through
/// `App.updateAJAXHeader` (`ajax`), which replace a static one of the same name (any case).
/// Reads page values (getters may run): call with no borrow held.
pub fn custom_headers(widgets: &JsValue, ajax: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut custom_headers = Vec::new();
    let header = get(&get(widgets, "main"), "header");
    for (key, value) in cxbus_web::safe::entries(&header) {
        if let Some(value) = value.as_string() {
            custom_headers.push((key, value));
        }
    }
    for (name, value) in ajax {
        custom_headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        custom_headers.push((name, value));
    }
    custom_headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_and_os_are_read_from_the_user_agent() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        assert_eq!(browser(chrome), "Chrome 124");
        assert_eq!(first_match(chrome, &SYSTEMS), "Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0.1";
        assert_eq!(browser(edge), "Edge 120");
        assert_eq!(first_match(edge, &SYSTEMS), "Windows");
        assert_eq!(browser("curl/8"), "Unknown");
    }
}
