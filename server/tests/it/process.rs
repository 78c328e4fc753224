//! The real binary, as a service manager runs it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn server(data_dir: &std::path::Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_remove("DATABASE_URL")
        .env("CIRCLE_DATA_DIR", data_dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = std::env::temp_dir().join(format!("circle-it-sigterm-{}", std::process::id()));
    let port = free_port();
    let child = server(&dir, port).spawn().expect("spawn");
    let started = Instant::now();
    let health = loop {
        if let Some(r) = get(port, "/healthz") {
            break r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "exit status {:?}", output.status);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("Circle stopped"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_setting_exits_non_zero_with_one_line_on_stderr() {
    let dir = std::env::temp_dir().join(format!("circle-it-badurl-{}", std::process::id()));
    let output = server(&dir, free_port())
        .env("DATABASE_URL", "mysql://nowhere")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("circle: "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("unsupported database URL"), "{stderr}");
}

#[test]
fn seed_demo_loads_the_demo_into_any_database_and_is_safe_to_repeat() {
    let dir = std::env::temp_dir().join(format!("circle-it-seed-{}", std::process::id()));
    let db = dir.join("other.db");
    std::fs::create_dir_all(&dir).expect("dir");
    for _ in 0..2 {
        let status = server(&dir, free_port())
            .env("DATABASE_URL", format!("sqlite:{}", db.display()))
            .arg("seed-demo")
            .status()
            .expect("run");
        assert!(status.success());
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = store::connect(&format!("sqlite:{}", db.display()))
            .await
            .expect("open");
        assert_eq!(store.people().await.expect("people").len(), 3);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A minimal HTTP/1.1 POST: the status line, the headers and the body of the answer.
fn post(port: u16, path: &str, cookie: &str, content_type: &str, body: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn wait_until_up(port: u16) {
    let started = Instant::now();
    while get(port, "/healthz").is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every edit the server answered is in its audit trail, however it was stopped: the audit
/// events of a push are written in the push's own transaction. (Before, they were written
/// after it, and a server killed between the two kept edits nobody could trace.)
#[test]
fn every_answered_edit_is_audited_even_when_the_server_is_killed_mid_write() {
    use domain::records::authority::{AnyOp, Mutation, PushRequest};
    use domain::records::{RecordOp, SCHEMA_VERSION};
    use domain::sync::ClientId;
    let dir = std::env::temp_dir().join(format!("circle-it-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let device = ClientId(uuid::Uuid::from_u128(0xdead_beef));
    let mut seq = 0u64;
    let mut answered = 0u64;
    for round in 0..8u64 {
        let port = free_port();
        let mut child = server(&dir, port).spawn().expect("spawn");
        wait_until_up(port);
        let signed_in = post(
            port,
            "/auth/sign-in",
            "",
            "application/x-www-form-urlencoded",
            "email=grace%40circle.example&password=circle-demo-2026",
        )
        .expect("sign in");
        let cookie = signed_in
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_owned();
        // Push one edit at a time from another thread, and kill the server mid-stream.
        let pusher = std::thread::spawn({
            let cookie = cookie.clone();
            move || {
                let mut answered = Vec::new();
                let mut seq = seq;
                loop {
                    seq += 1;
                    let toggle = if seq % 2 == 1 {
                        crate::helpers::ops::create_goal(
                            uuid::Uuid::from_u128(0x1000 + u128::from(seq)),
                            &format!("Goal {seq}"),
                        )
                    } else {
                        RecordOp::Delete {
                            kind: "goal".into(),
                            id: uuid::Uuid::from_u128(0x1000 + u128::from(seq - 1)),
                        }
                    };
                    let body = serde_json::to_string(&PushRequest {
                        person: store::demo::MAGGIE,
                        client: device,
                        mutations: vec![Mutation {
                            client: device,
                            seq,
                            schema: SCHEMA_VERSION,
                            op: AnyOp::Record(toggle),
                        }],
                    })
                    .expect("json");
                    match post(port, "/api/sync/push", &cookie, "application/json", &body) {
                        Some(r) if r.starts_with("HTTP/1.1 200") => answered.push(seq),
                        _ => return answered,
                    }
                }
            }
        });
        std::thread::sleep(Duration::from_millis(150 + 97 * round % 400));
        Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status()
            .expect("kill");
        let _ = child.wait();
        let done = pusher.join().expect("pusher");
        if let Some(last) = done.last() {
            seq = *last;
        }
        answered += done.len() as u64;
    }
    assert!(answered > 0, "some edits were answered");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = store::connect(&format!("sqlite:{}", dir.join("circle.db").display()))
            .await
            .expect("open");
        let decided = store
            .client_seq(store::demo::MAGGIE, device)
            .await
            .expect("seq");
        assert!(
            decided >= seq,
            "every answered edit was kept ({decided} < {seq})"
        );
        let grace = store::demo::ACCOUNTS
            .iter()
            .find(|a| a.email == "grace@circle.example")
            .expect("the manager")
            .id;
        let audited = store
            .audit_events(&domain::audit::AuditFilter {
                people: vec![store::demo::MAGGIE],
                limit: 100_000,
                ..Default::default()
            })
            .await
            .expect("audit")
            .into_iter()
            // The device's edits (made as the manager), not the demo plans and progress
            // written at start.
            .filter(|e| e.kind == domain::audit::AuditKind::Changed && e.user == Some(grace))
            .count() as u64;
        assert_eq!(audited, decided, "one audit event per decided edit");
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}
