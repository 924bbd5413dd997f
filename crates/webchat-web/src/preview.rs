//! The typing-preview input of registerTypingPreviewInput: an `input` listener on a textarea or
//! text input, owned by [`PreviewWatcher`], whose `Drop` removes it.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

use crate::convert::get;

/// `<input type=…>` types that hold free text.
const TEXT_TYPES: [&str; 6] = ["text", "search", "email", "url", "tel", ""];

/// The text field a registerTypingPreviewInput `input` designates: an element, or a jQuery-like
/// wrapper whose first item is one.
pub fn text_field(input: &JsValue) -> Option<Element> {
    use cxbus_web::safe::inspectable;
    if !inspectable(input) {
        return None;
    }
    let element = match input.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => Some(get(input, "0"))
            .filter(inspectable)?
            .dyn_into::<Element>()
            .ok()?,
    };
    let ok = element.is_instance_of::<HtmlTextAreaElement>()
        || element
            .dyn_ref::<HtmlInputElement>()
            .is_some_and(|i| TEXT_TYPES.contains(&i.type_().to_ascii_lowercase().as_str()));
    ok.then_some(element)
}

/// The current text of a field found by [`text_field`].
fn value_of(element: &Element) -> String {
    if let Some(t) = element.dyn_ref::<HtmlTextAreaElement>() {
        t.value()
    } else if let Some(i) = element.dyn_ref::<HtmlInputElement>() {
        i.value()
    } else {
        String::new()
    }
}

/// Watches one field; every edit calls `on_key` with the field's text.
pub struct PreviewWatcher {
    element: Element,
    listener: Closure<dyn FnMut()>,
}

impl PreviewWatcher {
    /// Starts watching `element`.
    pub fn new(element: Element, on_key: impl Fn(String) + 'static) -> Self {
        let target = element.clone();
        let listener = Closure::<dyn FnMut()>::new(move || on_key(value_of(&target)));
        let _ =
            element.add_event_listener_with_callback("input", listener.as_ref().unchecked_ref());
        Self { element, listener }
    }
}

impl Drop for PreviewWatcher {
    fn drop(&mut self) {
        let _ = self
            .element
            .remove_event_listener_with_callback("input", self.listener.as_ref().unchecked_ref());
    }
}
