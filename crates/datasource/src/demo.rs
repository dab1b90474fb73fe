//! The `demo` datasource: a SQLite database with deterministic, realistic sample data modelled
//! on the seed's examples (`User`, `Profile`, `Department`, `Order`), so every feature can be
//! tried right after install.
//!
//! Rows are generated inside SQLite by recursive CTEs with arithmetic "randomness", so the same
//! data appears on every machine and creation takes milliseconds. `Order.createdAt` and
//! `User.createdAt` are deliberately left without an index, so index advice has something to say.

use std::path::Path;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::Kind;
use crate::connect::{ConnectError, classify};

/// Rows per table.
pub const USERS: i64 = 5_000;
pub const ORDERS: i64 = 50_000;

const SCRIPT: &str = r#"
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TABLE "Department" (
    "id" INTEGER PRIMARY KEY,
    "name" VARCHAR(50) NOT NULL UNIQUE,
    "budget" DECIMAL(12, 2) NOT NULL,
    "createdAt" DATETIME NOT NULL
);
CREATE TABLE "User" (
    "id" INTEGER PRIMARY KEY,
    "username" VARCHAR(50) NOT NULL UNIQUE,
    "email" VARCHAR(120) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "department" VARCHAR(50) NOT NULL,
    "departmentId" INTEGER NOT NULL REFERENCES "Department" ("id"),
    "age" INTEGER,
    "createdAt" DATETIME NOT NULL
);
CREATE INDEX "idx_user_status" ON "User" ("status");
CREATE INDEX "idx_user_department" ON "User" ("departmentId");
CREATE TABLE "Profile" (
    "id" INTEGER PRIMARY KEY,
    "userId" INTEGER NOT NULL UNIQUE REFERENCES "User" ("id"),
    "bio" TEXT,
    "city" VARCHAR(50),
    "avatar" VARCHAR(200),
    "verified" BOOLEAN NOT NULL
);
CREATE TABLE "Order" (
    "id" INTEGER PRIMARY KEY,
    "orderNo" VARCHAR(20) NOT NULL UNIQUE,
    "userId" INTEGER NOT NULL REFERENCES "User" ("id"),
    "product" VARCHAR(60) NOT NULL,
    "amount" DECIMAL(10, 2) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "paid" BOOLEAN NOT NULL,
    "createdAt" DATETIME NOT NULL
);
CREATE INDEX "idx_order_user" ON "Order" ("userId");

WITH names(i, name) AS (VALUES
    (0, 'Sales'), (1, 'Marketing'), (2, 'Engineering'), (3, 'Finance'), (4, 'Support'), (5, 'Operations'),
    (6, 'Legal'), (7, 'Design'), (8, 'Research'), (9, 'Logistics'), (10, 'Procurement'), (11, 'People'))
INSERT INTO "Department" ("id", "name", "budget", "createdAt")
SELECT i + 1, name, printf('%.2f', 50000 + (i * 7919) % 450000 + (i * 37 % 100) / 100.0),
       datetime('2020-01-06 09:00:00', '+' || (i * 17) || ' days')
FROM names;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000),
first(i, v) AS (VALUES (0,'wei'),(1,'li'),(2,'anna'),(3,'james'),(4,'mei'),(5,'omar'),(6,'sofia'),(7,'chen'),
                       (8,'lucas'),(9,'yuki'),(10,'fatima'),(11,'noah'),(12,'elena'),(13,'ravi'),(14,'zoe'),(15,'ivan')),
last(i, v) AS (VALUES (0,'zhang'),(1,'wang'),(2,'smith'),(3,'garcia'),(4,'kim'),(5,'muller'),(6,'rossi'),
                      (7,'tanaka'),(8,'silva'),(9,'novak'),(10,'khan'),(11,'dubois'),(12,'liu'))
INSERT INTO "User" ("id", "username", "email", "status", "department", "departmentId", "age", "createdAt")
SELECT n,
       f.v || '.' || l.v || n,
       f.v || '.' || l.v || n || '@example.com',
       CASE WHEN n % 20 = 0 THEN 'banned' WHEN n % 7 = 0 THEN 'inactive' ELSE 'active' END,
       d."name",
       d."id",
       CASE WHEN n % 11 = 0 THEN NULL ELSE 18 + (n * 31) % 50 END,
       datetime('2022-01-01 00:00:00', '+' || ((n * 7919) % 1000) || ' days', '+' || ((n * 104729) % 86400) || ' seconds')
FROM seq
JOIN first f ON f.i = n % 16
JOIN last l ON l.i = (n / 16) % 13
JOIN "Department" d ON d."id" = 1 + (n * 5) % 12;

WITH cities(i, v) AS (VALUES (0,'Shanghai'),(1,'Beijing'),(2,'Berlin'),(3,'Lisbon'),(4,'Austin'),(5,'Osaka'),
                             (6,'Nairobi'),(7,'Toronto'),(8,'Mumbai'),(9,'Paris'))
INSERT INTO "Profile" ("id", "userId", "bio", "city", "avatar", "verified")
SELECT u."id", u."id",
       CASE WHEN u."id" % 4 = 0 THEN NULL ELSE 'Works in ' || u."department" || '; joined ' || date(u."createdAt") END,
       c.v,
       'https://avatars.example.com/' || u."id" || '.png',
       u."id" % 3 <> 0
FROM "User" u JOIN cities c ON c.i = u."id" % 10;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50000),
products(i, v, price) AS (VALUES (0,'Laptop',899.00),(1,'Phone',499.00),(2,'Headphones',79.90),(3,'Monitor',229.00),
                                 (4,'Keyboard',49.50),(5,'Mouse',19.99),(6,'Desk',319.00),(7,'Chair',189.00),
                                 (8,'Camera',649.00),(9,'Tablet',379.00),(10,'Printer',149.00),(11,'Router',89.00))
INSERT INTO "Order" ("id", "orderNo", "userId", "product", "amount", "quantity", "stock", "status", "paid", "createdAt")
SELECT n,
       'ORD' || printf('%08d', n),
       1 + (n * 7907) % 5000,
       p.v,
       printf('%.2f', p.price * (1 + (n * 13) % 4)),
       1 + (n * 13) % 4,
       (n * 48271) % 120 - 10,
       CASE (n * 17) % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'refunded' WHEN 2 THEN 'pending' WHEN 3 THEN 'pending'
                          WHEN 4 THEN 'shipped' WHEN 5 THEN 'shipped' ELSE 'completed' END,
       (n * 17) % 10 NOT IN (2, 3),
       datetime('2023-01-01 00:00:00', '+' || ((n * 2654435761) % 31536000 + n * 600) || ' seconds')
FROM seq JOIN products p ON p.i = (n * 31) % 12;
COMMIT;
ANALYZE;
"#;

/// Creates the demo database at `path` unless a file is already there. Returns whether it created one.
pub async fn create(path: &Path) -> Result<bool, ConnectError> {
    if path.exists() {
        return Ok(false);
    }
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(|e| classify(Kind::Sqlite, &e))?;
    let outcome = sqlx::raw_sql(SCRIPT).execute(&mut conn).await;
    let _ = conn.close().await;
    if let Err(e) = outcome {
        // Leave nothing half-made behind.
        let _ = std::fs::remove_file(path);
        return Err(classify(Kind::Sqlite, &e));
    }
    Ok(true)
}
