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
