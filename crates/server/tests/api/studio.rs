//! The embedded web studio: served at `/` with SPA routing, cached by file kind, and never in
//! the way of the server's own paths.

use reqwest::Method;
use test_support::{StoreKind, TestStore};

use crate::harness::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_is_served_with_spa_routing_and_the_right_cache_headers() {
    let s = Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &[]).await;
    let page = |path: &'static str| {
        let client = s.client.clone();
        let url = s.url(path);
        async move { client.get(url).send().await.unwrap() }
    };

    // The entry page, for `/` and for any client-side route, revalidated on every load.
    let root = page("/").await;
    assert_eq!(root.status(), 200);
    assert_eq!(root.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(root.headers()["cache-control"], "no-cache");
    assert!(root.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    let html = root.text().await.unwrap();
    assert!(html.contains("<div id=\"root\">"));
    for route in ["/login", "/datasources/42/schema", "/query?template=7", "/data/demo/orders"] {
        let res = page(route).await;
        assert_eq!(res.status(), 200, "{route}");
        assert_eq!(res.text().await.unwrap(), html, "{route}");
    }

    // The hashed script the page loads: immutable, with its JavaScript type.
    let script = html.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script tag");
    assert!(script.starts_with("/assets/"), "{script}");
    let res = s.client.get(s.url(script)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));

    // A missing hashed file is a 404, not the entry page run as a script.
    let res = page("/assets/index-doesnotexist.js").await;
    assert_eq!(res.status(), 404);

    // The server's own paths are never swallowed by the fallback.
    for path in ["/api", "/api/v1/no/such/thing", "/pamirs", "/ws/nothing", "/metrics/x"] {
        let res = page(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
    }
    assert_eq!(s.get("/api/v1/health", None).await.code(), 0);
    // Writes to a client route are not pages.
    s.call(Method::POST, "/datasources", None, None).await.expect(404, 3001);
}
