//! Starts the real `quarry` binary on port 0 against a fresh store and talks HTTP to it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use test_support::TestStore;

pub const ADMIN_PASSWORD: &str = "admin-Secret-123";

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    store: Option<TestStore>,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    child: Child,
}

/// A response: status, parsed JSON body (or `Null`) and headers.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    #[track_caller]
    pub fn expect(self, status: u16, code: i64) -> Answer {
        assert_eq!((self.status.as_u16(), self.code()), (status, code), "unexpected answer: {}", self.body);
        self
    }
}

fn pump(stream: impl std::io::Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(line);
        }
    });
}

impl Server {
    /// Starts a server on `store` with the admin password set and `env` added.
    pub async fn start(store: TestStore, env: &[(&str, &str)]) -> Server {
        let mut all = vec![("QUARRY_ADMIN_PASSWORD", ADMIN_PASSWORD)];
        all.extend_from_slice(env);
        Server::start_raw(store, &all).await
    }

    /// Starts a server with exactly `env` besides the listen address, data dir and store URL.
    pub async fn start_raw(store: TestStore, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_quarry"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("QUARRY_LISTEN", "127.0.0.1:0")
            .env("QUARRY_DATA_DIR", store.data_dir.path().join("data"))
            .env("QUARRY_DATABASE_URL", &store.url)
            .env("QUARRY_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn quarry");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        pump(child.stdout.take().unwrap(), stdout.clone());
        pump(child.stderr.take().unwrap(), stderr.clone());
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            if let Some(url) = stdout.lock().unwrap().iter().find_map(|l| l.split("listening on ").nth(1)) {
                break url.trim().to_owned();
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("quarry exited with {status}: {}", stderr.lock().unwrap().join("\n"));
            }
            assert!(Instant::now() < deadline, "quarry did not start: {}", stderr.lock().unwrap().join("\n"));
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Server { base, client, store: Some(store), stdout, stderr, child }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.expect("request")).await
    }

    /// A POST without the harness's parsing, for tests that read headers such as `Set-Cookie`.
    pub async fn client_post_raw(&self, path: &str, body: Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(&body).send().await.expect("request")
    }

    /// A POST signed in by a cookie (as a browser would), optionally from another `origin`.
    pub async fn client_post_cookie(&self, path: &str, cookie: &str, origin: Option<&str>, body: Value) -> Value {
        let mut req = self.client.post(self.url(path)).header("cookie", cookie).json(&body);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        answer(req.send().await.expect("request")).await.body
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn login_answer(&self, username: &str, password: &str) -> Answer {
        self.post("/api/v1/auth/login", None, json!({"username": username, "password": password})).await
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let a = self.login_answer(username, password).await.expect(200, 0);
        a.data()["token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a role with `permissions` and a user holding it; returns the user's token.
    pub async fn user_with(&self, admin: &str, name: &str, permissions: &[&str]) -> String {
        self.post("/api/v1/roles", Some(admin), json!({"name": format!("{name}-role"), "permissions": permissions}))
            .await
            .expect(201, 0);
        self.post(
            "/api/v1/users",
            Some(admin),
            json!({"username": name, "password": "pass-word-1", "roles": [format!("{name}-role")]}),
        )
        .await
        .expect(201, 0);
        self.login(name, "pass-word-1").await
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.store.as_ref().unwrap().data_dir.path().join("data")
    }

    /// Stops the server with SIGTERM (a graceful shutdown) and returns the store for a restart.
    pub fn stop(mut self) -> TestStore {
        assert!(self.terminate(), "quarry did not stop within 10 s of SIGTERM");
        self.store.take().unwrap()
    }

    /// Kills the server with SIGKILL (no shutdown at all, as in a crash) and returns the store.
    pub fn kill(mut self) -> TestStore {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.store.take().unwrap()
    }

    /// Sends SIGTERM and waits; true when the process exited by itself.
    fn terminate(&mut self) -> bool {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, body, headers }
}
