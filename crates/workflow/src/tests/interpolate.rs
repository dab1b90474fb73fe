//! Interpolation cases and the identity property for templates without placeholders.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::{interpolate, template_references};

fn scope() -> Value {
    json!({"orderId": "ORD1", "order": {"qty": 3, "amount": 42.5, "tags": ["a"], "meta": {"k": 1}}, "none": null})
}

#[track_caller]
fn check(template: Value, expected: Value) {
    assert_eq!(interpolate(&template, &scope()).unwrap(), expected, "{template}");
}

#[test]
fn whole_placeholders_keep_their_type() {
    check(json!("${order.qty}"), json!(3));
    check(json!("${order.amount}"), json!(42.5));
    check(json!("${order.tags}"), json!(["a"]));
    check(json!("${order.meta}"), json!({"k": 1}));
    check(json!("${none}"), Value::Null);
    check(json!("${order.qty * 2}"), json!(6));
    check(json!("${order.qty > 2 ? 'many' : 'few'}"), json!("many"));
    check(json!("${'}'}"), json!("}"));
}

#[test]
fn text_around_placeholders_makes_strings() {
    check(json!("Bearer ${orderId}"), json!("Bearer ORD1"));
    check(json!("${orderId}-${order.qty}"), json!("ORD1-3"));
    check(json!("meta=${order.meta}"), json!("meta={\"k\":1}"));
    check(json!("n=${none}"), json!("n=null"));
    check(json!("/orders/${orderId}?q=${order.qty + 1}"), json!("/orders/ORD1?q=4"));
}

#[test]
fn escapes_and_structure() {
    check(json!(r"\${orderId}"), json!("${orderId}"));
    check(json!(r"cost \${x} = ${order.amount}"), json!("cost ${x} = 42.5"));
    check(
        json!({"orderId": "${orderId}", "amount": "${order.amount}", "list": ["${order.qty}", 1, true], "${k}": null}),
        json!({"orderId": "ORD1", "amount": 42.5, "list": [3, 1, true], "${k}": null}),
    );
    check(json!("$ {not} a placeholder $"), json!("$ {not} a placeholder $"));
}

#[test]
fn errors() {
    let err = interpolate(&json!("${order.missing}"), &scope()).unwrap_err();
    assert_eq!(err.to_string(), "order.missing does not exist");
    assert!(interpolate(&json!("x ${order.qty / 0}"), &scope()).is_err());
    assert!(interpolate(&json!("${unclosed"), &scope()).unwrap_err().to_string().contains("missing '}'"));
    assert!(interpolate(&json!("${1 +}"), &scope()).is_err());
}

#[test]
fn references_of_templates() {
    let refs = template_references(&json!({"a": "${x.y} and ${z[0]}", "b": ["${w + v}"], "c": 1})).unwrap();
    let shown: Vec<String> = refs.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["x.y", "z[0]", "w", "v"]);
    let err = template_references(&json!({"a": "ok ${1 +}"})).unwrap_err();
    assert_eq!(err.position, 8);
}

fn arb_plain_json() -> impl Strategy<Value = Value> {
    // Strings may hold `$`, `{` and `\` but never the placeholder opener `${`.
    let text = "[a-z ${}\\\\]{0,8}".prop_filter("no placeholder", |s: &String| !s.contains("${"));
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-c$]{1,3}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn templates_without_placeholders_are_unchanged(template in arb_plain_json()) {
        prop_assert_eq!(interpolate(&template, &scope()).unwrap(), template);
    }

    #[test]
    fn interpolation_never_panics(text in "[a-z0-9 ${}'\"+*.\\\\]{0,40}") {
        let _ = interpolate(&Value::String(text), &scope());
    }
}
