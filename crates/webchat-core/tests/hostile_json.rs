//! Issue 11: chat JSON values come from outside (payloads, answers, storage), so building,
//! cloning, comparing and dropping them must survive any depth, and building or merging large
//! objects must not scan per key. Plus property tests that the linear object code means what
//! inserting one key at a time means.

use proptest::prelude::*;
use webchat_core::{Json, Object};

/// `depth` arrays, objects or a mix nested in one another.
fn nested(depth: usize, kind: usize) -> Json {
    let mut value = Json::String("leaf".into());
    for i in 0..depth {
        value = if (kind + i).is_multiple_of(2) {
            Json::Array(vec![value, Json::Null])
        } else {
            let mut o = Object::new();
            o.insert("child", value);
            Json::Object(o)
        };
    }
    value
}

#[test]
fn a_json_value_nested_a_million_levels_deep_is_built_cloned_compared_and_dropped_without_overflow()
{
    for kind in 0..2 {
        let deep = nested(1_000_000, kind);
        let copy = deep.clone();
        assert!(deep == copy);
        let other = nested(1_000_000, kind + 1);
        assert!(deep != other);
        drop(copy);
        drop(other);
        drop(deep);
    }
}

#[test]
fn an_object_of_fifty_thousand_keys_is_built_and_assigned_in_linear_time() {
    // Quadratic code takes minutes here; the test harness's own timeout is the detector.
    let n = 200_000;
    let big: Object = (0..n)
        .map(|i| (format!("k{i}"), Json::Number(f64::from(i))))
        .collect();
    assert_eq!(big.len(), n as usize);
    let mut target = Object::new();
    target.insert("k7", Json::Null);
    target.assign(&big);
    assert_eq!(target.len(), n as usize);
    assert_eq!(target.get("k7"), Some(&Json::Number(7.0)));
    assert!(Json::Object(target.clone()) == Json::Object(big.clone()));
}

fn entries() -> impl Strategy<Value = Vec<(String, i32)>> {
    prop::collection::vec(("[a-e]{1,2}", any::<i32>()), 0..60)
}

/// What inserting the entries one at a time gives.
fn one_by_one(list: &[(String, i32)]) -> Vec<(String, Json)> {
    let mut o = Object::new();
    for (k, v) in list {
        o.insert(k.as_str(), Json::Number(f64::from(*v)));
    }
    o.iter().cloned().collect()
}

proptest! {
    #[test]
    fn building_from_entries_keeps_first_positions_and_last_values(list in entries()) {
        let built: Object = list.iter().map(|(k, v)| (k.clone(), Json::Number(f64::from(*v)))).collect();
        let built: Vec<_> = built.iter().cloned().collect();
        prop_assert_eq!(built, one_by_one(&list));
    }

    #[test]
    fn assign_means_inserting_each_entry(a in entries(), b in entries()) {
        let mut target: Object = a.iter().map(|(k, v)| (k.clone(), Json::Number(f64::from(*v)))).collect();
        let source: Object = b.iter().map(|(k, v)| (k.clone(), Json::Number(f64::from(*v)))).collect();
        target.assign(&source);
        let mut all = a.clone();
        all.extend(b.iter().cloned());
        let got: Vec<_> = target.iter().cloned().collect();
        prop_assert_eq!(got, one_by_one(&all));
    }

    #[test]
    fn objects_compare_equal_whatever_their_key_order(list in entries()) {
        let o: Object = list.iter().map(|(k, v)| (k.clone(), Json::Number(f64::from(*v)))).collect();
        let mut reversed: Vec<_> = o.iter().cloned().collect();
        reversed.reverse();
        let r: Object = reversed.into_iter().collect();
        prop_assert!(o == r);
        prop_assert!(Json::Object(o.clone()) == Json::Object(r));
    }
}
