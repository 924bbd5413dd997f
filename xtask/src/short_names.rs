//! Short import and export names for a bundle's wasm and its wasm-bindgen glue.
//!
//! wasm-bindgen names every import after the JS method and a 16-hex-digit hash
//! (`__wbg_set_onmessage_26abc49cfa5f9ffc`, module `./widgets_bg.js`) and every export after the
//! Rust item (`runtime_registerCommand`). Both files carry each name in full: the wasm in its
//! import and export sections, the glue as the keys of its import object and in `wasm.<export>`
//! calls. The hashes do not compress, so these names cost about 5.6 KB gzip on a chat bundle
//! (docs/size.md).
//!
//! [`shorten`] renames them all after `wasm-opt` (module `a`, imports and exports `a`, `b`, …,
//! `aa`, …) and rewrites the glue to match. Imports from other modules (JS snippets the glue
//! imports whole) keep their names, which are the snippets' own export names. Nothing else
//! changes: the shim only uses the glue's own JS exports (`default`, `start`, `DeferredCell`,
//! `ChatServiceSession`), which keep their names. The glue is checked after the rewrite: every
//! old name must have been found where it is expected and must be gone, so a change in
//! wasm-bindgen's glue fails the build instead of shipping a broken pair.

use crate::util::{Res, fail};

/// The module of the imports that wasm-bindgen's glue defines in its own import object.
const GLUE_MODULE: &str = "./widgets_bg.js";

/// One renamed name: what wasm-bindgen called it and what the bundle calls it now.
struct Renamed {
    old: String,
    new: String,
}

/// Everything renamed in one module.
struct Renames {
    /// Import module names: `./widgets_bg.js` only.
    modules: Vec<Renamed>,
    /// Import field names.
    imports: Vec<Renamed>,
    /// Export names.
    exports: Vec<Renamed>,
}

/// Renames the imports and exports of `wasm` and rewrites `glue` (wasm-bindgen's `--target web`
/// output, before minification) to match. Returns the new wasm and glue.
pub(crate) fn shorten(wasm: &[u8], glue: &str) -> Res<(Vec<u8>, String)> {
    let (wasm, renames) = rename_wasm(wasm)?;
    let glue = rewrite_glue(glue, &renames)?;
    Ok((wasm, glue))
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then two letters and so on. Letters only, so each is a
/// valid identifier and property name.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// A reader over a wasm byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Res<u8> {
        match self.bytes.get(self.at) {
            Some(&b) => {
                self.at += 1;
                Ok(b)
            }
            None => fail("short_names: the wasm ends inside a section"),
        }
    }

    fn leb(&mut self) -> Res<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift > 63 {
                return fail("short_names: a LEB128 number in the wasm is too long");
            }
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        match self.bytes.get(self.at..self.at.saturating_add(n)) {
            Some(s) => {
                self.at += n;
                Ok(s)
            }
            None => fail("short_names: the wasm ends inside a section"),
        }
    }

    fn name(&mut self) -> Res<String> {
        let len = usize::try_from(self.leb()?).unwrap_or(usize::MAX);
        match std::str::from_utf8(self.take(len)?) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => fail("short_names: a name in the wasm is not UTF-8"),
        }
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

fn put_leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

/// Copies the part of an import's description after its kind byte (a function's type index, a
/// table's or memory's limits, a global's type, a tag's type).
fn copy_import_desc(r: &mut Reader<'_>, kind: u8, out: &mut Vec<u8>) -> Res {
    let start = r.at;
    match kind {
        0 => {
            r.leb()?;
        }
        1 => {
            let reftype = r.byte()?;
            if reftype == 0x63 || reftype == 0x64 {
                r.leb()?; // heap type (typed references)
            }
            limits(r)?;
        }
        2 => limits(r)?,
        3 => {
            let valtype = r.byte()?;
            if valtype == 0x63 || valtype == 0x64 {
                r.leb()?;
            }
            r.byte()?; // mutability
        }
        4 => {
            r.byte()?; // attribute
            r.leb()?;
        }
        other => {
            return fail(format!(
                "short_names: unknown import kind {other} in the wasm"
            ));
        }
    }
    out.extend_from_slice(&r.bytes[start..r.at]);
    Ok(())
}

fn limits(r: &mut Reader<'_>) -> Res {
    let flags = r.byte()?;
    r.leb()?;
    if flags & 1 != 0 {
        r.leb()?;
    }
    Ok(())
}

/// Returns the wasm with short import modules, import names and export names.
fn rename_wasm(wasm: &[u8]) -> Res<(Vec<u8>, Renames)> {
    let Some(header) = wasm.get(..8) else {
        return fail("short_names: the wasm has no header");
    };
    let mut out = header.to_vec();
    let mut r = Reader { bytes: wasm, at: 8 };
    let mut renames = Renames {
        modules: Vec::new(),
        imports: Vec::new(),
        exports: Vec::new(),
    };
    while !r.done() {
        let id = r.byte()?;
        let len = usize::try_from(r.leb()?).unwrap_or(usize::MAX);
        let body = r.take(len)?;
        let body = match id {
            2 => rename_imports(body, &mut renames)?,
            7 => rename_exports(body, &mut renames)?,
            _ => body.to_vec(),
        };
        out.push(id);
        put_leb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    Ok((out, renames))
}

fn rename_imports(body: &[u8], renames: &mut Renames) -> Res<Vec<u8>> {
    let mut r = Reader { bytes: body, at: 0 };
    let count = r.leb()?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        let module = r.name()?;
        let field = r.name()?;
        if module != GLUE_MODULE {
            // A JS module's own exports (`#[wasm_bindgen(module = ...)]` that wasm-bindgen did not
            // wrap), imported by the glue as `import * as`: their names are the JS names.
            put_name(&mut out, &module);
            put_name(&mut out, &field);
        } else {
            if renames.modules.is_empty() {
                renames.modules.push(Renamed {
                    old: module,
                    new: short_name(0),
                });
            }
            let new_field = short_name(renames.imports.len());
            put_name(&mut out, &short_name(0));
            put_name(&mut out, &new_field);
            renames.imports.push(Renamed {
                old: field,
                new: new_field,
            });
        }
        let kind = r.byte()?;
        out.push(kind);
        copy_import_desc(&mut r, kind, &mut out)?;
    }
    if !r.done() {
        return fail("short_names: the import section has bytes after its last import");
    }
    Ok(out)
}

fn rename_exports(body: &[u8], renames: &mut Renames) -> Res<Vec<u8>> {
    let mut r = Reader { bytes: body, at: 0 };
    let count = r.leb()?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        let name = r.name()?;
        let kind = r.byte()?;
        let index = r.leb()?;
        let new = short_name(renames.exports.len());
        put_name(&mut out, &new);
        out.push(kind);
        put_leb(&mut out, index);
        renames.exports.push(Renamed { old: name, new });
    }
    if !r.done() {
        return fail("short_names: the export section has bytes after its last export");
    }
    Ok(out)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Replaces every occurrence of `prefix` + `old` in `text` that is not followed by an identifier
/// character (and, when `prefix` is empty, not preceded by one) with `prefix` + `new`; returns
/// how many were replaced.
fn replace_word(text: &mut String, prefix: &str, old: &str, new: &str) -> usize {
    let needle = format!("{prefix}{old}");
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut count = 0;
    let mut from = 0;
    while let Some(pos) = text[from..].find(&needle).map(|p| p + from) {
        let end = pos + needle.len();
        let before_ok = !prefix.is_empty() || pos == 0 || !is_ident_byte(bytes[pos - 1]);
        let after_ok = bytes.get(end).is_none_or(|&b| !is_ident_byte(b));
        if before_ok && after_ok {
            out.push_str(&text[last..pos]);
            out.push_str(prefix);
            out.push_str(new);
            last = end;
            count += 1;
        }
        from = end;
    }
    out.push_str(&text[last..]);
    *text = out;
    count
}

/// Rewrites the glue: import object keys, the import module keys and `wasm.<export>` uses.
fn rewrite_glue(glue: &str, renames: &Renames) -> Res<String> {
    let mut text = glue.to_string();
    for m in &renames.modules {
        let old = format!("\"{}\":", m.old);
        let new = format!("\"{}\":", m.new);
        if text.matches(&old).count() != 1 {
            return fail(format!(
                "short_names: the glue should name the import module {} once as a key; \
                 did wasm-bindgen's glue change?",
                m.old
            ));
        }
        text = text.replace(&old, &new);
    }
    // Longest first, so that no name is rewritten inside a longer one (whole words only anyway).
    let mut imports: Vec<&Renamed> = renames.imports.iter().collect();
    imports.sort_by_key(|r| std::cmp::Reverse(r.old.len()));
    for i in imports {
        if replace_word(&mut text, "", &i.old, &i.new) != 1 {
            return fail(format!(
                "short_names: the glue should name the import {} exactly once (its key in the \
                 import object); did wasm-bindgen's glue change?",
                i.old
            ));
        }
    }
    for e in &renames.exports {
        replace_word(&mut text, "wasm.", &e.old, &e.new);
        // Every use of an export must be `wasm.<name>`: no other property access or string may
        // name it (the glue's own JS wrapper functions may share a closure export's name; they
        // are local and esbuild renames them).
        let other_use = [".", "\"", "'"]
            .into_iter()
            .any(|p| replace_word(&mut text.clone(), p, &e.old, "") != 0);
        if other_use {
            return fail(format!(
                "short_names: the glue uses the export {} other than as `wasm.{}`; \
                 did wasm-bindgen's glue change?",
                e.old, e.old
            ));
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_unique_letters() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(names[0], "a");
        assert_eq!(names[51], "Z");
        assert_eq!(names[52], "aa");
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic()))
        );
    }

    #[test]
    fn whole_words_only() {
        let mut t = "a.foo_1(x); foo_12; xfoo_1; wasm.foo_1; wasm.foo_1b".to_string();
        assert_eq!(replace_word(&mut t, "", "foo_1", "Z"), 2);
        assert_eq!(t, "a.Z(x); foo_12; xfoo_1; wasm.Z; wasm.foo_1b");
        let mut t = "wasm.memory.buffer; memory; wasm.memoryX".to_string();
        assert_eq!(replace_word(&mut t, "wasm.", "memory", "b"), 1);
        assert_eq!(t, "wasm.b.buffer; memory; wasm.memoryX");
    }

    /// A module with two imports from one module, one memory import and two exports.
    fn tiny_module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // type section: one type () -> ()
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        let mut imports = Vec::new();
        put_leb(&mut imports, 3);
        for (module, field) in [(GLUE_MODULE, "__wbg_f_0123"), ("./snippet.js", "readIt")] {
            put_name(&mut imports, module);
            put_name(&mut imports, field);
            imports.extend_from_slice(&[0, 0]);
        }
        put_name(&mut imports, GLUE_MODULE);
        put_name(&mut imports, "mem");
        imports.extend_from_slice(&[2, 1, 1, 2]);
        m.push(2);
        put_leb(&mut m, imports.len() as u64);
        m.extend_from_slice(&imports);
        let mut exports = Vec::new();
        put_leb(&mut exports, 2);
        put_name(&mut exports, "runtime_go");
        exports.extend_from_slice(&[0, 0]);
        put_name(&mut exports, "memory");
        exports.extend_from_slice(&[2, 0]);
        m.push(7);
        put_leb(&mut m, exports.len() as u64);
        m.extend_from_slice(&exports);
        m
    }

    #[test]
    fn renames_module_and_glue_together() {
        let glue = "import * as s from './snippet.js';\n\
                    const i = { __wbg_f_0123: function() {}, mem: 1 };\n\
                    const o = { \"./widgets_bg.js\": i, \"./snippet.js\": s };\n\
                    wasm.runtime_go(); wasm.memory.buffer;";
        let (wasm, glue) = match shorten(&tiny_module(), glue) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(
            glue,
            "import * as s from './snippet.js';\n\
             const i = { a: function() {}, b: 1 };\n\
             const o = { \"a\": i, \"./snippet.js\": s };\n\
             wasm.a(); wasm.b.buffer;"
        );
        let (again, renames) = match rename_wasm(&wasm) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(again, wasm, "renamed once more, the module is unchanged");
        assert!(
            renames.modules.is_empty(),
            "module `a` is not the glue's any more"
        );
        let wasm_text = String::from_utf8_lossy(&wasm);
        assert!(wasm_text.contains("./snippet.js") && wasm_text.contains("readIt"));
        assert!(!wasm_text.contains("__wbg_f_0123") && !wasm_text.contains("runtime_go"));
    }

    #[test]
    fn a_glue_that_does_not_match_fails() {
        let glue = "const o = { \"./widgets_bg.js\": {} }; wasm.runtime_go();";
        assert!(shorten(&tiny_module(), glue).is_err());
    }
}
