//! Starting up: what is created, and the one-line errors for bad settings.

use std::net::SocketAddr;

use server::{Application, Config};

use crate::helpers::leptos_options;

fn config(vars: &[(&str, String)], addr: SocketAddr) -> Config {
    let mut leptos = leptos_options();
    leptos.site_addr = addr;
    Config::from_vars(
        |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        },
        leptos,
    )
    .expect("config")
}

/// The one-line reason Circle gives for not starting with these settings.
async fn refused(vars: &[(&str, String)], addr: SocketAddr) -> String {
    match Application::build(config(vars, addr)).await {
        Ok(_) => panic!("Circle started with settings it should refuse"),
        Err(err) => err.to_string(),
    }
}

fn any_port() -> SocketAddr {
    "127.0.0.1:0".parse().expect("addr")
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("circle-it-{tag}-{}", std::process::id()))
}

#[tokio::test]
async fn first_start_creates_the_embedded_database_with_demo_data() {
    let dir = temp_dir("first-start");
    let _ = std::fs::remove_dir_all(&dir);
    let app = Application::build(config(
        &[("CIRCLE_DATA_DIR", dir.display().to_string())],
        any_port(),
    ))
    .await
    .expect("starts");
    assert!(dir.join("circle.db").exists());
    let store = store::connect(&format!("sqlite:{}", dir.join("circle.db").display()))
        .await
        .expect("open");
    assert_eq!(store.people().await.expect("people").len(), 3);
    store.close().await;
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn demo_data_can_be_turned_off() {
    let dir = temp_dir("demo-off");
    let _ = std::fs::remove_dir_all(&dir);
    let vars = [
        ("CIRCLE_DATA_DIR", dir.display().to_string()),
        ("CIRCLE_DEMO", "off".to_owned()),
    ];
    let store = server::open_store(&config(&vars, any_port()))
        .await
        .expect("opens");
    assert!(store.is_empty().await.expect("is_empty"));
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_unsupported_database_url_is_a_clear_error() {
    let vars = [("DATABASE_URL", "mysql://root@127.0.0.1/circle".to_owned())];
    let message = refused(&vars, any_port()).await;
    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(message.contains("Check DATABASE_URL"), "{message}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error_that_hides_the_password() {
    let vars = [(
        "DATABASE_URL",
        "postgres://circle:hunter2@127.0.0.1:1/circle".to_owned(),
    )];
    let message = refused(&vars, any_port()).await;
    assert!(
        message.contains("could not open the PostgreSQL database"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_created_is_a_clear_error() {
    let file = temp_dir("not-a-dir");
    std::fs::write(&file, b"a file, not a directory").expect("write");
    let vars = [("CIRCLE_DATA_DIR", file.join("data").display().to_string())];
    let message = refused(&vars, any_port()).await;
    assert!(
        message.contains("cannot use the data directory"),
        "{message}"
    );
    assert!(message.contains("CIRCLE_DATA_DIR"), "{message}");
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let dir = temp_dir("port");
    let vars = [("CIRCLE_DATA_DIR", dir.display().to_string())];
    let message = refused(&vars, addr).await;
    assert!(
        message.contains(&format!("cannot listen on {addr}")),
        "{message}"
    );
    assert!(message.contains("LEPTOS_SITE_ADDR"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}
