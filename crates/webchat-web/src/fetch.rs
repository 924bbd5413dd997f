//! HTTP for the core's requests: `fetch` with `ajaxTimeout` through `AbortSignal.timeout`,
//! form bodies as `application/x-www-form-urlencoded`, multipart through `FormData` with the
//! customer's real `File` objects, and file downloads saved through a temporary link.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
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
    signal: AbortSignal,
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
                for (k, v) in fields {
                    params.append(k, v);
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
    let signal = AbortSignal::timeout_with_u32(ms);
    init.set_signal(Some(&signal));
    Prepared {
        url: request.url.clone(),
        init,
        signal,
    }
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, so it works in windows and workers alike.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;
}

fn failure(signal: &AbortSignal) -> HttpOutcome {
    if signal.aborted() {
        HttpOutcome::Timeout
    } else {
        HttpOutcome::NetworkError
    }
}

async fn respond(p: &Prepared) -> Result<Response, HttpOutcome> {
    let response = JsFuture::from(global_fetch(&p.url, &p.init))
        .await
        .map_err(|_| failure(&p.signal))?;
    response
        .dyn_into::<Response>()
        .map_err(|_| HttpOutcome::NetworkError)
}

/// An answer's text, with `JSON.parse`'s reading of it when it is JSON.
fn read_body(text: String) -> ResponseBody {
    let json = convert::parse(&text);
    ResponseBody { text, json }
}

/// Sends the request; the answer's text is read whatever the status.
pub async fn send(p: Prepared) -> HttpOutcome {
    let response = match respond(&p).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    match text {
        Ok(body) => HttpOutcome::Response {
            status,
            body: read_body(body.as_string().unwrap_or_default()),
        },
        Err(_) => failure(&p.signal),
    }
}

/// Fetches a file and saves it as `file_name` (a temporary `<a download>` link). Answers the
/// status with an empty body, as the core only needs to know it worked.
pub async fn download(p: Prepared, file_name: String) -> HttpOutcome {
    let response = match respond(&p).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let status = response.status();
    if !response.ok() {
        let body = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok(),
            Err(_) => None,
        };
        return HttpOutcome::Response {
            status,
            body: read_body(body.and_then(|b| b.as_string()).unwrap_or_default()),
        };
    }
    let blob = match response.blob() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    match blob.ok().and_then(|b| b.dyn_into::<Blob>().ok()) {
        Some(blob) => {
            save(&blob, &file_name);
            HttpOutcome::Response {
                status,
                body: ResponseBody::default(),
            }
        }
        None => failure(&p.signal),
    }
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
    // The download has taken its reference to the blob; a second later the URL can go.
    let revoke = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 1000);
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(revoke).await;
        let _ = Url::revoke_object_url(&url);
    });
}
