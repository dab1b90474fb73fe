//! Unit tests: small `check(input, expect)` cases for the grammar, operators, errors and base64.

use crate::{
    Arguments, Comparison, ErrorKind, MAX_DEPTH, Node, Operator, ParseError, Span, decode_base64_prefix, parse,
};

/// Parses `input` and compares the tree's prefix form with `expect`.
#[track_caller]
fn check(input: &str, expect: &str) {
    match parse(input) {
        Ok(node) => assert_eq!(node.to_prefix(), expect, "input: {input:?}"),
        Err(error) => panic!("{input:?} failed: {error}\n{}", error.caret(input)),
    }
}

/// Parses `input`, expects a failure and returns it.
#[track_caller]
fn fail(input: &str) -> ParseError {
    match parse(input) {
        Ok(node) => panic!("{input:?} parsed as {}", node.to_prefix()),
        Err(error) => error,
    }
}

/// Expects `input` to fail with `kind` at character `position`.
#[track_caller]
fn check_error(input: &str, kind: ErrorKind, position: usize) {
    let error = fail(input);
    assert_eq!((error.kind, error.position), (kind, position), "input: {input:?}, error: {error}");
}

#[test]
fn and_binds_tighter_than_or() {
    check("a==1,b==2;c==3", r#"(or (== "a" "1") (and (== "b" "2") (== "c" "3")))"#);
    check("a==1;b==2,c==3", r#"(or (and (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
    check("a==1;b==2;c==3", r#"(and (== "a" "1") (== "b" "2") (== "c" "3"))"#);
}

#[test]
fn groups_stay_their_own_nodes() {
    check("(a==1,b==2);c==3", r#"(and (or (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
    check("(a==1;b==2);c==3", r#"(and (and (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
    check("a==1,(b==2,c==3)", r#"(or (== "a" "1") (or (== "b" "2") (== "c" "3")))"#);
    // A group of one collapses, however deep; so does a group whose shape matches the context.
    check("((a==1))", r#"(== "a" "1")"#);
    check("(a==1;b==2),c==3", r#"(or (and (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
}

#[test]
fn keywords_need_spaces_and_lower_case() {
    check("a==1 and b==2 or c==3", r#"(or (and (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
    check("a==1  and   b==2", r#"(and (== "a" "1") (== "b" "2"))"#);
    check("and==2 and or>3", r#"(and (== "and" "2") (=gt= "or" "3"))"#);
    check("a==1;(b==2) or (c==3)", r#"(or (and (== "a" "1") (== "b" "2")) (== "c" "3"))"#);
    check_error("a==1 AND b==2", ErrorKind::Syntax, 5);
    check_error("a==1 and(b==2)", ErrorKind::Syntax, 5);
    check_error("a==1 and and b==2", ErrorKind::Syntax, 13);
    check_error("a==1 and", ErrorKind::Syntax, 5);
}

#[test]
fn whitespace_around_tokens() {
    check(" a == 1 ; ( b =in= ( x , y ) ) ", r#"(and (== "a" "1") (=in= "b" ["x","y"]))"#);
    check("a =in= (x or y)", r#"(=in= "a" ["x","y"])"#);
    check("\ta==1\t", r#"(== "\ta" "1\t")"#);
    check("a ==\t1", r#"(== "a" "\t1")"#);
    check("a==\t'1'", r#"(== "a" "1")"#);
    check("a==1\n", r#"(== "a" "1\n")"#);
    check_error("\t\t==x", ErrorKind::Syntax, 0);
}

#[test]
fn quoting_and_escapes() {
    check(r#"a=="x y";b=='("it")'"#, r#"(and (== "a" "x y") (== "b" "(\"it\")"))"#);
    check(r"a=='it\'s'", r#"(== "a" "it's")"#);
    check(r#"a=="x\\y\n""#, r#"(== "a" "x\\yn")"#);
    check(r"a==x\y", r#"(== "a" "x\\y")"#);
    check(r#"a=="""#, r#"(== "a" "")"#);
    check("a=='line\nbreak'", r#"(== "a" "line\nbreak")"#);
    check("a==\"\u{1}\"", r#"(== "a" "\u0001")"#);
    check_error("a=='abc", ErrorKind::Syntax, 3);
    check_error(r"a=='abc\'", ErrorKind::Syntax, 3);
    check_error(r#"a"==x"#, ErrorKind::Syntax, 1);
    check_error("a==b c", ErrorKind::Syntax, 5);
}

#[test]
fn every_operator_and_alias() {
    for op in Operator::ALL {
        let input = format!("a{}x", op.symbol());
        let arguments = if op.is_multi_valued() { r#"["x"]"# } else { r#""x""# };
        check(&input, &format!(r#"({} "a" {arguments})"#, op.symbol()));
        assert_eq!(Operator::from_symbol(op.symbol()), Some(op));
        assert_eq!(op.to_string(), op.symbol());
    }
    for (alias, canonical) in [
        (">", "=gt="),
        (">=", "=ge="),
        ("<", "=lt="),
        ("<=", "=le="),
        ("=contain=", "=has="),
        ("=notcontain=", "=hasnt="),
    ] {
        let expected = Operator::from_symbol(canonical);
        assert_eq!(Operator::from_symbol(alias), expected);
        let arguments = if expected.is_some_and(Operator::is_multi_valued) { r#"["x"]"# } else { r#""x""# };
        check(&format!("a{alias}x"), &format!(r#"({canonical} "a" {arguments})"#));
    }
    check("e3 =hasor= ('A', 'B')", r#"(=hasor= "e3" ["A","B"])"#);
    assert_eq!(Operator::from_symbol("=IN="), None);
    assert_eq!(Operator::from_symbol("="), None);
}

#[test]
fn unknown_and_malformed_operators() {
    check_error("name==x;genres=all=(a,b)", ErrorKind::UnknownOperator, 14);
    check_error("a=IN=(x)", ErrorKind::UnknownOperator, 1);
    check_error("a=!=x", ErrorKind::Syntax, 1);
    check_error("sel=val", ErrorKind::Syntax, 3);
    check_error("ill===val", ErrorKind::Syntax, 5);
    check_error("a~=x", ErrorKind::Syntax, 1);
    check_error("a=in1=x", ErrorKind::Syntax, 1);
    let error = fail("a=xyz=1");
    assert_eq!(error.to_string(), "unknown operator '=xyz=' at position 1");
}

#[test]
fn argument_counts() {
    check("a=in=(x)", r#"(=in= "a" ["x"])"#);
    check("a=in=x", r#"(=in= "a" ["x"])"#);
    // As in the reference parser, one value in parentheses suits a single-valued operator.
    check("a==(x)", r#"(== "a" "x")"#);
    check_error("sel=in=()", ErrorKind::BadArguments, 7);
    check_error("sel==(a,b)", ErrorKind::BadArguments, 5);
    check_error("sel=like=(a or b)", ErrorKind::BadArguments, 9);
    check_error("sel=in=(a,)", ErrorKind::Syntax, 10);
    check_error("sel=in=(a;b)", ErrorKind::Syntax, 9);
    check_error("sel=in=(a", ErrorKind::Syntax, 9);
}

#[test]
fn error_positions_and_messages() {
    check_error("", ErrorKind::Empty, 0);
    check_error(" \t ", ErrorKind::Empty, 0);
    check_error("s0==a0)", ErrorKind::Syntax, 6);
    check_error("(s0==a0;s1!=a1", ErrorKind::Syntax, 14);
    check_error("()", ErrorKind::Syntax, 1);
    check_error("==val", ErrorKind::Syntax, 0);
    // Positions count characters, not bytes.
    check_error("ab==«x»;c", ErrorKind::Syntax, 9);
    check_error("老邓==头 头", ErrorKind::Syntax, 6);

    let error = fail("s0==a0)");
    assert_eq!(
        error.to_string(),
        "unexpected ')' at position 6, expected ';', ',', 'and', 'or' or the end of the filter"
    );
    assert_eq!(error.message, "unexpected ')'");
    assert_eq!(error.caret("s0==a0)"), "s0==a0)\n      ^");
    assert_eq!(fail("a==\"unterminated").to_string(), "unterminated quoted value at position 3");
    assert_eq!(
        fail("a==(b)c").to_string(),
        "unexpected 'c' at position 6, expected ';', ',', 'and', 'or' or the end of the filter"
    );
    assert_eq!(fail("a\t==x;b").caret("a\t==x;b"), "a ==x;b\n       ^");
    assert_eq!(fail("").to_string(), "empty filter at position 0");
}

#[test]
fn nesting_is_limited() {
    let nested = |depth: usize| format!("{}a==1{}", "(".repeat(depth), ")".repeat(depth));
    check(&nested(MAX_DEPTH), r#"(== "a" "1")"#);
    check_error(&nested(MAX_DEPTH + 1), ErrorKind::Syntax, MAX_DEPTH);
    check_error(&"(".repeat(1_000_000), ErrorKind::Syntax, MAX_DEPTH);
    let chain = vec!["a==1"; 100_000].join(";");
    assert!(matches!(parse(&chain), Ok(Node::And(children)) if children.len() == 100_000));
}

#[test]
fn comparisons_remember_their_span() {
    let Ok(Node::And(children)) = parse("a==1; bb=in=(x, y) and c==«z»") else { panic!("not an and") };
    let spans: Vec<Span> = children
        .iter()
        .map(|child| match child {
            Node::Comparison(comparison) => comparison.span,
            other => panic!("not a comparison: {other:?}"),
        })
        .collect();
    assert_eq!(spans, [Span { start: 0, end: 4 }, Span { start: 6, end: 18 }, Span { start: 23, end: 31 }]);
    // Equality ignores spans.
    assert_eq!(children[0], Node::Comparison(Comparison::new("a", Operator::Equal, Arguments::Single("1".into()))));
}

#[test]
fn to_rsql_is_canonical() {
    let canonical = |input: &str| parse(input).map(|node| node.to_rsql()).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(canonical("a > 1 and (b==x or c=='y z')"), r#"a=gt=1;(b==x,c=="y z")"#);
    assert_eq!(canonical("(a==1;b==2);c==3"), "(a==1;b==2);c==3");
    assert_eq!(canonical("(a==1,b==2),c==3"), "(a==1,b==2),c==3");
    assert_eq!(canonical("a==1;b==2,c==3"), "a==1;b==2,c==3");
    assert_eq!(canonical("a=in=x"), "a=in=(x)");
    assert_eq!(canonical("a=contain=(x,'')"), r#"a=has=(x,"")"#);
    assert_eq!(canonical(r#"a=='say "hi"';b=="it's \"x\"\\""#), r#"a=='say "hi"';b=="it's \"x\"\\""#);
    assert_eq!(canonical(r"a==x\y"), r"a==x\y");
    assert_eq!(parse("a==1").map(|node| node.to_string()), Ok("a==1".to_owned()));
}

#[test]
fn arguments_values() {
    assert_eq!(Arguments::Single("x".into()).values(), ["x"]);
    assert_eq!(Arguments::List(vec!["x".into(), "y".into()]).values(), ["x", "y"]);
}

#[test]
fn base64_prefix() {
    use base64::Engine as _;
    let filter = "name=='Kill Bill';year=in=(2003,2004)";
    let padded = base64::engine::general_purpose::STANDARD.encode(filter);
    let unpadded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(filter);
    assert_ne!(padded, unpadded, "pick a filter whose encoding needs padding");
    for encoded in [padded, unpadded] {
        assert_eq!(decode_base64_prefix(&format!("base64:{encoded}")).as_deref(), Ok(filter));
    }
    assert!(matches!(decode_base64_prefix("name==x"), Ok(std::borrow::Cow::Borrowed("name==x"))));
    assert!(matches!(decode_base64_prefix("BASE64:eA"), Ok(std::borrow::Cow::Borrowed(_))));
    assert_eq!(decode_base64_prefix("base64:").as_deref(), Ok(""));

    let error = decode_base64_prefix("base64:bmFt!ZT09eA").unwrap_err();
    assert_eq!((error.kind, error.position), (ErrorKind::Syntax, 11));
    let error = decode_base64_prefix("base64:bmFtZ").unwrap_err();
    assert_eq!((error.kind, error.position), (ErrorKind::Syntax, 12));
    let error = decode_base64_prefix("base64:/w").unwrap_err();
    assert_eq!((error.kind, error.position), (ErrorKind::Syntax, 7));
    assert_eq!(error.to_string(), "base64 filter does not decode to UTF-8 text at position 7");
    let error = decode_base64_prefix("base64:é").unwrap_err();
    assert_eq!(error.position, 7);
}

/// Architecture invariant: `rsql` depends on no other Quarry crate. (The test-support crate's
/// architecture test checks that no pure crate depends on an I/O crate.)
#[test]
fn depends_on_no_quarry_crate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
    let quarry_crates: Vec<String> = std::fs::read_dir(root.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let dependencies = manifest["dependencies"].as_table().unwrap();
    for name in dependencies.keys() {
        assert!(!quarry_crates.contains(name), "rsql must not depend on the Quarry crate {name}");
    }
}
