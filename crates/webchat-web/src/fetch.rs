//! HTTP for the core's requests: `fetch` with `ajaxTimeout` through `AbortSignal.timeout` (or,
//! where that does not exist, as in Safari before 16, an `AbortController` and a timer),
//! form bodies as `application/x-www-form-urlencoded`, multipart through `FormData` with the
//! customer's real `File` objects, and file downloads saved through a temporary link.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::{
    AbortSignal, Blob, File, FormData, Headers, HtmlAnchorElement, RequestCredentials, RequestInit,
    Response, Url, UrlSearchParams,
};
use webchat_core::{Body, HttpOutcome, HttpRequest, Part, ResponseBody};

use crate::convert;

/// Looks up the `index`-th file kept for a sendFile command.
pub type FileLookup<'a> = &'a dyn Fn(webchat_core::CommandId, usize) -> Option<File>;

/// A request ready to go: everything JS-side is built before the async part starts.
pub struct Prepared {
    url: String,
    init: RequestInit,
    signal: Option<AbortSignal>,
}

/// Builds the `fetch` arguments for `request`; `files` supplies multipart file parts.
pub fn prepare(request: &HttpRequest, files: FileLookup<'_>) -> Prepared {
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_credentials(if request.with_credentials {
        RequestCredentials::Include
    } else {
        RequestCredentials::SameOrigin
    });
    let headers = Headers::new().ok();
    if let Some(h) = &headers {
        for (name, value) in &request.headers {
            let _ = h.append(name, value);
        }
    }
    match &request.body {
        Body::Empty => {}
        Body::Form(fields) => {
            if let Ok(params) = UrlSearchParams::new() {
                let form = params.unchecked_ref::<Params>();
                for (k, v) in fields {
                    // A throw (page code replaced `append`) drops the field: the server then
                    // refuses the request, which fails the command instead of stalling it.
                    let _ = form.append(k, v);
                }
                init.set_body(&params);
            }
        }
        Body::Multipart(parts) => {
            if let Ok(form) = FormData::new() {
                for part in parts {
                    let _ = match part {
                        Part::Text { name, value } => form.append_with_str(name, value),
                        Part::File {
                            name,
                            command,
                            file_index,
                        } => match files(*command, *file_index) {
                            Some(file) => {
                                form.append_with_blob_and_filename(name, &file, &file.name())
                            }
                            None => Ok(()),
                        },
                    };
                }
                init.set_body(&form);
            }
        }
        Body::Json(value) => {
            if let Some(h) = &headers {
                let _ = h.set("Content-Type", "application/json");
            }
            init.set_body(&JsValue::from_str(&convert::stringify(value)));
        }
    }
    if let Some(h) = &headers {
        init.set_headers(h);
    }
    let ms = u32::try_from(request.timeout_ms).unwrap_or(u32::MAX).max(1);
    let signal = timeout_signal(ms);
    init.set_signal(signal.as_ref());
    Prepared {
        url: request.url.clone(),
        init,
        signal,
    }
}

/// A signal that aborts after `ms`: `AbortSignal.timeout` where it exists, else an
/// `AbortController` aborted by a timer (which always fires, so its callback is freed).
fn timeout_signal(ms: u32) -> Option<AbortSignal> {
    if let Ok(signal) = abort_signal_timeout(ms) {
        return Some(signal);
    }
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    let abort = Closure::once_into_js(move || controller.abort());
    let _ = set_timeout(&abort, ms);
    Some(signal)
}

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`; throws where it does not exist.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_signal_timeout(ms: u32) -> Result<AbortSignal, JsValue>;

    /// The global `setTimeout`.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: u32) -> Result<JsValue, JsValue>;

    /// The global `fetch`, so it works in windows and workers alike. Page code may have replaced
    /// it with one that throws.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;

    /// `URLSearchParams`, seen only through `append`, which page code may have replaced.
    type Params;

    #[wasm_bindgen(method, catch)]
    fn append(this: &Params, name: &str, value: &str) -> Result<(), JsValue>;

    /// A promise, seen only through `then`.
    type Thenable;

    /// `promise.then(callback, callback)`: one function for both outcomes.
    /// Page code may have replaced `Promise.prototype.then` with one that throws.
    #[wasm_bindgen(method, catch, js_name = then)]
    fn then_either(
        this: &Thenable,
        on_fulfilled: &JsValue,
        on_rejected: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// Calls `then` once with what `promise` fulfils or rejects with. One self-freeing callback
/// serves both outcomes, because exactly one of them happens; the caller tells them apart by
/// type (a fetch resolves to a `Response`, `text()` to a string, `blob()` to a `Blob`, and
/// rejections are errors). No futures executor is needed in the bundle.
/// If `then` itself throws, the callback gets that error at once (a failure), so the request
/// still finishes exactly once.
/// Not generic (`then` is boxed): one copy of the JS callback's glue for every caller
/// (docs/size.md).
fn settle(promise: &Promise, then: Box<dyn FnOnce(JsValue)>) {
    let callback = Closure::once_into_js(then);
    let thenable = promise.unchecked_ref::<Thenable>();
    if let Err(error) = thenable.then_either(&callback, &callback) {
        let _ = callback
            .unchecked_ref::<js_sys::Function>()
            .call1(&JsValue::UNDEFINED, &error);
    }
}

fn failure(signal: &Option<AbortSignal>) -> HttpOutcome {
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        HttpOutcome::Timeout
    } else {
        HttpOutcome::NetworkError
    }
}

/// Fetches, then calls `then` with the `Response`, or `done` with the failure.
fn respond(
    p: Prepared,
    done: impl FnOnce(HttpOutcome) + 'static,
    then: impl FnOnce(Response, Option<AbortSignal>, Box<dyn FnOnce(HttpOutcome)>) + 'static,
) {
    let signal = p.signal;
    let Ok(promise) = global_fetch(&p.url, &p.init) else {
        return done(HttpOutcome::NetworkError);
    };
    settle(
        &promise,
        Box::new(move |value| match value.dyn_into::<Response>() {
            Ok(response) => then(response, signal, Box::new(done)),
            Err(_) => done(failure(&signal)),
        }),
    );
}

/// Reads the answer's text and calls `done` with `status` and it.
fn read_text(
    response: &Response,
    status: u16,
    signal: Option<AbortSignal>,
    done: Box<dyn FnOnce(HttpOutcome)>,
) {
    let retry_after_s = retry_after(response);
    match response.text() {
        Ok(promise) => settle(
            &promise,
            Box::new(move |text| match text.as_string() {
                Some(text) => done(HttpOutcome::Response {
                    status,
                    body: ResponseBody {
                        retry_after_s,
                        ..read_body(text)
                    },
                }),
                None => done(failure(&signal)),
            }),
        ),
        Err(_) => done(failure(&signal)),
    }
}

/// An answer's text, with `JSON.parse`'s reading of it when it is JSON.
fn read_body(text: String) -> ResponseBody {
    let json = convert::parse(&text);
    ResponseBody {
        text,
        json,
        retry_after_s: None,
    }
}

/// The `Retry-After` of a 429 or 503 in whole seconds (the outbox waits that long); an HTTP
/// date, or a header the page cannot read (cross-origin without `Access-Control-Expose-Headers`),
/// is `None`.
fn retry_after(response: &Response) -> Option<u64> {
    if !matches!(response.status(), 429 | 503) {
        return None;
    }
    let value = response.headers().get("retry-after").ok().flatten()?;
    let digits = value.trim();
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.bytes().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// Sends the request and calls `done` once with the outcome; the answer's text is read whatever
/// the status.
pub fn send(p: Prepared, done: impl FnOnce(HttpOutcome) + 'static) {
    respond(p, done, |response, signal, done| {
        read_text(&response, response.status(), signal, done);
    });
}

/// Fetches a file and saves it as `file_name` (a temporary `<a download>` link), then calls
/// `done` with the status and an empty body, as the core only needs to know it worked. A failed
/// status answers with the server's text instead.
pub fn download(p: Prepared, file_name: String, done: impl FnOnce(HttpOutcome) + 'static) {
    respond(p, done, move |response, signal, done| {
        let status = response.status();
        if !response.ok() {
            return read_text(&response, status, signal, done);
        }
        match response.blob() {
            Ok(promise) => settle(
                &promise,
                Box::new(move |blob| match blob.dyn_into::<Blob>() {
                    Ok(blob) => {
                        save(&blob, &file_name);
                        done(HttpOutcome::Response {
                            status,
                            body: ResponseBody::default(),
                        });
                    }
                    Err(_) => done(failure(&signal)),
                }),
            ),
            Err(_) => done(failure(&signal)),
        }
    });
}

/// Offers `blob` to the user as a download named `file_name`.
fn save(blob: &Blob, file_name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a")
        && let Ok(a) = a.dyn_into::<HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    // The download has taken its reference to the blob; a second later the URL can go. The
    // timeout always fires, so the self-freeing callback is freed.
    if let Some(w) = web_sys::window() {
        let revoke = Closure::once_into_js(move || {
            let _ = Url::revoke_object_url(&url);
        });
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
}
