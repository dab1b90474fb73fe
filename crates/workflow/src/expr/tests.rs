//! Parser and evaluator cases, plus property tests: no panic on any input.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

fn scope() -> Value {
    json!({
        "order": {"stock": 3, "amount": 42.5, "qty": 2, "status": "PAID", "tags": ["a", "b"]},
        "items": [{"name": "pen"}, {"name": "ink"}],
        "orderId": "ORD1",
        "flag": true,
        "none": null,
        "big": i64::MAX,
    })
}

/// Parses and evaluates `input` against [`scope`], expecting `expected`.
#[track_caller]
fn check(input: &str, expected: Value) {
    let e = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(e.eval(&scope()).unwrap_or_else(|e| panic!("{input}: {e}")), expected, "{input}");
}

/// Expects evaluation to fail with a message containing `fragment`.
#[track_caller]
fn check_eval_err(input: &str, fragment: &str) {
    let e = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let err = e.eval(&scope()).expect_err(input).to_string();
    assert!(err.contains(fragment), "{input}: {err:?} lacks {fragment:?}");
}

/// Expects parsing to fail at `position` with a message containing `fragment`.
#[track_caller]
fn check_parse_err(input: &str, position: usize, fragment: &str) {
    let err = parse(input).expect_err(input);
    assert_eq!(err.position, position, "{input}: {err}");
    assert!(err.message.contains(fragment), "{input}: {:?} lacks {fragment:?}", err.message);
}

#[test]
fn literals() {
    check("1", json!(1));
    check("-7", json!(-7));
    check("1.5", json!(1.5));
    check("2e3", json!(2000.0));
    check(r"'it\'s'", json!("it's"));
    check(r#""a\"b""#, json!("a\"b"));
    check(r"'\${x}'", json!("${x}"));
    check("true", json!(true));
    check("false", json!(false));
    check("null", Value::Null);
}

#[test]
fn references() {
    check("${order.stock}", json!(3));
    check("order.stock", json!(3));
    check("${items[1].name}", json!("ink"));
    check("items[0]['name']", json!("pen"));
    check("${order}", scope()["order"].clone());
    check("none", Value::Null);
    check_eval_err("${order.missing}", "order.missing does not exist");
    check_eval_err("items[5].name", "items[5].name does not exist");
    check_eval_err("orderId.x", "orderId.x does not exist");
    let refs = parse("${order.stock} > 0 && len(items[0].name) > x").unwrap().references();
    let shown: Vec<String> = refs.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["order.stock", "items[0].name", "x"]);
    assert_eq!(refs[0].root(), "order");
}

#[test]
fn arithmetic() {
    check("1 + 2 * 3", json!(7));
    check("(1 + 2) * 3", json!(9));
    check("7 / 2", json!(3.5));
    check("6 / 2", json!(3));
    check("7 % 3", json!(1));
    check("-7 % 3", json!(-1));
    check("0.1 + 0.2", json!(0.30000000000000004));
    check("${order.amount} * ${order.qty}", json!(85.0));
    check("${order.qty} * 2", json!(4));
    check("10 - 2 - 3", json!(5));
    check("--3", json!(3));
    check_eval_err("1 / 0", "division by zero");
    check_eval_err("1 % 0", "division by zero");
    check_eval_err("1.5 / 0", "division by zero");
    check_eval_err("big + 1", "overflow");
    check_eval_err("big * 2", "overflow");
    check_eval_err("1e308 * 10", "finite");
    check_eval_err("'a' - 1", "cannot apply - to string and number");
    check_eval_err("-'a'", "unary -");
}

#[test]
fn strings() {
    check("'a' + 'b'", json!("ab"));
    check("'n=' + 3", json!("n=3"));
    check("'tags: ' + order.tags", json!("tags: [\"a\",\"b\"]"));
    check("lower(order.status)", json!("paid"));
    check("upper('ab')", json!("AB"));
    check("len('héllo')", json!(5));
    check("len(items)", json!(2));
    check("len(order)", json!(5));
    check("startsWith(orderId, 'ORD')", json!(true));
    check("endsWith(orderId, '2')", json!(false));
    check("contains(orderId, 'RD')", json!(true));
    check("contains(order.tags, 'b')", json!(true));
    check("string(1.5)", json!("1.5"));
    check("string(order.tags)", json!("[\"a\",\"b\"]"));
    check("number('42')", json!(42));
    check("number(' 2.5 ')", json!(2.5));
    check("number(true)", json!(1));
    check_eval_err("number('x')", "not a number");
    check_eval_err("number('inf')", "not a number");
    check_eval_err("'a' + none", "cannot apply + to string and null");
    check_eval_err("lower(1)", "lower needs a string");
    check_eval_err("len(1)", "cannot apply len to number");
}

#[test]
fn comparisons_and_logic() {
    check("${order.stock} > 0", json!(true));
    check("order.stock <= 2", json!(false));
    check("1 == 1.0", json!(true));
    check("'a' < 'b'", json!(true));
    check("'a' != 'b'", json!(true));
    check("none == null", json!(true));
    check("order.stock == null", json!(false));
    check("order.tags == order.tags && items[0] != items[1]", json!(true));
    check("flag && order.stock > 2", json!(true));
    check("!flag || false", json!(false));
    check("false && missing.x", json!(false));
    check("true || missing.x", json!(true));
    check("'b' in order.tags", json!(true));
    check("'z' in order.tags", json!(false));
    check("'RD' in orderId", json!(true));
    check("'stock' in order", json!(true));
    check("order.stock > 0 ? 'ship' : 'wait'", json!("ship"));
    check("false ? 1 : true ? 2 : 3", json!(2));
    check("1 < 2 == true", json!(true));
    check_eval_err("'1' == 1", "cannot apply == to string and number");
    check_eval_err("'a' < 1", "cannot apply < to string and number");
    check_eval_err("flag < true", "cannot apply <");
    check_eval_err("1 && true", "&& needs a boolean, got number");
    check_eval_err("!1", "! needs a boolean");
    check_eval_err("1 ? 2 : 3", "needs a boolean");
    check_eval_err("1 in 2", "cannot apply in");
}

#[test]
fn parse_errors() {
    check_parse_err("", 0, "empty expression");
    check_parse_err("1 +", 3, "expected a value");
    check_parse_err("(1", 2, "expected ')'");
    check_parse_err("1 2", 2, "unexpected text");
    check_parse_err("'abc", 0, "unterminated string");
    check_parse_err("a # b", 2, "unexpected character '#'");
    check_parse_err("now()", 0, "unknown function now");
    check_parse_err("lenn(x)", 0, "did you mean len?");
    check_parse_err("len(1, 2)", 0, "takes 1 argument");
    check_parse_err("a.", 2, "expected a name");
    check_parse_err("a[-1]", 2, "expected an index");
    check_parse_err("${a", 3, "expected '}'");
    check_parse_err("99999999999999999999", 0, "out of range");
    check_parse_err("'\\q'", 1, "unknown escape");
    check_parse_err("1 ? 2", 5, "expected ':'");
}

#[test]
fn limits() {
    let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
    check_parse_err(&deep, 32, "nested deeper");
    let negs = format!("{}1", "!".repeat(40));
    assert!(parse(&negs).unwrap_err().message.contains("nested deeper"));
    let long_chain = vec!["1"; 300].join("+");
    assert!(parse(&long_chain).unwrap_err().message.contains("tokens"));
    let ok_chain = vec!["1"; 200].join("+");
    check(&ok_chain, json!(200));
    assert!(parse(&"x".repeat(MAX_TEXT_LEN + 1)).unwrap_err().message.contains("longer"));
    let big = json!({"s": "x".repeat(MAX_STRING_LEN / 2 + 1)});
    let e = parse("s + s").unwrap();
    assert_eq!(e.eval(&big), Err(EvalError::TooLong));
}

#[test]
fn hand_built_calls_with_wrong_arity_do_not_panic() {
    let e = Expr::Call(Builtin::Contains, vec![Expr::Literal(json!("a"))]);
    assert!(e.eval(&json!({})).is_err());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-c]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Expression-shaped text: mostly valid tokens, so that many inputs parse.
fn arb_expr_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("c".to_owned()),
        Just("${a.b}".to_owned()),
        Just("a[0]".to_owned()),
        Just("b.c".to_owned()),
        any::<i64>().prop_map(|i| i.to_string()),
        Just("1.5".to_owned()),
        Just("'s'".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        prop::sample::select(vec![
            "+",
            "-",
            "*",
            "/",
            "%",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "&&",
            "||",
            "!",
            "in",
            "?",
            ":",
            "(",
            ")",
            "len(",
            "lower(",
            "upper(",
            "contains(",
            "startsWith(",
            "endsWith(",
            "number(",
            "string(",
            ",",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(token, 1..20).prop_map(|t| t.join(" "))
}

/// Arbitrary well-formed trees (right arities), independent of the parser.
fn arb_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        arb_json().prop_map(Expr::Literal),
        prop::sample::select(vec!["a", "b", "c", "a.b", "a[0]", "b[1].c"]).prop_map(|t| parse(t).unwrap()),
    ];
    let binary = prop::sample::select(vec![
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Rem,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::In,
    ]);
    leaf.prop_recursive(5, 40, 3, move |inner| {
        prop_oneof![
            (prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg]), inner.clone())
                .prop_map(|(op, e)| Expr::Unary(op, Box::new(e))),
            (binary.clone(), inner.clone(), inner.clone()).prop_map(|(op, a, b)| Expr::Binary(
                op,
                Box::new(a),
                Box::new(b)
            )),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| Expr::Ternary(
                Box::new(c),
                Box::new(a),
                Box::new(b)
            )),
            (prop::sample::select(Builtin::NAMES.to_vec()), prop::collection::vec(inner, 2)).prop_map(
                |(name, mut args)| {
                    let (f, arity) = Builtin::lookup(name).unwrap();
                    args.truncate(arity);
                    Expr::Call(f, args)
                }
            ),
        ]
    })
}

proptest! {
    #[test]
    fn eval_never_panics_on_any_tree(e in arb_expr(), a in arb_json(), b in arb_json(), c in arb_json()) {
        let _ = e.eval(&json!({"a": a, "b": b, "c": c}));
        let _ = e.references();
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,64}") {
        let _ = parse(&text);
    }

    #[test]
    fn parse_never_panics_on_expression_like_text(text in "[-+*/%<>=!&|?:()\\[\\]{}$.,'\"a-c0-9 ]{0,80}") {
        let _ = parse(&text);
    }

    #[test]
    fn eval_never_panics(text in arb_expr_text(), a in arb_json(), b in arb_json(), c in arb_json()) {
        if let Ok(e) = parse(&text) {
            let _ = e.eval(&json!({"a": a, "b": b, "c": c}));
        }
    }
}
