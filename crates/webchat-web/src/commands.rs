//! Decoding bus calls into core [`Command`]s.
//!
//! Plain-data payloads go through [`Command::from_plain`]. The few commands that carry live JS
//! values (RegExps, `File`s, an element, a function) are inspected here; the live values are kept
//! beside the call as an [`Extra`] for the effects that need them later.

use cxbus_web::safe;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Element, File, FileList, HtmlInputElement};
use webchat_core::{Command, FileInfo, FiltersArg, PreprocessorArg, PreviewInput};

use crate::convert::{Refused, get, to_json};
use crate::matcher::pattern_of;
use crate::page::page_info;
use crate::preview::text_field;

/// Live values a call carries besides its decoded command.
#[derive(Default)]
pub enum Extra {
    /// Nothing.
    #[default]
    None,
    /// sendFile's files, in order.
    Files(Vec<File>),
    /// registerPreProcessor's function.
    Function(Function),
    /// registerTypingPreviewInput's field.
    Input(Element),
}

/// Decodes `name` with payload `data`; `widgets` is `_genesys.widgets` (for startChat's page
/// facts). `Ok(None)` for a name that is not a WebChatService command, [`Refused`] for data
/// too deep or too large to take in.
pub fn decode(
    name: &str,
    data: &JsValue,
    widgets: &JsValue,
) -> Result<Option<(Command, Extra)>, Refused> {
    let none = |c| Ok(Some((c, Extra::None)));
    match name {
        "startChat" => none(Command::StartChat {
            data: to_json(data)?,
            page: page_info(widgets),
        }),
        "sendFilteredMessage" => none(Command::SendFilteredMessage {
            message: to_json(&get(data, "message"))?,
            regex: pattern_of(&get(data, "regex")),
        }),
        "addPrefilter" => none(Command::AddPrefilter(filters(&get(data, "filters")))),
        "sendFile" => {
            let files = files(&get(data, "files"));
            let info = files.as_ref().map(|list| {
                list.iter()
                    .map(|f| FileInfo {
                        name: f.name(),
                        size: f.size() as u64,
                        mime: f.type_(),
                    })
                    .collect()
            });
            Ok(Some((
                Command::SendFile(info),
                Extra::Files(files.unwrap_or_default()),
            )))
        }
        "registerTypingPreviewInput" => match text_field(&get(data, "input")) {
            Some(el) => Ok(Some((
                Command::RegisterTypingPreviewInput(PreviewInput::TextField),
                Extra::Input(el),
            ))),
            None => none(Command::RegisterTypingPreviewInput(PreviewInput::Invalid)),
        },
        "registerPreProcessor" => {
            let f = get(data, "preprocessor");
            match f.dyn_into::<Function>() {
                Ok(f) => Ok(Some((
                    Command::RegisterPreProcessor(PreprocessorArg::Function),
                    Extra::Function(f),
                ))),
                Err(other) => none(Command::RegisterPreProcessor(
                    PreprocessorArg::NotFunction {
                        type_name: other.js_typeof().as_string().unwrap_or_default(),
                    },
                )),
            }
        }
        _ => Ok(Command::from_plain(name, to_json(data)?).map(|c| (c, Extra::None))),
    }
}

/// addPrefilter's `filters`: one RegExp, or an array of nothing but RegExps.
fn filters(value: &JsValue) -> FiltersArg {
    if let Some(p) = pattern_of(value) {
        return FiltersArg::One(p);
    }
    if !safe::is_array(value) {
        return FiltersArg::Invalid;
    }
    let patterns: Option<Vec<_>> = safe::items(value).iter().map(pattern_of).collect();
    patterns.map_or(FiltersArg::Invalid, FiltersArg::Many)
}

/// sendFile's `files`: a file input, a `File`, a `FileList`, an array of `File`s, or a
/// jQuery-like wrapper of a file input. `None` for anything else.
fn files(value: &JsValue) -> Option<Vec<File>> {
    if !safe::inspectable(value) {
        return None;
    }
    if let Some(f) = value.dyn_ref::<File>() {
        return Some(vec![f.clone()]);
    }
    if let Some(list) = value.dyn_ref::<FileList>() {
        return Some(list_files(list));
    }
    if let Some(input) = value.dyn_ref::<HtmlInputElement>() {
        return input.files().map(|l| list_files(&l));
    }
    if safe::is_array(value) {
        return safe::items(value)
            .into_iter()
            .map(|v| {
                safe::inspectable(&v)
                    .then(|| v.dyn_into::<File>().ok())
                    .flatten()
            })
            .collect();
    }
    let first = get(value, "0");
    if first.is_instance_of::<HtmlInputElement>() {
        return files(&first);
    }
    None
}

fn list_files(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
