//! Fuzz target: `parse` never panics, errors point inside the input, and every parsed tree
//! prints (`to_rsql`) to a filter that parses back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = rsql::decode_base64_prefix(input);
    match rsql::parse(input) {
        Ok(node) => {
            let printed = node.to_rsql();
            match rsql::parse(&printed) {
                Ok(reparsed) => assert_eq!(reparsed, node, "{input:?} printed as {printed:?}"),
                Err(error) => panic!("{input:?} printed as {printed:?}, which fails: {error}"),
            }
            let _ = node.to_prefix();
        }
        Err(error) => {
            assert!(error.position <= input.chars().count(), "{input:?}: {error}");
            let _ = error.caret(input);
        }
    }
});
