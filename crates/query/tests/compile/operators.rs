//! Bit-flag operators, column-to-column comparisons and queries built from the public DSL
//! types (as the Oinone gateway builds them), per dialect.

use query::{
    Catalog, CmpOp, ColRef, Cond, Dialect, Directives, Op, Param, Query, Scalar, TableQuery, Target, TypeFamily, build,
    compile, resolve,
};
use serde_json::{Value, json};

use super::table;

const DIALECTS: [Dialect; 3] = [Dialect::MySql, Dialect::Postgres, Dialect::Sqlite];

fn catalog() -> Catalog {
    use TypeFamily::*;
    Catalog {
        tables: vec![
            table(
                "Item",
                &[
                    ("id", Integer),
                    ("flags", Integer),
                    ("qty", Integer),
                    ("name", Text),
                    ("price", Decimal),
                    ("ratio", Float),
                    ("day", Date),
                    ("createdAt", Timestamp),
                    ("updatedAt", TimestampTz),
                    ("token", Uuid),
                    ("extra", Other),
                ],
                &[&["id"]],
            ),
            table("Part", &[("id", Integer), ("itemId", Integer), ("flags", Integer)], &[&["id"]]),
        ],
    }
}

/// The `where` clause of `SELECT id FROM Item WHERE …` with its parameters, as run and as shown.
fn filter(dialect: Dialect, cond: Value) -> (String, Vec<Param>, String) {
    let q = json!({"tables": [{"name": "Item", "columns": ["id"], "where": cond}]});
    let c = build(&q, &catalog(), dialect).unwrap_or_else(|e| panic!("{dialect:?} {cond}: {e:?}"));
    let (_, sql) = c.sql.split_once(" WHERE ").expect("a WHERE clause");
    let (_, display) = c.display_sql.split_once(" WHERE ").expect("a WHERE clause");
    (sql.to_owned(), c.params, display.to_owned())
}

/// Checks one condition on every dialect: SQL as run, parameters and the display form.
fn check(cond: Value, mysql: &str, postgres: &str, sqlite: &str, params: &[Param], display: &str) {
    for (dialect, expected) in DIALECTS.into_iter().zip([mysql, postgres, sqlite]) {
        let (sql, bound, shown) = filter(dialect, cond.clone());
        assert_eq!(sql, expected, "{dialect:?} {cond}");
        // PostgreSQL refers to a repeated mask by its number; `?` dialects bind it again.
        let expected_params: Vec<Param> = if dialect == Dialect::Postgres && params.len() == 2 && params[0] == params[1]
        {
            params[..1].to_vec()
        } else {
            params.to_vec()
        };
        assert_eq!(bound, expected_params, "{dialect:?} {cond}");
        let quoted = if dialect == Dialect::MySql { display.replace('"', "`") } else { display.to_owned() };
        assert_eq!(shown, quoted, "{dialect:?} {cond}");
    }
}

#[test]
fn bit_flag_operators_per_dialect() {
    let five = [Param::Int(5)];
    let twice = [Param::Int(5), Param::Int(5)];
    check(
        json!({"flags": {"$bitEq": 5}}),
        "`Item`.`flags` = ?",
        r#""Item"."flags" = $1::bigint"#,
        r#""Item"."flags" = ?"#,
        &five,
        r#""Item"."flags" = 5"#,
    );
    check(
        json!({"flags": {"$bitNe": "5"}}),
        "`Item`.`flags` <> ?",
        r#""Item"."flags" <> $1::bigint"#,
        r#""Item"."flags" <> ?"#,
        &five,
        r#""Item"."flags" <> 5"#,
    );
    check(
        json!({"flags": {"$hasAll": 5}}),
        "(`Item`.`flags` & ?) = ?",
        r#"("Item"."flags" & $1::bigint) = $1::bigint"#,
        r#"("Item"."flags" & ?) = ?"#,
        &twice,
        r#"("Item"."flags" & 5) = 5"#,
    );
    check(
        json!({"flags": {"$hasNotAll": 5}}),
        "(`Item`.`flags` & ?) <> ?",
        r#"("Item"."flags" & $1::bigint) <> $1::bigint"#,
        r#"("Item"."flags" & ?) <> ?"#,
        &twice,
        r#"("Item"."flags" & 5) <> 5"#,
    );
    check(
        json!({"flags": {"$hasAny": 5.0}}),
        "(`Item`.`flags` & ?) > 0",
        r#"("Item"."flags" & $1::bigint) > 0"#,
        r#"("Item"."flags" & ?) > 0"#,
        &five,
        r#"("Item"."flags" & 5) > 0"#,
    );
    check(
        json!({"flags": {"$hasNone": 5}}),
        "(`Item`.`flags` & ?) = 0",
        r#"("Item"."flags" & $1::bigint) = 0"#,
        r#"("Item"."flags" & ?) = 0"#,
        &five,
        r#"("Item"."flags" & 5) = 0"#,
    );
}

#[test]
fn a_repeated_mask_keeps_later_placeholders_numbered() {
    let (sql, params, _) =
        filter(Dialect::Postgres, json!({"flags": {"$hasAll": 6}, "qty": {"$gt": 1}, "name": {"$ne": "x"}}));
    assert_eq!(
        sql,
        r#"(("Item"."flags" & $1::bigint) = $1::bigint AND "Item"."qty" > $2::bigint AND "Item"."name" <> $3)"#
    );
    assert_eq!(params, [Param::Int(6), Param::Int(1), Param::Text("x".into())]);
    let (sql, params, _) = filter(Dialect::MySql, json!({"flags": {"$hasNotAll": 6}, "qty": {"$gt": 1}}));
    assert_eq!(sql, "((`Item`.`flags` & ?) <> ? AND `Item`.`qty` > ?)");
    assert_eq!(params, [Param::Int(6), Param::Int(6), Param::Int(1)]);
}

#[test]
fn column_comparisons_per_dialect() {
    check(
        json!({"qty": {"$col": "flags"}}),
        "`Item`.`qty` = `Item`.`flags`",
        r#""Item"."qty" = "Item"."flags""#,
        r#""Item"."qty" = "Item"."flags""#,
        &[],
        r#""Item"."qty" = "Item"."flags""#,
    );
    check(
        json!({"updatedAt": {"$gt": {"$col": "createdAt"}}, "price": {"$ne": {"$col": "ratio"}}}),
        "(`Item`.`updatedAt` > `Item`.`createdAt` AND `Item`.`price` <> `Item`.`ratio`)",
        r#"("Item"."updatedAt" > "Item"."createdAt" AND "Item"."price" <> "Item"."ratio")"#,
        r#"("Item"."updatedAt" > "Item"."createdAt" AND "Item"."price" <> "Item"."ratio")"#,
        &[],
        r#"("Item"."updatedAt" > "Item"."createdAt" AND "Item"."price" <> "Item"."ratio")"#,
    );
    // Across a join, with qualifiers.
    let q = json!({"tables": [{"name": "Item", "alias": "i", "columns": ["id"],
        "joins": [{"table": "Part", "alias": "p", "on": "i.id = p.itemId", "columns": []}],
        "where": {"p.flags": {"$lte": {"$col": "i.flags"}}}}]});
    let c = build(&q, &catalog(), Dialect::Postgres).unwrap();
    assert!(c.sql.ends_with(r#"WHERE "p"."flags" <= "i"."flags""#), "{}", c.sql);
    assert!(c.params.is_empty());
}

fn diagnostics(cond: Value) -> Vec<(String, String, Option<String>)> {
    let q = json!({"tables": [{"name": "Item", "where": cond}]});
    build(&q, &catalog(), Dialect::Postgres)
        .expect_err("refused")
        .into_iter()
        .map(|d| (d.path, d.message, d.suggestion))
        .collect()
}

#[test]
fn bit_flags_need_an_integer_column_and_mask() {
    let cases = [
        (
            json!({"name": {"$hasAll": 1}}),
            "tables[0].where.name.$hasAll",
            "bit-flag operators need an integer column, not Text",
        ),
        (
            json!({"price": {"$bitEq": 1}}),
            "tables[0].where.price.$bitEq",
            "bit-flag operators need an integer column, not Decimal",
        ),
        (json!({"flags": {"$hasAny": "abc"}}), "tables[0].where.flags.$hasAny", "Text(\"abc\") is not an integer mask"),
        (json!({"flags": {"$hasAny": 1.5}}), "tables[0].where.flags.$hasAny", "Float(1.5) is not an integer mask"),
        (
            json!({"flags": {"$hasNone": -4}}),
            "tables[0].where.flags.$hasNone",
            "the bit mask -4 is negative; masks are 0 or more",
        ),
        (json!({"flags": {"$hasAll": null}}), "tables[0].where.flags.$hasAll", "must be an integer mask, not null"),
        (
            json!({"flags": {"$bitNe": [1, 2]}}),
            "tables[0].where.flags.$bitNe",
            "must be a string, number, boolean or null",
        ),
    ];
    for (cond, path, message) in cases {
        assert_eq!(diagnostics(cond.clone()), [(path.to_owned(), message.to_owned(), None)], "{cond}");
    }
    // Equality with a negative value is fine: it is a plain comparison, not a mask.
    let (sql, params, _) = filter(Dialect::Sqlite, json!({"flags": {"$bitEq": -1}}));
    assert_eq!((sql.as_str(), params), (r#""Item"."flags" = ?"#, vec![Param::Int(-1)]));
}

#[test]
fn column_comparisons_are_checked() {
    assert_eq!(
        diagnostics(json!({"name": {"$col": "qty"}})),
        [(
            "tables[0].where.name.$col".to_owned(),
            "name (Text) cannot be compared with qty (Integer)".to_owned(),
            None
        )]
    );
    assert_eq!(
        diagnostics(json!({"token": {"$gt": {"$col": "day"}}})),
        [(
            "tables[0].where.token.$gt.$col".to_owned(),
            "token (Uuid) cannot be compared with day (Date)".to_owned(),
            None
        )]
    );
    // Both sides are checked and both reported.
    let d = diagnostics(json!({"qyt": {"$col": "flgs"}}));
    let suggestions: Vec<Option<&str>> = d.iter().map(|(_, _, s)| s.as_deref()).collect();
    assert_eq!(suggestions, [Some("qty"), Some("flags")]);
    for bad in
        [json!({"qty": {"$col": 1}}), json!({"qty": {"$in": {"$col": "flags"}}}), json!({"qty": {"$col": "a b"}})]
    {
        assert_eq!(diagnostics(bad.clone()).len(), 1, "{bad}");
    }
    // An unknown type is left to the database.
    assert!(
        filter(Dialect::Postgres, json!({"extra": {"$col": "name"}})).0.contains(r#""Item"."extra" = "Item"."name""#)
    );
    let q = json!({"tables": [{"name": "Item", "columns": ["flags", "count(*) as n"], "groupBy": ["flags"],
        "having": {"count(*)": {"$col": "flags"}}}]});
    let e = build(&q, &catalog(), Dialect::Sqlite).unwrap_err();
    assert_eq!(e[0].message, "$col compares a column with a column, not an aggregate");
}

fn root(filter: Cond) -> Query {
    let mut t = TableQuery::new("Item");
    t.filter = Some(filter);
    Query { root: t, directives: Directives::default() }
}

fn cmp(column: &str, op: Op, values: Vec<Scalar>) -> Cond {
    Cond::Cmp { target: Target::Column(ColRef::column(column)), op, values, path: column.to_owned() }
}

#[test]
fn queries_built_from_the_public_types() {
    let q = root(Cond::And(vec![
        cmp("flags", Op::HasAny, vec![Scalar::Text("12".into())]),
        Cond::ColumnCmp {
            left: ColRef::column("qty"),
            op: CmpOp::Ne,
            right: ColRef::column("flags"),
            path: "q".into(),
        },
        cmp("name", Op::Eq, vec![Scalar::Null]),
    ]));
    let c = compile(&resolve(&q, &catalog()).unwrap(), Dialect::Postgres).unwrap();
    assert_eq!(
        c.sql,
        r#"SELECT "Item"."id", "Item"."flags", "Item"."qty", "Item"."name", "Item"."price", "Item"."ratio", "Item"."day", "Item"."createdAt", "Item"."updatedAt", "Item"."token", "Item"."extra" FROM "Item" WHERE (("Item"."flags" & $1::bigint) > 0 AND "Item"."qty" <> "Item"."flags" AND "Item"."name" IS NULL)"#
    );
    assert_eq!(c.params, [Param::Int(12)]);

    // Paths left empty still give usable diagnostics.
    let e =
        resolve(&Query { root: TableQuery::new("Itme"), directives: Directives::default() }, &catalog()).unwrap_err();
    assert_eq!((e[0].path.as_str(), e[0].suggestion.as_deref()), ("name", Some("Item")));
}

#[test]
fn hand_built_shapes_are_checked_before_compiling() {
    let text = |s: &str| Scalar::Text(s.into());
    let cases = [
        (cmp("qty", Op::Between, vec![Scalar::Int(1)]), "must be [low, high], neither null"),
        (cmp("qty", Op::Between, vec![Scalar::Int(1), Scalar::Null]), "must be [low, high], neither null"),
        (cmp("qty", Op::Gt, vec![]), "Gt takes exactly one value"),
        (cmp("qty", Op::Eq, vec![Scalar::Int(1), Scalar::Int(2)]), "Eq takes exactly one value"),
        (cmp("qty", Op::Lt, vec![Scalar::Null]), "null cannot be ordered; use $null"),
        (cmp("name", Op::Starts, vec![Scalar::Int(1)]), "must be a string"),
        (cmp("name", Op::IsNull, vec![text("x")]), "IsNull takes no value"),
        (cmp("flags", Op::HasAll, vec![]), "HasAll takes exactly one value"),
    ];
    for (cond, message) in cases {
        let e = resolve(&root(cond.clone()), &catalog()).expect_err("refused");
        assert_eq!(e.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(), [message], "{cond:?}");
    }
    // Nesting far beyond what the JSON parser allows fails cleanly instead of exhausting the stack.
    let mut deep = cmp("qty", Op::Eq, vec![Scalar::Int(1)]);
    for _ in 0..10_000 {
        deep = Cond::Not(Box::new(deep));
    }
    let mut q = root(deep);
    let e = resolve(&q, &catalog()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].message.starts_with("conditions nest deeper than"), "{e:?}");
    // Dropping such a tree recursively could itself exhaust the test's stack: take it apart.
    let mut node = q.root.filter.take().expect("the filter");
    while let Cond::Not(inner) = node {
        node = *inner;
    }
}
