//! A local SMTP sink for the tests: accepts letters over a real SMTP conversation on
//! 127.0.0.1 and keeps them, or refuses recipients with a chosen reply code.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One letter as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-stuffing undone.
    pub data: String,
}

pub struct Sink {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU16>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    pub async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("smtp://{}", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicU16::new(0));
        let task = tokio::spawn({
            let received = received.clone();
            let refuse = refuse.clone();
            async move {
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(converse(socket, received.clone(), refuse.clone()));
                }
            }
        });
        Sink {
            url,
            received,
            refuse,
            task,
        }
    }

    /// Letters received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("sink").clone()
    }

    /// From now on, answers every recipient with `code` (451: try later; 550: no such
    /// mailbox); 0 accepts again.
    pub fn refuse_with(&self, code: u16) {
        self.refuse.store(code, Ordering::SeqCst);
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn converse(
    socket: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU16>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut to = Vec::new();
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: String = if command.starts_with("EHLO") || command.starts_with("HELO") {
            "250-sink\r\n250 8BITMIME\r\n".into()
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            "250 OK\r\n".into()
        } else if command.starts_with("RCPT TO") {
            match refuse.load(Ordering::SeqCst) {
                0 => {
                    let address = line.trim_end()[8..].trim().trim_matches(['<', '>']);
                    to.push(address.to_owned());
                    "250 OK\r\n".into()
                }
                code => format!("{code} refused by the test sink\r\n"),
            }
        } else if command == "DATA" {
            let _ = write.write_all(b"354 go on\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            received.lock().expect("sink").push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            "250 kept\r\n".into()
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "250 OK\r\n".into()
        };
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}
