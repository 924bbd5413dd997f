//! A small JSON value, the core's payload type, and the [`json!`](crate::json!) macro that builds
//! one.
//!
//! JSON *text* is read and printed by [`crate::json_text`], for the glue. Numbers are `f64`, as in
//! JavaScript; [`number_text`] prints one the way JavaScript's `String(n)` does, with integer
//! arithmetic only, so the bundle has no float formatter.
//!
//! Objects keep their keys in insertion order, like JavaScript objects; two objects are equal
//! when they hold the same keys with equal values, whatever the order.
//!
//! Values come from outside (command payloads, server answers, storage), so nothing here
//! recurses over them: cloning, comparing and dropping walk an explicit stack, and building an
//! object from many entries or assigning one onto another sorts instead of scanning per key.
//! (The glue also refuses values deeper than it can use, see `webchat_web::convert`.)

use std::ops::Index;

/// A JSON value.
#[derive(Debug, Default)]
pub enum Json {
    /// `null` (also what a missing key reads as through indexing).
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number; JSON has no NaN or infinities.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(Object),
}

/// A JSON object: keys in insertion order, each at most once.
#[derive(Debug, Default)]
pub struct Object(Vec<(String, Json)>);

impl Clone for Object {
    fn clone(&self) -> Self {
        Object(self.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

/// Up to this many keys, objects are merged and compared key by key; above, by sorting.
const SMALL_OBJECT: usize = 16;

static NULL: Json = Json::Null;

impl Object {
    /// An empty object.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, in place when the key exists, else at the end.
    pub fn insert(&mut self, key: impl Into<String>, value: Json) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// Sets `key` to `value` only when the key is not there yet.
    pub fn insert_if_absent(&mut self, key: &str, value: impl FnOnce() -> Json) {
        if self.get(key).is_none() {
            self.0.push((key.to_owned(), value()));
        }
    }

    /// Sets every entry of `other` over this object (`Object.assign`).
    pub fn assign(&mut self, other: &Object) {
        if other.len() <= SMALL_OBJECT {
            for (k, v) in other {
                self.insert(k.as_str(), v.clone());
            }
        } else {
            self.0.extend(other.iter().cloned());
            self.dedupe();
        }
    }

    /// Keeps each key once, at its first position with its last value (what inserting the
    /// entries one by one gives), in O(n log n).
    fn dedupe(&mut self) {
        let order = key_order(&self.0);
        let entries = &mut self.0;
        let mut dropped = vec![false; entries.len()];
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len() && entries[order[end]].0 == entries[order[start]].0 {
                end += 1;
            }
            if end - start > 1 {
                let value = std::mem::take(&mut entries[order[end - 1]].1);
                entries[order[start]].1 = value;
                for &later in &order[start + 1..end] {
                    dropped[later] = true;
                }
            }
            start = end;
        }
        let mut at = 0;
        entries.retain(|_| {
            at += 1;
            !dropped[at - 1]
        });
    }

    /// The entries sorted by key (keys are unique), for comparing large objects.
    fn sorted(&self) -> impl Iterator<Item = &(String, Json)> {
        key_order(&self.0).into_iter().map(|i| &self.0[i])
    }

    /// The entries, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, (String, Json)> {
        self.0.iter()
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// The indices of `entries` ordered by key, equal keys by position. A heap sort: one small
/// function in the bundle instead of the standard library's generic sorts.
fn key_order(entries: &[(String, Json)]) -> Vec<usize> {
    let before = |a: usize, b: usize| (entries[a].0.as_str(), a) < (entries[b].0.as_str(), b);
    let sift = |order: &mut [usize], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && before(order[child], order[child + 1]) {
            child += 1;
        }
        if !before(order[root], order[child]) {
            break;
        }
        order.swap(root, child);
        root = child;
    };
    let mut order: Vec<usize> = (0..entries.len()).collect();
    let n = order.len();
    for start in (0..n / 2).rev() {
        sift(&mut order, start, n);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift(&mut order, 0, end);
    }
    order
}

impl<'a> IntoIterator for &'a Object {
    type Item = &'a (String, Json);
    type IntoIter = std::slice::Iter<'a, (String, Json)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<K: Into<String>> FromIterator<(K, Json)> for Object {
    fn from_iter<I: IntoIterator<Item = (K, Json)>>(iter: I) -> Self {
        let mut o = Object(iter.into_iter().map(|(k, v)| (k.into(), v)).collect());
        o.dedupe();
        o
    }
}

impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        let mut pending = Vec::new();
        Json::pair_objects(&mut pending, self, other) && pending.into_iter().all(|(a, b)| a == b)
    }
}

impl PartialEq for Json {
    /// Structural equality, object keys in any order; iterative, so depth is no risk.
    fn eq(&self, other: &Self) -> bool {
        let mut pending = vec![(self, other)];
        while let Some((a, b)) = pending.pop() {
            let same = match (a, b) {
                (Json::Null, Json::Null) => true,
                (Json::Bool(a), Json::Bool(b)) => a == b,
                (Json::Number(a), Json::Number(b)) => a == b,
                (Json::String(a), Json::String(b)) => a == b,
                (Json::Array(a), Json::Array(b)) => {
                    pending.extend(a.iter().zip(b.iter()));
                    a.len() == b.len()
                }
                (Json::Object(a), Json::Object(b)) => Json::pair_objects(&mut pending, a, b),
                _ => false,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// One container being cloned: what is left to copy and what is copied so far.
enum CloneFrame<'a> {
    Array(std::slice::Iter<'a, Json>, Vec<Json>),
    Object(
        std::slice::Iter<'a, (String, Json)>,
        Vec<(String, Json)>,
        String,
    ),
}

impl Clone for Json {
    /// A deep copy, by an explicit stack.
    fn clone(&self) -> Json {
        if let Some(leaf) = self.shallow_clone() {
            return leaf;
        }
        let mut stack = vec![CloneFrame::open(self)];
        loop {
            let Some(top) = stack.last_mut() else {
                return Json::Null;
            };
            let next = match top {
                CloneFrame::Array(items, _) => items.next(),
                CloneFrame::Object(entries, _, key) => entries.next().map(|(k, v)| {
                    k.clone_into(key);
                    v
                }),
            };
            let done = match next {
                Some(child) => match child.shallow_clone() {
                    Some(leaf) => leaf,
                    None => {
                        stack.push(CloneFrame::open(child));
                        continue;
                    }
                },
                None => match stack.pop() {
                    Some(CloneFrame::Array(_, out)) => Json::Array(out),
                    Some(CloneFrame::Object(_, out, _)) => Json::Object(Object(out)),
                    None => Json::Null,
                },
            };
            match stack.last_mut() {
                Some(CloneFrame::Array(_, out)) => out.push(done),
                Some(CloneFrame::Object(_, out, key)) => out.push((std::mem::take(key), done)),
                None => return done,
            }
        }
    }
}

impl<'a> CloneFrame<'a> {
    fn open(value: &'a Json) -> CloneFrame<'a> {
        match value {
            Json::Object(o) => {
                CloneFrame::Object(o.0.iter(), Vec::with_capacity(o.len()), String::new())
            }
            Json::Array(a) => CloneFrame::Array(a.iter(), Vec::with_capacity(a.len())),
            _ => CloneFrame::Array([].iter(), Vec::new()),
        }
    }
}

impl Drop for Json {
    /// Takes nested containers apart by an explicit stack, so dropping a deep value cannot
    /// overflow the stack.
    fn drop(&mut self) {
        let mut stack = Vec::new();
        match self {
            Json::Array(items) if items.iter().any(Json::is_container) => {
                stack.append(items);
            }
            Json::Object(o) if o.0.iter().any(|(_, v)| v.is_container()) => {
                stack.extend(o.0.drain(..).map(|(_, v)| v));
            }
            _ => return,
        }
        while let Some(mut value) = stack.pop() {
            match &mut value {
                Json::Array(items) => stack.append(items),
                Json::Object(o) => stack.extend(o.0.drain(..).map(|(_, v)| v)),
                _ => {}
            }
            // `value` drops here holding nothing nested.
        }
    }
}

impl Json {
    /// A copy of a scalar or an empty container; `None` for a container with contents.
    fn shallow_clone(&self) -> Option<Json> {
        Some(match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(*b),
            Json::Number(n) => Json::Number(*n),
            Json::String(s) => Json::String(s.clone()),
            Json::Array(a) if a.is_empty() => Json::Array(Vec::new()),
            Json::Object(o) if o.is_empty() => Json::Object(Object::new()),
            _ => return None,
        })
    }

    /// An array or object with contents.
    fn is_container(&self) -> bool {
        match self {
            Json::Array(a) => !a.is_empty(),
            Json::Object(o) => !o.is_empty(),
            _ => false,
        }
    }

    /// Pairs up the values of two objects with the same keys for comparison; `false` when the
    /// keys differ.
    fn pair_objects<'a>(
        pending: &mut Vec<(&'a Json, &'a Json)>,
        a: &'a Object,
        b: &'a Object,
    ) -> bool {
        if a.len() != b.len() {
            return false;
        }
        if a.len() <= SMALL_OBJECT {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => pending.push((v, w)),
                    None => return false,
                }
            }
            return true;
        }
        for (x, y) in a.sorted().zip(b.sorted()) {
            if x.0 != y.0 {
                return false;
            }
            pending.push((&x.1, &y.1));
        }
        true
    }

    /// Takes the value out, leaving `null`: how to move out of a `Json` (which has a `Drop`).
    pub fn take(&mut self) -> Json {
        std::mem::take(self)
    }

    /// The object, moved out; `None` for anything else.
    pub fn into_object(mut self) -> Option<Object> {
        match &mut self {
            Json::Object(o) => Some(std::mem::take(o)),
            _ => None,
        }
    }

    /// `self[key]` for an object; `None` for anything else or a missing key.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number, if this is a whole number that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n))
            .then_some(n as i64)
    }

    /// The number, if this is a non-negative whole number that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&n)).then_some(n as u64)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Json>> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }
}

impl Index<&str> for Json {
    type Output = Json;
    /// `self[key]`, or `null` when there is no such key.
    fn index(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }
}

impl Index<usize> for Json {
    type Output = Json;
    /// `self[i]`, or `null` when this is not an array or `i` is out of range.
    fn index(&self, i: usize) -> &Json {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

macro_rules! eq_via {
    ($($t:ty => |$v:ident| $conv:expr),* $(,)?) => {$(
        impl PartialEq<$t> for Json {
            fn eq(&self, $v: &$t) -> bool {
                *self == $conv
            }
        }
    )*};
}

eq_via! {
    bool => |b| Json::Bool(*b),
    i32 => |n| Json::Number(f64::from(*n)),
    u32 => |n| Json::Number(f64::from(*n)),
    i64 => |n| Json::Number(*n as f64),
    u64 => |n| Json::Number(*n as f64),
    usize => |n| Json::Number(*n as f64),
    f64 => |n| Json::Number(*n),
    str => |s| Json::String(s.to_owned()),
    &str => |s| Json::String((*s).to_owned()),
    String => |s| Json::String(s.clone()),
}

/// Conversion into [`Json`] by reference, as [`json!`](crate::json!) uses it for every value.
pub trait ToJson {
    /// The JSON form.
    fn to_json(&self) -> Json;
}

impl ToJson for Json {
    fn to_json(&self) -> Json {
        self.clone()
    }
}

impl ToJson for Object {
    fn to_json(&self) -> Json {
        Json::Object(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Json {
        Json::String(self.to_owned())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Json {
        Json::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
}

macro_rules! number_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Json {
                Json::Number(*self as f64)
            }
        }
    )*};
}

number_to_json!(i32, i64, u16, u32, u64, usize, f64);

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Json {
        Json::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Json {
        self.as_slice().to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Json {
        (**self).to_json()
    }
}

/// Builds a [`Json`] from JSON-like syntax: `json!({"a": [1, x, null], "b": {"c": y}})`. Keys
/// are string literals; values are `null`, nested `[..]`/`{..}`, or any expression whose type
/// implements [`ToJson`] (taken by reference, as `serde_json::json!` does).
#[macro_export]
macro_rules! json {
    (null) => { $crate::json::Json::Null };
    ([]) => { $crate::json::Json::Array(::std::vec::Vec::new()) };
    ([ $($tt:tt)+ ]) => {
        $crate::json::Json::Array($crate::json!(@array [] () $($tt)+))
    };
    ({}) => { $crate::json::Json::Object($crate::json::Object::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut object = $crate::json::Object::new();
        $crate::json!(@object object $($tt)+);
        $crate::json::Json::Object(object)
    }};
    // Array elements: gather one element's tokens up to a top-level comma.
    (@array [$($done:expr,)*] ($($elem:tt)+) , $($rest:tt)*) => {
        $crate::json!(@array [$($done,)* $crate::json!($($elem)+),] () $($rest)*)
    };
    (@array [$($done:expr,)*] ($($elem:tt)+)) => {
        ::std::vec![$($done,)* $crate::json!($($elem)+)]
    };
    (@array [$($done:expr,)*] ()) => { ::std::vec![$($done,)*] };
    (@array [$($done:expr,)*] ($($elem:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json!(@array [$($done,)*] ($($elem)* $next) $($rest)*)
    };
    // Object entries: `"key": value-tokens` up to a top-level comma.
    (@object $o:ident) => {};
    (@object $o:ident $key:literal : $($rest:tt)+) => {
        $crate::json!(@value $o $key () $($rest)+);
    };
    (@value $o:ident $key:literal ($($val:tt)+) , $($rest:tt)*) => {
        $o.insert($key, $crate::json!($($val)+));
        $crate::json!(@object $o $($rest)*);
    };
    (@value $o:ident $key:literal ($($val:tt)+)) => { $o.insert($key, $crate::json!($($val)+)); };
    (@value $o:ident $key:literal ($($val:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json!(@value $o $key ($($val)* $next) $($rest)*);
    };
    ($other:expr) => { $crate::json::ToJson::to_json(&$other) };
}

/// A number as JavaScript's `String(n)` prints it: whole numbers in full below 10²¹, otherwise
/// the shortest digits that read back as the same number, in plain or exponent notation by
/// JavaScript's rules. Uses integer arithmetic only, so no float formatting enters the bundle.
/// (Below 10⁻¹⁸ or from 10³⁵ up, where exact arithmetic would need more than 128 bits, the
/// digits may differ in the last places; JSON from chat servers never has such numbers.)
pub fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    let mut out = String::from(if n < 0.0 { "-" } else { "" });
    let x = n.abs();
    if x.is_infinite() {
        out.push_str("Infinity");
    } else if x == 0.0 {
        return "0".to_owned();
    } else if x.fract() == 0.0 && x <= 9_007_199_254_740_992.0 {
        // Whole numbers up to 2^53 are exact integers; above, JavaScript too prints the shortest
        // digits (padded with zeros below 10^21), not the exact integer.
        out.push_str(&(x as u64).to_string());
    } else {
        let (digits, exp10) = shortest_digits(x);
        js_layout(&mut out, &digits, exp10);
    }
    out
}

/// Shortest decimal digits `d1 d2 .. dk` and `n` with `x = 0.d1d2..dk × 10^n`, by exact
/// free-format digit generation (Steele & White) in `u128`.
fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    // Exact in u128 for 1e-18 <= x < 1e35; beyond, scale by 10^18 in floating point first.
    let (mut x, mut shift) = (x, 0);
    while x < 1e-18 {
        x *= 1e18;
        shift -= 18;
    }
    while x >= 1e35 {
        x /= 1e18;
        shift += 18;
    }
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let m = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let e = raw_exp - 1075;
    let uneven_gap = m == 1u64 << 52 && raw_exp > 1;
    let even = m.is_multiple_of(2);
    // x = r / s; the rounding interval is (r - m_minus, r + m_plus) / s.
    let (mut r, mut s, mut m_plus, mut m_minus): (u128, u128, u128, u128);
    if e >= 0 {
        let be = 1u128 << e;
        (r, s, m_plus, m_minus) = (u128::from(m) * be * 4, 4, be * 2, be * 2);
    } else {
        (r, s, m_plus, m_minus) = (u128::from(m) * 4, 1u128 << (2 - e), 2, 2);
    }
    if uneven_gap {
        m_minus /= 2;
    }
    let high_reached = |r: u128, m_plus: u128, s: u128| {
        if even {
            r + m_plus >= s
        } else {
            r + m_plus > s
        }
    };
    let mut exp10 = 0;
    while high_reached(r, m_plus, s) {
        s *= 10;
        exp10 += 1;
    }
    while !high_reached(r * 10, m_plus * 10, s) {
        r *= 10;
        m_plus *= 10;
        m_minus *= 10;
        exp10 -= 1;
    }
    let mut digits = Vec::new();
    loop {
        r *= 10;
        m_plus *= 10;
        m_minus *= 10;
        // The next digit, r / s < 10, by subtraction: no 128-bit division in the bundle.
        let mut d = 0u8;
        while r >= s {
            r -= s;
            d += 1;
        }
        let low = if even { r <= m_minus } else { r < m_minus };
        let high = high_reached(r, m_plus, s);
        if !low && !high {
            digits.push(d);
            continue;
        }
        if high && (!low || r * 2 > s || (r * 2 == s && d % 2 == 1)) {
            d += 1;
        }
        digits.push(d);
        break;
    }
    (digits, exp10 + shift)
}

/// Appends `0.digits × 10^n` laid out as ECMAScript `Number::toString` does.
fn js_layout(out: &mut String, digits: &[u8], n: i32) {
    let k = digits.len() as i32;
    let digit = |i: usize| char::from(b'0' + digits.get(i).copied().unwrap_or(0));
    if (-6 < n) && n <= 21 {
        // Plain notation: "ddd000", "dd.ddd" or "0.000ddd".
        if n <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', n.unsigned_abs() as usize));
        }
        for i in 0..k.max(n) {
            if i == n && n > 0 {
                out.push('.');
            }
            out.push(digit(i as usize));
        }
    } else {
        // Exponent notation: "d.ddde+nn".
        out.push(digit(0));
        if k > 1 {
            out.push('.');
            out.extend((1..k as usize).map(digit));
        }
        out.push_str(if n > 0 { "e+" } else { "e-" });
        out.push_str(&(n - 1).unsigned_abs().to_string());
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Test-only bridges to `serde_json`, for fixtures written as JSON text.

    use super::Json;

    /// `serde_json`'s value as ours.
    pub fn from_serde(v: &serde_json::Value) -> Json {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Json::String(s.clone()),
            serde_json::Value::Array(a) => Json::Array(a.iter().map(from_serde).collect()),
            serde_json::Value::Object(m) => {
                Json::Object(m.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
            }
        }
    }

    /// Ours as `serde_json`'s value.
    pub fn to_serde(v: &Json) -> serde_json::Value {
        match v {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => (*n as i64).into(),
            Json::Number(n) => (*n).into(),
            Json::String(s) => s.clone().into(),
            Json::Array(a) => a.iter().map(to_serde).collect(),
            Json::Object(o) => {
                serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect())
            }
        }
    }

    /// JSON text as the glue would hand it over (`JSON.parse`); `None` when it is not JSON.
    pub fn parse(text: &str) -> Option<Json> {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .map(|v| from_serde(&v))
    }

    /// An answer's body as the glue hands it over: the text, parsed when it is JSON.
    pub fn body(text: &str) -> crate::http::ResponseBody {
        crate::http::ResponseBody {
            text: text.to_owned(),
            json: parse(text),
            retry_after_s: None,
        }
    }

    /// The text `JSON.stringify` would give (keys sorted, as `serde_json` prints them).
    pub fn text(v: &Json) -> String {
        to_serde(v).to_string()
    }

    impl std::fmt::Display for Json {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&text(self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_builds_nested_values_with_expressions() {
        let x = 3;
        let name = String::from("n");
        let v = json!({"a": [1, x + 1, null, "s"], "b": {"c": name, "d": -2.5}, "e": Some(true),});
        assert_eq!(v["a"][1], 4);
        assert_eq!(v["a"][2], Json::Null);
        assert_eq!(v["b"]["c"], "n");
        assert_eq!(v["b"]["d"], -2.5);
        assert_eq!(v["e"], true);
        assert_eq!(v["missing"]["deeper"], Json::Null);
        assert_eq!(json!([]), Json::Array(vec![]));
        assert_eq!(json!({}), Json::Object(Object::new()));
    }

    #[test]
    fn objects_are_equal_whatever_their_key_order() {
        assert_eq!(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}));
        assert_ne!(json!({"a": 1}), json!({"a": 1, "b": 2}));
        let mut o = Object::new();
        o.insert("a", json!(1));
        o.insert("b", json!(2));
        o.insert("a", json!(3));
        let keys: Vec<&str> = o.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(o.get("a"), Some(&json!(3)));
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases: [(f64, &str); 21] = [
            (0.0, "0"),
            (-0.0, "0"),
            (7.0, "7"),
            (-42.0, "-42"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-2.5, "-2.5"),
            (123.456, "123.456"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e22, "1.5e+22"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (9007199254740993.0, "9007199254740992"),
            (2f64.powi(66), "73786976294838210000"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.0f64.powi(-3), "0.125"),
            (100.5, "100.5"),
        ];
        for (n, text) in cases {
            if n != 0.0 && (n.abs() < 1e-18 || n.abs() >= 1e35) {
                // Outside exact 128-bit range: only the magnitude is promised.
                assert!(number_text(n).contains('e'), "{n}");
                continue;
            }
            assert_eq!(number_text(n), text, "{n:e}");
        }
    }

    #[test]
    fn non_integral_numbers_print_the_shortest_round_trip_digits() {
        // Rust's `{}` also prints the shortest round-trip digits, in plain notation, which is
        // JavaScript's layout between 1e-6 and 1e21. Exact ties between two shortest candidates
        // may differ (ECMAScript picks the even one), so compare length and value.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = 10f64.powi((x % 27) as i32 - 6);
            let n = (x >> 11) as f64 / (1u64 << 53) as f64 * scale;
            if (1e-6..1e21).contains(&n) && n.fract() != 0.0 {
                let ours = number_text(n);
                assert_eq!(ours.parse::<f64>(), Ok(n), "{n:e}");
                assert_eq!(ours.len(), format!("{n}").len(), "{n:e}");
            }
        }
    }
}
