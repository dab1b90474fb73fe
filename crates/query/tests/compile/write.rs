//! Write statements per dialect: the SQL as run and as shown, parameters, `RETURNING`, every
//! problem reported, and a property test that no written value reaches the SQL text.

use proptest::prelude::*;
use query::write::{CompiledWrite, Delete, Insert, Update, compile_delete, compile_insert, compile_update};
use query::{Catalog, CatalogTable, Dialect, Param, Scalar, TypeFamily};

use super::table;

fn catalog() -> Catalog {
    use TypeFamily::*;
    let keyed =
        |t: CatalogTable, key: &[&str]| CatalogTable { primary_key: key.iter().map(|c| (*c).into()).collect(), ..t };
    Catalog {
        tables: vec![
            keyed(
                table(
                    "User",
                    &[
                        ("id", Integer),
                        ("username", Text),
                        ("balance", Decimal),
                        ("active", Boolean),
                        ("createdAt", Timestamp),
                        ("profile", Json),
                        ("token", Uuid),
                        ("score", Float),
                    ],
                    &[&["id"]],
                ),
                &["id"],
            ),
            keyed(
                table("Membership", &[("userId", Integer), ("groupId", Integer), ("role", Text)], &[]),
                &["userId", "groupId"],
            ),
            table("Log", &[("line", Text)], &[]),
        ],
    }
}

fn text(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn pairs(items: &[(&str, Scalar)]) -> Vec<(String, Scalar)> {
    items.iter().map(|(c, v)| ((*c).to_owned(), v.clone())).collect()
}

fn insert(table: &str, values: &[(&str, Scalar)]) -> Insert {
    Insert { table: table.into(), values: pairs(values) }
}

const DIALECTS: [Dialect; 3] = [Dialect::MySql, Dialect::Postgres, Dialect::Sqlite];

/// Compiles for every dialect and checks the SQL as run (MySQL, PostgreSQL, SQLite in order).
fn check(compile: impl Fn(Dialect) -> CompiledWrite, expected: [&str; 3]) -> Vec<CompiledWrite> {
    DIALECTS
        .into_iter()
        .zip(expected)
        .map(|(dialect, sql)| {
            let c = compile(dialect);
            assert_eq!(c.sql, sql, "{dialect:?}");
            c
        })
        .collect()
}

#[test]
fn insert_returns_the_primary_key() {
    let row = insert(
        "User",
        &[
            ("username", text("ann")),
            ("balance", text("10.50")),
            ("active", text("yes")),
            ("profile", text(r#"{"a": 1}"#)),
            ("token", text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            ("score", Scalar::Int(2)),
            ("createdAt", Scalar::Null),
        ],
    );
    let out = check(
        |d| compile_insert(&row, &catalog(), d).unwrap(),
        [
            "INSERT INTO `User` (`username`, `balance`, `active`, `profile`, `token`, `score`, `createdAt`) VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING `id`",
            r#"INSERT INTO "User" ("username", "balance", "active", "profile", "token", "score", "createdAt") VALUES ($1, $2::numeric, $3::boolean, $4::jsonb, $5::uuid, $6::double precision, NULL) RETURNING "id""#,
            r#"INSERT INTO "User" ("username", "balance", "active", "profile", "token", "score", "createdAt") VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING "id""#,
        ],
    );
    for c in &out {
        assert_eq!(c.returning, ["id"]);
        assert_eq!(
            c.params,
            [
                Param::Text("ann".into()),
                Param::Text("10.50".into()),
                Param::Bool(true),
                Param::Text(r#"{"a": 1}"#.into()),
                Param::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into()),
                Param::Float(2.0),
            ],
            "values typed by their column, as filter values are"
        );
    }
    assert_eq!(
        out[1].display_sql,
        r#"INSERT INTO "User" ("username", "balance", "active", "profile", "token", "score", "createdAt") VALUES ('ann', '10.50', TRUE, '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2, NULL) RETURNING "id""#
    );
}

#[test]
fn insert_forms_without_values_or_key() {
    check(
        |d| compile_insert(&insert("User", &[]), &catalog(), d).unwrap(),
        [
            "INSERT INTO `User` () VALUES () RETURNING `id`",
            r#"INSERT INTO "User" DEFAULT VALUES RETURNING "id""#,
            r#"INSERT INTO "User" DEFAULT VALUES RETURNING "id""#,
        ],
    );
    let out = check(
        |d| compile_insert(&insert("Log", &[("line", Scalar::Int(7))]), &catalog(), d).unwrap(),
        [
            "INSERT INTO `Log` (`line`) VALUES (?)",
            r#"INSERT INTO "Log" ("line") VALUES ($1)"#,
            r#"INSERT INTO "Log" ("line") VALUES (?)"#,
        ],
    );
    assert!(out.iter().all(|c| c.returning.is_empty() && c.params == [Param::Text("7".into())]));
    let out = check(
        |d| {
            compile_insert(&insert("Membership", &[("userId", Scalar::Int(1)), ("groupId", text("2"))]), &catalog(), d)
                .unwrap()
        },
        [
            "INSERT INTO `Membership` (`userId`, `groupId`) VALUES (?, ?) RETURNING `userId`, `groupId`",
            r#"INSERT INTO "Membership" ("userId", "groupId") VALUES ($1::bigint, $2::bigint) RETURNING "userId", "groupId""#,
            r#"INSERT INTO "Membership" ("userId", "groupId") VALUES (?, ?) RETURNING "userId", "groupId""#,
        ],
    );
    assert_eq!(out[0].returning, ["userId", "groupId"]);
    assert_eq!(out[0].params, [Param::Int(1), Param::Int(2)]);
}

#[test]
fn update_and_delete_by_key() {
    let update = Update {
        table: "User".into(),
        set: pairs(&[("balance", Scalar::Float(1.5)), ("username", Scalar::Null), ("active", Scalar::Int(0))]),
        key: pairs(&[("id", text("42"))]),
    };
    let out = check(
        |d| compile_update(&update, &catalog(), d).unwrap(),
        [
            "UPDATE `User` SET `balance` = ?, `username` = NULL, `active` = ? WHERE `id` = ?",
            r#"UPDATE "User" SET "balance" = $1::numeric, "username" = NULL, "active" = $2::boolean WHERE "id" = $3::bigint"#,
            r#"UPDATE "User" SET "balance" = ?, "username" = NULL, "active" = ? WHERE "id" = ?"#,
        ],
    );
    assert!(out.iter().all(|c| c.returning.is_empty()));
    assert_eq!(out[1].params, [Param::Float(1.5), Param::Bool(false), Param::Int(42)]);
    assert_eq!(
        out[1].display_sql,
        r#"UPDATE "User" SET "balance" = 1.5, "username" = NULL, "active" = FALSE WHERE "id" = 42"#
    );

    let delete =
        Delete { table: "Membership".into(), key: pairs(&[("userId", Scalar::Int(1)), ("groupId", Scalar::Int(2))]) };
    let out = check(
        |d| compile_delete(&delete, &catalog(), d).unwrap(),
        [
            "DELETE FROM `Membership` WHERE `userId` = ? AND `groupId` = ?",
            r#"DELETE FROM "Membership" WHERE "userId" = $1::bigint AND "groupId" = $2::bigint"#,
            r#"DELETE FROM "Membership" WHERE "userId" = ? AND "groupId" = ?"#,
        ],
    );
    assert!(out.iter().all(|c| c.returning.is_empty() && c.params == [Param::Int(1), Param::Int(2)]));
}

type Problem = (String, String, Option<String>);

fn problems(result: Result<CompiledWrite, Vec<query::Diagnostic>>) -> Vec<Problem> {
    result.expect_err("refused").into_iter().map(|d| (d.path, d.message, d.suggestion)).collect()
}

fn p(path: &str, message: &str, suggestion: Option<&str>) -> Problem {
    (path.into(), message.into(), suggestion.map(Into::into))
}

#[test]
fn every_problem_is_reported() {
    let cat = catalog();
    assert_eq!(
        problems(compile_insert(&insert("Usr", &[("x", Scalar::Int(1))]), &cat, Dialect::Sqlite)),
        [p("table", "unknown table \"Usr\"", Some("User"))]
    );
    let bad = insert(
        "User",
        &[
            ("usrname", text("a")),
            ("id", text("abc")),
            ("active", text("maybe")),
            ("username", text("a")),
            ("username", text("b")),
            ("createdAt", Scalar::Bool(true)),
        ],
    );
    assert_eq!(
        problems(compile_insert(&bad, &cat, Dialect::Postgres)),
        [
            p("values.usrname", "unknown column \"usrname\" in \"User\"", Some("username")),
            p("values.id", "Text(\"abc\") is not an integer", None),
            p("values.active", "Text(\"maybe\") is not a boolean", None),
            p("values.username", "the column \"username\" is given twice", None),
            p("values.createdAt", "Bool(true) is not a date or time string", None),
        ]
    );
    let update = Update { table: "User".into(), set: Vec::new(), key: Vec::new() };
    assert_eq!(
        problems(compile_update(&update, &cat, Dialect::MySql)),
        [
            p("set", "nothing to update: set at least one column", None),
            p("key", "an update needs a key (column = value) so that it cannot change every row", None),
        ]
    );
    let update = Update {
        table: "User".into(),
        set: pairs(&[("score", text("high"))]),
        key: pairs(&[("id", Scalar::Null), ("emial", text("x"))]),
    };
    assert_eq!(
        problems(compile_update(&update, &cat, Dialect::MySql)),
        [
            p("set.score", "Text(\"high\") is not a number", None),
            p("key.id", "a key value cannot be null", None),
            p("key.emial", "unknown column \"emial\" in \"User\"", None),
        ]
    );
    assert_eq!(
        problems(compile_delete(&Delete { table: "Lg".into(), key: Vec::new() }, &cat, Dialect::Sqlite)),
        [
            p("table", "unknown table \"Lg\"", Some("Log")),
            p("key", "a delete needs a key (column = value) so that it cannot change every row", None)
        ]
    );
}

#[test]
fn names_come_from_the_catalog_not_the_caller() {
    // A hostile column name is refused as unknown; it never reaches SQL.
    for name in ["username\" = 'x'; --", "`id`", "id) VALUES (1); DROP TABLE \"User\"; --"] {
        let e = compile_insert(&insert("User", &[(name, text("a"))]), &catalog(), Dialect::Postgres).unwrap_err();
        assert_eq!(e.len(), 1);
        let e = compile_delete(
            &Delete { table: name.into(), key: pairs(&[("id", Scalar::Int(1))]) },
            &catalog(),
            Dialect::MySql,
        )
        .unwrap_err();
        assert_eq!(e[0].path, "table");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn written_values_never_reach_the_sql_text(v in "[^\\x00]{4,40}", w in "[^\\x00]{4,40}") {
        for dialect in [Dialect::MySql, Dialect::Postgres, Dialect::Sqlite] {
            let cat = catalog();
            let statements = [
                compile_insert(&insert("User", &[("username", text(&v)), ("profile", text(&w))]), &cat, dialect),
                compile_insert(&insert("Log", &[("line", text(&v))]), &cat, dialect),
                compile_update(
                    &Update { table: "User".into(), set: pairs(&[("username", text(&v))]), key: pairs(&[("username", text(&w))]) },
                    &cat,
                    dialect,
                ),
                compile_delete(&Delete { table: "Membership".into(), key: pairs(&[("role", text(&v))]) }, &cat, dialect),
            ];
            for c in statements {
                let c = c.unwrap();
                prop_assert!(!c.sql.contains(&v) && !c.sql.contains(&w), "{:?} / {:?} in {}", v, w, c.sql);
                prop_assert!(c.params.contains(&Param::Text(v.clone())));
            }
        }
    }
}
