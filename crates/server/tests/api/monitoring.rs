//! Monitoring and realtime: `/metrics` read by a real Prometheus parser, metric history from
//! rollups (known rows, every instance's merged), WebSocket clients (auth, tickets, shapes,
//! ping/pong, subscriptions, revocation, expiry, idleness, a slow consumer), SSE clients
//! (query progress, workflow status, visibility, `Last-Event-ID` resume), alert rules that
//! fire and resolve, and two instances sharing events through Redis.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use test_support::{StoreKind, TestStore};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::harness::Server;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

test_support::store_tests!(history_merges_instances_and_buckets_known_data, alerts_fire_and_resolve_once);

fn ws_url(s: &Server, path: &str) -> String {
    format!("{}{}", s.base.replacen("http://", "ws://", 1), path)
}

async fn connect(s: &Server, path: &str) -> Result<Ws, tungstenite::Error> {
    tokio_tungstenite::connect_async(ws_url(s, path)).await.map(|(ws, _)| ws)
}

/// The HTTP status a refused handshake answered.
async fn refused(s: &Server, path: &str) -> u16 {
    match connect(s, path).await {
        Err(tungstenite::Error::Http(r)) => r.status().as_u16(),
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("{path} was accepted"),
    }
}

/// The next JSON text message (answering pings on the way), or `None` when closed; panics after 10 s.
async fn next_json(ws: &mut Ws) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a message within 10 s")?;
        match msg.ok()? {
            Message::Text(t) => return Some(serde_json::from_str(&t).expect("JSON text")),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

/// Reads until a message satisfies `want`.
async fn until(ws: &mut Ws, want: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = next_json(ws).await.expect("connection open");
        if want(&m) {
            return m;
        }
    }
}

/// The close frame's code and reason, reading past other messages.
async fn close_of(ws: &mut Ws) -> (u16, String) {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("closed within 10 s") {
            Some(Ok(Message::Close(Some(f)))) => return (f.code.into(), f.reason.to_string()),
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return (0, String::new()),
            Some(Ok(_)) => {}
        }
    }
}

fn is_iso_millis(t: &Value) -> bool {
    let t = t.as_str().unwrap_or_default();
    t.len() == 24 && t.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(t).is_ok() && t.as_bytes()[19] == b'.'
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_endpoint_is_protected_and_parses() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_METRICS_TOKEN", "scrape-secret-1")]).await;
    let admin = s.admin().await;
    let nobody = s.user_with(&admin, "nobody", &[]).await;
    for _ in 0..3 {
        s.get("/api/v1/auth/me", Some(&admin)).await.expect(200, 0);
    }
    s.get("/api/v1/workflows/zz_missing", Some(&admin)).await.expect(404, 3000);
    // Invented methods and unknown paths do not multiply the series.
    for m in ["BREW", "PROPFIND"] {
        let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
        s.call(method, "/api/v1/health", None, None).await;
        s.call(reqwest::Method::GET, &format!("/api/v1/no/such/{m}"), None, None).await;
    }
    s.get("/metrics", None).await.expect(401, 2000);
    s.get("/metrics", Some(&nobody)).await.expect(403, 2100);
    s.get("/metrics", Some("wrong-token")).await.expect(401, 2003);
    for token in ["scrape-secret-1", admin.as_str()] {
        let res = s.client.get(s.url("/metrics")).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        let text = res.text().await.unwrap();
        let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parses");
        let me = scrape
            .samples
            .iter()
            .find(|x| {
                x.metric == "quarry_api_request_count_total" && x.labels.get("endpoint") == Some("/api/v1/auth/me")
            })
            .unwrap_or_else(|| panic!("no /auth/me counter in\n{text}"));
        assert_eq!(me.labels.get("method"), Some("GET"));
        assert!(matches!(me.value, prometheus_parse::Value::Counter(n) if n >= 3.0), "{:?}", me.value);
        // Route templates, never raw ids, label the series.
        assert!(text.contains("endpoint=\"/api/v1/workflows/:id\""), "{text}");
        assert!(!text.contains("zz_missing"));
        assert!(!text.contains("BREW") && !text.contains("PROPFIND") && !text.contains("/no/such"), "{text}");
        assert!(text.contains("method=\"OTHER\"") && text.contains("endpoint=\"unmatched\""), "{text}");
        let h = scrape
            .samples
            .iter()
            .find(|x| x.metric == "quarry_api_request_duration_seconds")
            .expect("a latency histogram");
        let prometheus_parse::Value::Histogram(buckets) = &h.value else { panic!("{:?}", h.value) };
        assert!(buckets.iter().any(|b| b.less_than.is_infinite()));
        assert!(buckets.windows(2).all(|w| w[0].count <= w[1].count), "cumulative buckets");
    }
}

async fn history_merges_instances_and_buckets_known_data(store: TestStore) {
    // Two instances' rows for the same minutes, written as their rollup writers would.
    let direct = store::Store::connect(&store.url).await.unwrap();
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    // Yesterday at midnight UTC: recent enough to be within the retention period.
    let base = (chrono::Utc::now().timestamp() / 86_400 - 1) * 86_400;
    let at = |offset: i64| {
        chrono::DateTime::from_timestamp(base + offset, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let t = |queries: u64, micros: u64, requests: u64| telemetry::Totals {
        query_count: queries,
        query_duration_us: micros,
        api_requests: requests,
        ..Default::default()
    };
    direct.add_rollup(base, "a", &t(10, 1_000_000, 100)).await.unwrap();
    direct.add_rollup(base, "b", &t(30, 1_000_000, 50)).await.unwrap();
    direct.add_rollup(base + 60, "a", &t(1, 50_000, 1)).await.unwrap();
    direct.add_rollup(base + 600, "b", &t(4, 400_000, 4)).await.unwrap();
    // A second flush of the same minute adds to the row.
    direct.add_rollup(base + 600, "b", &t(4, 400_000, 4)).await.unwrap();

    let q = format!("/api/v1/metrics/query/history?from={}&to={}&interval=5m", at(0), at(1200));
    let d = s.get(&q, Some(&admin)).await.expect(200, 0).data().clone();
    let series = |name: &str| -> Vec<Value> {
        let list = d["series"].as_array().unwrap();
        let one = list.iter().find(|x| x["name"] == name).unwrap_or_else(|| panic!("{name} in {d}"));
        one["dataPoints"].as_array().unwrap().iter().map(|p| p["value"].clone()).collect()
    };
    assert_eq!(series("query.count"), vec![json!(41), json!(0), json!(8), json!(0)]);
    assert_eq!(series("api.request.count"), vec![json!(151), json!(0), json!(8), json!(0)]);
    // Averages weight every query: 2.05 s over 41 queries; empty buckets have no average.
    assert_eq!(series("query.avgDuration"), vec![json!(50), Value::Null, json!(100), Value::Null]);
    assert_eq!(series("workflow.execution.count"), vec![json!(0); 4]);
    let stamps: Vec<&str> =
        d["series"][0]["dataPoints"].as_array().unwrap().iter().map(|p| p["timestamp"].as_str().unwrap()).collect();
    let day = &at(0)[..10];
    let expected: Vec<String> =
        ["00:00", "00:05", "00:10", "00:15"].iter().map(|t| format!("{day}T{t}:00.000Z")).collect();
    assert_eq!(stamps, expected);

    // Minute buckets, a range that does not start on a boundary, chosen series.
    let q = format!(
        "/api/v1/metrics/query/history?from={}&to={}&interval=1m&names=query.count,query.rows",
        at(30),
        at(120)
    );
    let d = s.get(&q, Some(&admin)).await.expect(200, 0).data().clone();
    assert_eq!(d["series"].as_array().unwrap().len(), 2);
    let counts: Vec<Value> =
        d["series"][0]["dataPoints"].as_array().unwrap().iter().map(|p| p["value"].clone()).collect();
    assert_eq!(counts, vec![json!(40), json!(1)]);

    // Hour buckets read whole hours from the hourly rows and the rest from the minutes.
    for to in [1200, 5400, 7200] {
        let q = format!("/api/v1/metrics/query/history?from={}&to={}&interval=1h&names=query.count", at(0), at(to));
        let d = s.get(&q, Some(&admin)).await.expect(200, 0).data().clone();
        let counts: Vec<Value> =
            d["series"][0]["dataPoints"].as_array().unwrap().iter().map(|p| p["value"].clone()).collect();
        let expected = if to == 1200 { vec![json!(49)] } else { vec![json!(49), json!(0)] };
        assert_eq!(counts, expected, "to = +{to} s");
    }

    // Bad requests name every problem.
    let bad = s
        .get(
            "/api/v1/metrics/query/history?from=yesterday&to=2026-01-01T00:00:00Z&interval=2h&names=query.cnt",
            Some(&admin),
        )
        .await
        .expect(400, 1000);
    let paths: Vec<&str> = bad.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["from", "interval", "names"], "{}", bad.body);
    let bad = s
        .get(
            "/api/v1/metrics/query/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z&interval=1h",
            Some(&admin),
        )
        .await
        .expect(400, 1000);
    assert_eq!(bad.body["errors"][0]["path"], "to");
    let bad = s
        .get(
            "/api/v1/metrics/query/history?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=1m",
            Some(&admin),
        )
        .await
        .expect(400, 1000);
    assert_eq!(bad.body["errors"][0]["code"], "too_many_buckets");

    // A month of minute rollups answers (the figure is in docs/benchmarks.md).
    let month = format!("/api/v1/metrics/query/history?from={}&to={}&interval=1d", at(-29 * 86_400), at(86_400));
    let d = s.get(&month, Some(&admin)).await.expect(200, 0).data().clone();
    let points = d["series"][0]["dataPoints"].as_array().unwrap();
    assert_eq!(points.len(), 30);
    assert_eq!(points[29]["value"], 49, "yesterday's queries in yesterday's bucket");

    // The server's own traffic reaches the history through its rollup writer.
    drop(s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_own_requests_reach_the_history() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_METRICS_FLUSH_MS", "100")]).await;
    let admin = s.admin().await;
    for _ in 0..5 {
        s.get("/api/v1/auth/me", Some(&admin)).await.expect(200, 0);
    }
    let now = chrono::Utc::now();
    let q = format!(
        "/api/v1/metrics/query/history?from={}&to={}&interval=1h&names=api.request.count",
        (now - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00:00Z"),
        (now + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00:00Z"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = s.get(&q, Some(&admin)).await.expect(200, 0).data().clone();
        let total: i64 =
            d["series"][0]["dataPoints"].as_array().unwrap().iter().filter_map(|p| p["value"].as_i64()).sum();
        if total >= 6 {
            break;
        }
        assert!(Instant::now() < deadline, "requests never reached the history: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `?since=` sends the kept batches of the last minutes first (a dashboard's charts fill at
/// once); without it a connection starts at the current batch.
#[tokio::test]
async fn websockets_send_the_recent_batches_since_an_instant() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_METRICS_INTERVAL_MS", "100")]).await;
    let admin = s.admin().await;
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    assert_eq!(refused(&s, &format!("/ws/metrics?token={admin}&since=yesterday")).await, 400);

    // A plain connection starts at the batch current when it connects: call its time `first`.
    // Waiting for four batches on it makes sure several are kept.
    let mut plain = connect(&s, &format!("/ws/metrics?token={admin}&names=process.rss")).await.unwrap();
    let mut stamps: Vec<String> = Vec::new();
    while stamps.len() < 4 {
        let m = next_json(&mut plain).await.expect("a metric");
        let t = m["timestamp"].as_str().unwrap().to_owned();
        if !stamps.contains(&t) {
            stamps.push(t);
        }
    }
    let first = stamps[0].clone();

    // With `since` before `first`, the kept batches come first, oldest first: `first` among them.
    let since = started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut backlog = connect(&s, &format!("/ws/metrics?token={admin}&names=process.rss&since={since}")).await.unwrap();
    let mut seen: Vec<String> = Vec::new();
    while seen.len() < 5 {
        let m = next_json(&mut backlog).await.expect("a metric");
        seen.push(m["timestamp"].as_str().unwrap().to_owned());
    }
    assert!(seen[0] <= first, "the backlog starts before the plain connection's first batch: {seen:?} vs {first}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "one message per batch, oldest first: {seen:?}");
    assert!(seen.iter().all(|t| t.as_str() > since.as_str()), "nothing older than since: {seen:?}");

    // Without `since`, a new connection starts after `first`.
    let mut late = connect(&s, &format!("/ws/metrics?token={admin}&names=process.rss")).await.unwrap();
    let m = next_json(&mut late).await.expect("a metric");
    assert!(m["timestamp"].as_str().unwrap() > first.as_str(), "{m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websockets_authenticate_push_metrics_and_answer_pings() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_METRICS_INTERVAL_MS", "100"), ("QUARRY_WS_HEARTBEAT_MS", "200")]).await;
    let admin = s.admin().await;
    let nobody = s.user_with(&admin, "nobody", &[]).await;
    s.get("/api/v1/auth/me", Some(&admin)).await.expect(200, 0);

    assert_eq!(refused(&s, "/ws/metrics").await, 401);
    assert_eq!(refused(&s, "/ws/metrics?token=garbage").await, 401);
    assert_eq!(refused(&s, &format!("/ws/metrics?token={nobody}")).await, 403);

    let mut ws = connect(&s, &format!("/ws/metrics?token={admin}")).await.unwrap();
    let m = until(&mut ws, |m| {
        m["data"]["name"] == "api.request.count" && m["data"]["tags"]["endpoint"] == "/api/v1/auth/me"
    })
    .await;
    assert_eq!(m["type"], "metric");
    assert!(is_iso_millis(&m["timestamp"]), "{m}");
    assert_eq!(m["data"]["tags"], json!({"endpoint": "/api/v1/auth/me", "method": "GET", "status": "200"}));
    assert!(m["data"]["value"].as_u64().unwrap() >= 1);
    let cpu = until(&mut ws, |m| m["data"]["name"] == "system.cpu.usage").await;
    assert!(cpu["data"]["tags"]["host"].is_string() && cpu["data"]["value"].is_number(), "{cpu}");

    ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
    let pong = until(&mut ws, |m| m["type"] != "metric").await;
    assert_eq!(pong["type"], "pong");
    ws.send(Message::text(r#"{"type":"subscribe","names":["system.*"]}"#)).await.unwrap();
    let ack = until(&mut ws, |m| m["type"] != "metric").await;
    assert_eq!(ack, json!({"type": "subscribed", "timestamp": ack["timestamp"], "data": {"names": ["system.*"]}}));
    for _ in 0..10 {
        let m = next_json(&mut ws).await.unwrap();
        assert!(m["data"]["name"].as_str().unwrap().starts_with("system."), "{m}");
    }
    ws.send(Message::text("not json")).await.unwrap();
    assert_eq!(until(&mut ws, |m| m["type"] != "metric").await["type"], "error");

    // A ticket works once, instead of the token in the URL.
    let ticket = s.post("/api/v1/auth/ws-ticket", Some(&admin), json!({})).await.expect(200, 0);
    let ticket = ticket.data()["ticket"].as_str().unwrap().to_owned();
    let mut by_ticket = connect(&s, &format!("/ws/metrics?ticket={ticket}&names=process.rss")).await.unwrap();
    let m = next_json(&mut by_ticket).await.unwrap();
    assert_eq!(m["data"]["name"], "process.rss");
    assert_eq!(refused(&s, &format!("/ws/metrics?ticket={ticket}")).await, 401);

    // Whoever starts an execution asynchronously is notified on /ws when it ends; others are not.
    let mut mine = connect(&s, &format!("/ws?token={admin}")).await.unwrap();
    let mut theirs = connect(&s, &format!("/ws?token={nobody}")).await.unwrap();
    let wf = s.post("/api/v1/workflows", Some(&admin), chain_workflow()).await.expect(201, 0);
    let wf = wf.data()["id"].as_str().unwrap().to_owned();
    let run =
        s.post(&format!("/api/v1/workflows/{wf}/execute"), Some(&admin), json!({"options": {"async": true}})).await;
    let exec = run.data()["executionId"].as_str().unwrap().to_owned();
    let note = until(&mut mine, |m| m["type"] == "notification").await;
    assert!(is_iso_millis(&note["timestamp"]));
    assert_eq!(note["data"]["level"], "success", "{note}");
    assert!(note["data"]["message"].as_str().unwrap().contains(&exec), "{note}");
    assert_eq!(note["data"]["link"], format!("/api/v1/executions/{exec}"));
    assert_eq!(note["data"]["executionId"], exec.as_str());
    assert_eq!(note["data"]["workflowId"], wf.as_str());
    // The other user's socket carries nothing about it (it only gets pings; a ping reply proves it is live).
    theirs.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
    assert_eq!(next_json(&mut theirs).await.unwrap()["type"], "pong");

    // Logging out revokes the session: its connections are closed with 4001.
    s.post("/api/v1/auth/logout", Some(&admin), json!({})).await.expect(200, 0);
    let (code, reason) = close_of(&mut ws).await;
    assert_eq!((code, reason.as_str()), (4001, "session revoked"));
    let (code, _) = close_of(&mut by_ticket).await;
    assert_eq!(code, 4001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_user_holds_a_bounded_number_of_realtime_connections() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_REALTIME_PER_USER", "2")]).await;
    let admin = s.admin().await;
    let other = s.login("admin", crate::harness::ADMIN_PASSWORD).await;
    let first = connect(&s, &format!("/ws?token={admin}")).await.unwrap();
    let _second = Sse::connect(&s, &format!("?token={admin}"), None).await;
    // The limit is per user, whatever the session or the channel.
    assert_eq!(refused(&s, &format!("/ws/metrics?token={other}")).await, 429);
    let res = Sse::open(&s, &format!("?token={admin}"), None).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // A closed connection frees its place.
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match connect(&s, &format!("/ws?token={admin}")).await {
            Ok(_) => break,
            Err(tungstenite::Error::Http(r)) if r.status() == 429 => {}
            Err(e) => panic!("{e}"),
        }
        assert!(Instant::now() < deadline, "the closed connection's place was never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websockets_close_on_expiry_and_idleness() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(
        store,
        &[("QUARRY_ACCESS_TOKEN_TTL", "2"), ("QUARRY_WS_HEARTBEAT_MS", "100"), ("QUARRY_WS_IDLE_MS", "600")],
    )
    .await;
    let admin = s.admin().await;
    // This client answers pings (by reading), so only the token's expiry closes it.
    let mut ws = connect(&s, &format!("/ws?token={admin}")).await.unwrap();
    let (code, reason) = close_of(&mut ws).await;
    assert_eq!((code, reason.as_str()), (4001, "token expired"));

    // This one reads nothing, so it never answers the server's pings: closed as idle.
    let fresh = s.admin().await;
    let mut idle = connect(&s, &format!("/ws?token={fresh}")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (code, reason) = close_of(&mut idle).await;
    assert_eq!((code, reason.as_str()), (1001, "idle"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_websocket_client_is_skipped_ahead_and_does_not_hold_up_others() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_METRICS_INTERVAL_MS", "10")]).await;
    let admin = s.admin().await;
    // Many series, so each batch is tens of kilobytes and the slow client's buffers fill fast.
    let doc = s.get("/api/v1/openapi.json", None).await.body;
    for path in doc["paths"].as_object().unwrap().keys() {
        for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
            s.call(method, &path.replace("{id}", "x"), Some(&admin), None).await;
        }
    }
    // The slow client's socket takes only a few kilobytes and it does not read at all.
    let addr = s.base.trim_start_matches("http://").parse::<std::net::SocketAddr>().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let (mut slow, _) = tokio_tungstenite::client_async(
        ws_url(&s, &format!("/ws/metrics?token={admin}")),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .unwrap();
    let mut fast = connect(&s, &format!("/ws/metrics?token={admin}&names=api.request.rate")).await.unwrap();
    let mut stamps = std::collections::BTreeSet::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(6) {
        let m = next_json(&mut fast).await.unwrap();
        stamps.insert(m["timestamp"].as_str().unwrap().to_owned());
    }
    // The fast client kept receiving batches while the slow one was stuck.
    assert!(stamps.len() >= 5, "only {} batches reached the fast client", stamps.len());
    // When the slow client reads again, it is told that it missed batches.
    let mut read = 0;
    let notice = loop {
        let m = next_json(&mut slow).await.expect("still connected");
        if m["type"] == "notice" {
            break m;
        }
        read += 1;
        assert!(read < 20_000, "no notice after {read} messages: the slow client was never skipped ahead");
    };
    eprintln!("slow client: notice after {read} messages: {notice}");
    assert!(notice["data"]["dropped"].as_u64().unwrap() > 0, "{notice}");
    // And it is current again afterwards.
    assert_eq!(next_json(&mut slow).await.unwrap()["type"], "metric");
}

/// A reader of `/api/v1/events`: parsed `(id, message)` pairs.
struct Sse {
    res: reqwest::Response,
    buf: String,
}

impl Sse {
    async fn open(s: &Server, query: &str, last_id: Option<&str>) -> reqwest::Response {
        let mut req = s.client.get(s.url(&format!("/api/v1/events{query}"))).timeout(Duration::from_secs(120));
        if let Some(id) = last_id {
            req = req.header("last-event-id", id);
        }
        req.send().await.unwrap()
    }

    async fn connect(s: &Server, query: &str, last_id: Option<&str>) -> Sse {
        let res = Sse::open(s, query, last_id).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        Sse { res, buf: String::new() }
    }

    /// The next event with data (comments and keep-alives skipped).
    async fn next(&mut self) -> (Option<String>, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                    assert!(!line.starts_with("event:"), "events are unnamed so onmessage gets them: {frame}");
                }
                if !data.is_empty() {
                    return (id, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(15), self.res.chunk())
                .await
                .expect("an event within 15 s")
                .unwrap()
                .expect("stream open");
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    async fn until(&mut self, want: impl Fn(&Value) -> bool) -> (Option<String>, Value) {
        loop {
            let e = self.next().await;
            if want(&e.1) {
                return e;
            }
        }
    }
}

fn chain_workflow() -> Value {
    json!({"name": "two steps", "nodes": [
        {"id": "a", "type": "transform", "config": {"assign": {"x": "1 + 1"}}},
        {"id": "b", "type": "transform", "config": {"assign": {"y": "${x} * 3"}}}],
        "edges": [{"id": "e1", "from": "a", "to": "b"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_streams_progress_and_workflow_status_and_resumes() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    let analyst = s.user_with(&admin, "analyst", &["query:execute", "datasource:read"]).await;

    assert_eq!(Sse::open(&s, "", None).await.status(), 401);
    assert_eq!(Sse::open(&s, "?token=nope", None).await.status(), 401);

    let mut events = Sse::connect(&s, &format!("?token={admin}"), None).await;
    let mut other = Sse::connect(&s, &format!("?token={analyst}"), None).await;

    // Query progress for a run with a client-chosen id, to its user only.
    let body = json!({"query": {"tables": [{"name": "Order", "limit": 5}]}, "options": {"progressId": "run-1"}});
    s.post("/api/v1/query/execute", Some(&admin), body).await.expect(200, 0);
    let (id, first) = events.next().await;
    assert!(id.is_some());
    assert_eq!(first["type"], "query-progress");
    assert!(is_iso_millis(&first["timestamp"]));
    assert_eq!((first["data"]["id"].as_str(), first["data"]["phase"].as_str()), (Some("run-1"), Some("running")));
    let (_, done) = events.next().await;
    assert_eq!(done["data"]["phase"], "completed");
    assert_eq!((done["data"]["rows"].as_i64(), done["data"]["datasource"].as_str()), (Some(5), Some("demo")));
    // A streamed export reports rows as they go, and its end.
    let body =
        json!({"query": {"tables": [{"name": "Order"}]}, "options": {"progressId": "export-1", "format": "csv"}});
    let csv = s.client.post(s.url("/api/v1/query/execute")).bearer_auth(&admin).json(&body).send().await.unwrap();
    assert_eq!(csv.text().await.unwrap().lines().count(), 50_001);
    let (_, end) = events
        .until(|e| {
            e["data"]["id"] == "export-1" && e["data"]["phase"] != "running" && e["data"]["phase"] != "streaming"
        })
        .await;
    assert_eq!((end["data"]["phase"].as_str(), end["data"]["rows"].as_i64()), (Some("completed"), Some(50_000)));

    // Workflow status, for users who may read workflows.
    let wf = s.post("/api/v1/workflows", Some(&admin), chain_workflow()).await.expect(201, 0);
    let wf = wf.data()["id"].as_str().unwrap().to_owned();
    let run = s.post(&format!("/api/v1/workflows/{wf}/execute"), Some(&admin), json!({})).await.expect(200, 0);
    let exec = run.data()["executionId"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    let mut last;
    loop {
        let (id, e) = events.until(|e| e["type"] == "workflow-status").await;
        assert_eq!(e["data"]["executionId"], exec.as_str());
        assert_eq!(e["data"]["workflowId"], wf.as_str());
        seen.push(format!("{}:{}", e["data"]["event"].as_str().unwrap(), e["data"]["nodeId"].as_str().unwrap_or("-")));
        last = id.unwrap();
        if e["data"]["event"] == "finished" {
            assert_eq!(e["data"]["status"], "completed");
            break;
        }
    }
    assert_eq!(seen, ["started:-", "nodeStarted:a", "nodeFinished:a", "nodeStarted:b", "nodeFinished:b", "finished:-"]);

    // The analyst saw neither the admin's query progress nor workflow status (no workflow:read);
    // their own query's progress reaches them.
    let body = json!({"query": {"tables": [{"name": "User", "limit": 1}]}, "options": {"progressId": "mine"}});
    s.post("/api/v1/query/execute", Some(&analyst), body).await.expect(200, 0);
    let (_, e) = other.next().await;
    assert_eq!(e["data"]["id"], "mine", "{e}");

    // Resume: events after Last-Event-ID are replayed, nothing before it.
    drop(events);
    let run = s.post(&format!("/api/v1/workflows/{wf}/execute"), Some(&admin), json!({})).await.expect(200, 0);
    let missed = run.data()["executionId"].as_str().unwrap().to_owned();
    let mut resumed = Sse::connect(&s, &format!("?token={admin}"), Some(&last)).await;
    let (_, e) = resumed.next().await;
    assert_eq!(
        (e["data"]["executionId"].as_str(), e["data"]["event"].as_str()),
        (Some(missed.as_str()), Some("started"))
    );
    // `lastEventId` in the URL works too, for clients that cannot set headers.
    let mut by_param = Sse::connect(&s, &format!("?token={admin}&lastEventId={last}"), None).await;
    assert_eq!(by_param.next().await.1["data"]["executionId"], missed.as_str());
    // An id too old to replay from is said so.
    // An id older than everything kept replays everything kept (nothing was forgotten yet;
    // the hub's unit tests cover the notice sent when something was).
    let mut all = Sse::connect(&s, &format!("?token={admin}"), Some("00000000-0000-7000-8000-000000000000")).await;
    assert_eq!(all.next().await.1["data"]["id"], "run-1");
}

async fn alerts_fire_and_resolve_once(store: TestStore) {
    let s = Server::start(
        store,
        &[("QUARRY_ALERT_INTERVAL_MS", "100"), ("QUARRY_METRICS_FLUSH_MS", "100"), ("QUARRY_WS_HEARTBEAT_MS", "1000")],
    )
    .await;
    let admin = s.admin().await;
    let viewer = s.user_with(&admin, "viewer", &["metrics:read"]).await;

    // Every problem at once, with a suggestion for a misspelt metric.
    let bad = s
        .post(
            "/api/v1/alerts",
            Some(&admin),
            json!({"metric": "query.eror.rate", "comparison": "=>", "windowMinutes": 0}),
        )
        .await
        .expect(400, 1000);
    let paths: Vec<&str> = bad.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["name", "metric", "comparison", "threshold", "windowMinutes"], "{}", bad.body);
    assert!(bad.body["errors"][1]["message"].as_str().unwrap().contains("query.error.rate"));
    s.post("/api/v1/alerts", Some(&viewer), json!({})).await.expect(403, 2100);

    let mut ws = connect(&s, &format!("/ws?token={viewer}")).await.unwrap();
    let rule = json!({"name": "failing workflows", "metric": "workflow.failure.rate", "comparison": ">", "threshold": 50,
        "windowMinutes": 5, "severity": "critical"});
    let created = s.post("/api/v1/alerts", Some(&admin), rule).await.expect(201, 0);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.data()["state"], "ok");

    // Executions that fail (their API call is refused: loopback is not allow-listed): 100 %.
    let failing =
        json!({"name": "fails", "nodes": [{"id": "call", "type": "api", "config": {"url": "http://127.0.0.1:9/x"}}]});
    let failing = s.post("/api/v1/workflows", Some(&admin), failing).await.expect(201, 0);
    let failing = failing.data()["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let run = s.post(&format!("/api/v1/workflows/{failing}/execute"), Some(&admin), json!({})).await.expect(200, 0);
        assert_eq!(run.data()["status"], "failed", "{}", run.body);
    }
    let fired = until(&mut ws, |m| m["type"] == "alert").await;
    assert!(is_iso_millis(&fired["timestamp"]));
    let d = &fired["data"];
    assert_eq!(
        (d["ruleId"].as_str(), d["state"].as_str(), d["severity"].as_str()),
        (Some(id.as_str()), Some("firing"), Some("critical"))
    );
    assert_eq!(d["value"], 100.0);
    let listed = s.get(&format!("/api/v1/alerts/{id}"), Some(&viewer)).await.expect(200, 0);
    assert_eq!(listed.data()["state"], "firing");

    // Enough good executions bring the rate under the threshold: resolved.
    let good = s.post("/api/v1/workflows", Some(&admin), chain_workflow()).await.expect(201, 0);
    let good = good.data()["id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let run = s.post(&format!("/api/v1/workflows/{good}/execute"), Some(&admin), json!({})).await.expect(200, 0);
        assert_eq!(run.data()["status"], "completed");
    }
    let resolved = until(&mut ws, |m| m["type"] == "alert").await;
    assert_eq!(resolved["data"]["state"], "resolved", "{resolved}");
    let history = s.get(&format!("/api/v1/alerts/events?ruleId={id}"), Some(&viewer)).await.expect(200, 0);
    let states: Vec<&str> =
        history.data()["items"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["resolved", "firing"], "each change recorded once");

    // Editing a rule starts it over; deleting it removes its history.
    let edited =
        json!({"name": "failing workflows", "metric": "workflow.failure.rate", "comparison": ">", "threshold": 90});
    let a = s.put(&format!("/api/v1/alerts/{id}"), Some(&admin), edited).await.expect(200, 0);
    assert_eq!((a.data()["threshold"].as_f64(), a.data()["state"].as_str()), (Some(90.0), Some("ok")));
    s.call(reqwest::Method::DELETE, &format!("/api/v1/alerts/{id}"), Some(&admin), None).await.expect(200, 0);
    s.get(&format!("/api/v1/alerts/{id}"), Some(&admin)).await.expect(404, 3000);
    let history = s.get(&format!("/api/v1/alerts/events?ruleId={id}"), Some(&viewer)).await.expect(200, 0);
    assert_eq!(history.data()["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_events_and_history_through_redis_and_one_store() {
    let Some(redis) = test_support::redis_url().await else { return };
    let Some(store) = TestStore::new(StoreKind::Postgres).await else { return };
    let second = store.sharing();
    let env = [
        ("QUARRY_REDIS_URL", redis.as_str()),
        ("QUARRY_METRICS_FLUSH_MS", "100"),
        ("QUARRY_ALERT_INTERVAL_MS", "100"),
        ("QUARRY_DEMO", "false"),
    ];
    let a = Server::start(store, &env).await;
    let b = Server::start(second, &env).await;
    let admin_a = a.admin().await;
    let admin_b = b.login("admin", crate::harness::ADMIN_PASSWORD).await;

    // Workflow status from an execution on A reaches an SSE client of B.
    let mut on_b = Sse::connect(&b, &format!("?token={admin_b}"), None).await;
    let wf = a.post("/api/v1/workflows", Some(&admin_a), chain_workflow()).await.expect(201, 0);
    let wf = wf.data()["id"].as_str().unwrap().to_owned();
    let run = a.post(&format!("/api/v1/workflows/{wf}/execute"), Some(&admin_a), json!({})).await.expect(200, 0);
    let exec = run.data()["executionId"].as_str().unwrap().to_owned();
    let (_, e) = on_b.until(|e| e["data"]["event"] == "finished").await;
    assert_eq!(e["data"]["executionId"], exec.as_str());

    // An alert fires once, and both instances' clients hear it.
    let mut ws_a = connect(&a, &format!("/ws?token={admin_a}")).await.unwrap();
    let mut ws_b = connect(&b, &format!("/ws?token={admin_b}")).await.unwrap();
    let rule =
        json!({"name": "busy", "metric": "api.request.count", "comparison": ">", "threshold": 0, "windowMinutes": 1});
    let rule = a.post("/api/v1/alerts", Some(&admin_a), rule).await.expect(201, 0);
    let rule_id = rule.data()["id"].as_str().unwrap().to_owned();
    for ws in [&mut ws_a, &mut ws_b] {
        let m = until(ws, |m| m["type"] == "alert").await;
        assert_eq!(
            (m["data"]["ruleId"].as_str(), m["data"]["state"].as_str()),
            (Some(rule_id.as_str()), Some("firing"))
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = a.get(&format!("/api/v1/alerts/events?ruleId={rule_id}"), Some(&admin_a)).await.expect(200, 0);
    assert_eq!(events.data()["total"], 1, "one instance recorded the change: {}", events.body);

    // Requests to both instances add up in the history (each instance writes its own rows).
    for _ in 0..5 {
        a.get("/api/v1/auth/me", Some(&admin_a)).await.expect(200, 0);
        b.get("/api/v1/auth/me", Some(&admin_b)).await.expect(200, 0);
    }
    let now = chrono::Utc::now();
    let q = format!(
        "/api/v1/metrics/query/history?from={}&to={}&interval=1h&names=api.request.count",
        (now - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00:00Z"),
        (now + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00:00Z"),
    );
    // What both instances counted so far is a floor; what they counted afterwards a ceiling
    // (a row counted twice would exceed it).
    let before = counted(&a, &admin_a).await + counted(&b, &admin_b).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let total = loop {
        let d = b.get(&q, Some(&admin_b)).await.expect(200, 0).data().clone();
        let total: u64 =
            d["series"][0]["dataPoints"].as_array().unwrap().iter().filter_map(|p| p["value"].as_u64()).sum();
        if total >= before {
            break total;
        }
        assert!(Instant::now() < deadline, "history did not merge both instances ({total} < {before}): {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let after = counted(&a, &admin_a).await + counted(&b, &admin_b).await;
    assert!(total <= after, "history {total} counts more than the instances did ({after})");
}

/// Requests an instance has counted since it started, from its `/metrics`.
async fn counted(s: &Server, token: &str) -> u64 {
    let text = s.client.get(s.url("/metrics")).bearer_auth(token).send().await.unwrap().text().await.unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    scrape
        .samples
        .iter()
        .filter(|x| x.metric == "quarry_api_request_count_total")
        .map(|x| match x.value {
            prometheus_parse::Value::Counter(n) => n as u64,
            _ => 0,
        })
        .sum()
}
