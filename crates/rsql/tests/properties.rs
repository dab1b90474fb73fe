//! Property tests: the parser never panics, and printed trees parse back to equal trees.

use proptest::prelude::*;
use rsql::{Arguments, Comparison, Node, Operator, parse};

/// Pieces of RSQL, so random strings often get deep into the grammar.
const FRAGMENTS: &[&str] = &[
    "a", "b.c", "x", "=", "==", "!=", "!", "=in=", "=out=", "=gt=", ">", ">=", "<", "<=", "=has=", "=like=", "=xyz=",
    "=IN=", "(", ")", ";", ",", " and ", " or ", "and", "or", " ", "\t", "\n", "'", "\"", "\\", "~", "é", "老", "1",
    "''", "\"\"", "'x y'", "\\'", "base64:",
];

fn rsql_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

/// Checks what must hold for any input: an error points inside the input, a success prints to
/// a filter that parses back to the same tree.
fn check_any(input: &str) -> Result<(), TestCaseError> {
    match parse(input) {
        Ok(node) => {
            let printed = node.to_rsql();
            let reparsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
            prop_assert_eq!(reparsed, node, "printed as {:?}", printed);
        }
        Err(error) => {
            prop_assert!(error.position <= input.chars().count(), "{error} in {input:?}");
            let _ = error.caret(input);
        }
    }
    let _ = rsql::decode_base64_prefix(input);
    Ok(())
}

fn selector() -> impl Strategy<Value = String> {
    "[a-zA-Z_$\u{e9}\u{8001}][a-zA-Z0-9_.:/$*@\u{e9}\u{8001}-]{0,10}"
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9 \"'\\\\;,()=<>!~\t\n]{0,8}",
        prop::sample::select(&["and", "or", " and ", " or ", "", "\t", "null", "${currentUser}"][..])
            .prop_map(String::from),
    ]
}

fn comparison() -> impl Strategy<Value = Node> {
    (selector(), prop::sample::select(&Operator::ALL[..]), prop::collection::vec(value(), 1..4)).prop_map(
        |(selector, operator, mut values)| {
            let arguments = if operator.is_multi_valued() {
                Arguments::List(values)
            } else {
                Arguments::Single(values.swap_remove(0))
            };
            Node::Comparison(Comparison::new(selector, operator, arguments))
        },
    )
}

/// Trees as `parse` builds them: logical nodes have two or more children, of any kind.
fn tree() -> impl Strategy<Value = Node> {
    comparison().prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..5).prop_map(Node::And),
            prop::collection::vec(inner, 2..5).prop_map(Node::Or),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        check_any(&input)?;
    }

    #[test]
    fn never_panics_on_rsql_like_strings(input in rsql_like()) {
        check_any(&input)?;
    }

    #[test]
    fn printed_trees_parse_back(tree in tree()) {
        let printed = tree.to_rsql();
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}\n{}", e.caret(&printed))))?;
        prop_assert_eq!(parsed.to_prefix(), tree.to_prefix(), "printed as {:?}", printed);
        prop_assert_eq!(parsed, tree);
    }

    #[test]
    fn prefix_strings_are_json(selector in any::<String>(), value in any::<String>()) {
        let node = Node::Comparison(Comparison::new(selector.clone(), Operator::Equal, Arguments::Single(value.clone())));
        let json = |s: &String| serde_json::to_string(s).expect("strings serialise");
        prop_assert_eq!(node.to_prefix(), format!("(== {} {})", json(&selector), json(&value)));
    }
}
