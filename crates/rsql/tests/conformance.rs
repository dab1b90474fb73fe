//! Runs the shared RSQL conformance cases (jirutka rsql-parser, @rsql/parser and Oinone tests).

use serde_json::Value;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/rsql_cases.json");

#[test]
fn shared_conformance_cases() {
    let text = match std::fs::read_to_string(CASES) {
        Ok(text) => text,
        Err(error) if std::env::var_os("CI").is_some() => panic!("conformance file {CASES} is required in CI: {error}"),
        Err(error) => {
            eprintln!("notice: skipping RSQL conformance, {CASES} not readable: {error}");
            return;
        }
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("rsql_cases.json is a JSON array");
    assert!(!cases.is_empty(), "no conformance cases");

    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("case input is a string");
        let valid = case["valid"].as_bool().expect("case valid is a boolean");
        match (rsql::parse(input), valid) {
            (Ok(node), true) => {
                let expect = case["expect"].as_str().expect("valid case has an expect string");
                let got = node.to_prefix();
                if got != expect {
                    failures.push(format!("#{index} {input:?}\n    expected {expect}\n    got      {got}"));
                }
            }
            (Ok(node), false) => {
                failures.push(format!("#{index} {input:?} should fail, parsed as {}", node.to_prefix()))
            }
            (Err(error), true) => {
                failures.push(format!("#{index} {input:?} should parse: {error}\n{}", error.caret(input)))
            }
            (Err(error), false) => {
                let length = input.chars().count();
                if error.position > length {
                    failures.push(format!("#{index} {input:?}: position {} past the end ({length})", error.position));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} conformance cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} of {} conformance cases pass", cases.len(), cases.len());
}
