//! A deliberately tiny HTTP/1.1 client: one keep-alive connection, JSON bodies with a
//! `Content-Length`, and a reader for a server-sent-events stream. Enough to drive Circle's
//! sync routes the way a browser does, without pulling a client crate into the workspace.

use std::net::SocketAddr;

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The parts of a response head the client acts on.
struct Head {
    status: u16,
    content_length: Option<usize>,
    chunked: bool,
    /// `name=value` of the first `Set-Cookie`.
    cookie: Option<String>,
}

/// The demo account the sync benchmarks sign in as: the registered manager of every service.
pub const MANAGER: &str = "grace@circle.example";

/// The session cookie of the demo registered manager on the server at `addr` (the sync routes
/// need a signed-in user). Signed in once per address and shared by every connection.
async fn session_cookie(addr: SocketAddr) -> Result<String> {
    session_cookie_of(addr, MANAGER).await
}

/// The session cookie of the demo account `email` on the server at `addr`: signed in once per
/// address and account, and shared by every connection.
async fn session_cookie_of(addr: SocketAddr, email: &str) -> Result<String> {
    type Cookies = Vec<(SocketAddr, String, String)>;
    static COOKIES: std::sync::Mutex<Cookies> = std::sync::Mutex::new(Vec::new());
    if let Some((_, _, cookie)) = COOKIES
        .lock()
        .map_err(|_| anyhow!("cookie cache poisoned"))?
        .iter()
        .find(|(a, e, _)| *a == addr && e == email)
    {
        return Ok(cookie.clone());
    }
    let body = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        store::demo::DEMO_PASSWORD
    );
    let mut conn = open(addr).await?;
    let request = format!(
        "POST /auth/sign-in HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.get_mut()
        .write_all(request.as_bytes())
        .await
        .context("send sign-in")?;
    let head = read_head(&mut conn).await?;
    let cookie = head
        .cookie
        .filter(|_| head.status == 303)
        .ok_or_else(|| anyhow!("signing in as {email} failed ({})", head.status))?;
    COOKIES
        .lock()
        .map_err(|_| anyhow!("cookie cache poisoned"))?
        .push((addr, email.to_owned(), cookie.clone()));
    Ok(cookie)
}

async fn open(addr: SocketAddr) -> Result<BufReader<TcpStream>> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect to {addr}"))?;
    // Requests are written in one piece; without this, Nagle's algorithm and delayed ACKs
    // would add tens of milliseconds to small exchanges.
    stream.set_nodelay(true).context("set TCP_NODELAY")?;
    Ok(BufReader::new(stream))
}

async fn read_head(conn: &mut BufReader<TcpStream>) -> Result<Head> {
    let mut line = String::new();
    if conn
        .read_line(&mut line)
        .await
        .context("read status line")?
        == 0
    {
        bail!("the server closed the connection");
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| anyhow!("not an HTTP status line: {line:?}"))?;
    let mut head = Head {
        status,
        content_length: None,
        chunked: false,
        cookie: None,
    };
    loop {
        line.clear();
        if conn.read_line(&mut line).await.context("read header")? == 0 {
            bail!("the server closed the connection inside the response head");
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Ok(head);
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                head.content_length = Some(value.parse().context("Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("set-cookie") && head.cookie.is_none() {
                head.cookie = value.split(';').next().map(str::to_owned);
            }
        }
    }
}

/// Reads one chunk of a chunked body; `None` at the last (empty) chunk.
async fn read_chunk(conn: &mut BufReader<TcpStream>) -> Result<Option<Vec<u8>>> {
    let mut line = String::new();
    if conn.read_line(&mut line).await.context("read chunk size")? == 0 {
        bail!("the server closed the connection inside a chunked body");
    }
    let size = line.trim_end().split(';').next().unwrap_or_default().trim();
    let size = usize::from_str_radix(size, 16).with_context(|| format!("chunk size {size:?}"))?;
    if size == 0 {
        // Trailers, up to the empty line.
        loop {
            line.clear();
            conn.read_line(&mut line).await.context("read trailer")?;
            if line.trim_end().is_empty() {
                return Ok(None);
            }
        }
    }
    let mut data = vec![0; size + 2];
    conn.read_exact(&mut data).await.context("read chunk")?;
    data.truncate(size);
    Ok(Some(data))
}

/// One keep-alive connection for JSON requests.
pub struct Http {
    conn: BufReader<TcpStream>,
    addr: SocketAddr,
    cookie: String,
    /// How long the last chunked answer's closing (empty) chunk took to arrive once the chunk
    /// before it had: a server that writes it separately, without `TCP_NODELAY`, holds it
    /// until this client acknowledges what came before (up to the delayed-ACK timeout).
    last_wait: std::time::Duration,
}

impl Http {
    pub async fn connect(addr: SocketAddr) -> Result<Self> {
        Ok(Self {
            cookie: session_cookie(addr).await?,
            conn: open(addr).await?,
            addr,
            last_wait: std::time::Duration::ZERO,
        })
    }

    /// A connection signed in as the demo account `email` (password `DEMO_PASSWORD`).
    pub async fn connect_as(addr: SocketAddr, email: &str) -> Result<Self> {
        Ok(Self {
            cookie: session_cookie_of(addr, email).await?,
            conn: open(addr).await?,
            addr,
            last_wait: std::time::Duration::ZERO,
        })
    }

    /// POSTs `body` (JSON) to `path`; the status and the body of the answer.
    pub async fn post(&mut self, path: &str, body: &str) -> Result<(u16, String)> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nCookie: {}\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            self.cookie,
            body.len()
        );
        self.exchange(&request).await
    }

    /// GETs `path`, signed in or not; the status and the body of the answer.
    pub async fn get(&mut self, path: &str, signed_in: bool) -> Result<(u16, String)> {
        let cookie = if signed_in {
            format!("Cookie: {}\r\n", self.cookie)
        } else {
            String::new()
        };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n{cookie}\r\n",
            self.addr
        );
        self.exchange(&request).await
    }

    /// GETs the page at `path` as a browser asks for it (HTML), signed in; the status and the
    /// whole body, however the server streams it.
    pub async fn page(&mut self, path: &str) -> Result<(u16, String)> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\nCookie: {}\r\n\r\n",
            self.addr, self.cookie
        );
        self.exchange(&request).await
    }

    /// POSTs `body` as a form (`application/x-www-form-urlencoded`, as a server function's
    /// arguments are sent), asking for JSON; the status and the body of the answer.
    pub async fn post_form(&mut self, path: &str, body: &str) -> Result<(u16, String)> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Accept: application/json\r\nCookie: {}\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            self.cookie,
            body.len()
        );
        self.exchange(&request).await
    }

    /// How long the last answer's closing chunk was waited for (zero if it was not chunked).
    pub fn last_wait(&self) -> std::time::Duration {
        self.last_wait
    }

    /// The session cookie this connection sends (`name=value`).
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// Sends one request and reads its answer whole.
    async fn exchange(&mut self, request: &str) -> Result<(u16, String)> {
        self.conn
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .context("send request")?;
        let head = read_head(&mut self.conn).await?;
        let mut bytes = Vec::new();
        self.last_wait = std::time::Duration::ZERO;
        if head.chunked {
            loop {
                let asked = std::time::Instant::now();
                let Some(chunk) = read_chunk(&mut self.conn).await? else {
                    self.last_wait = asked.elapsed();
                    break;
                };
                bytes.extend_from_slice(&chunk);
            }
        } else {
            bytes.resize(head.content_length.unwrap_or(0), 0);
            self.conn
                .read_exact(&mut bytes)
                .await
                .context("read body")?;
        }
        let text = String::from_utf8(bytes).context("response body is not UTF-8")?;
        Ok((head.status, text))
    }

    /// POSTs `body` as JSON and decodes a 200 answer; any other status is an error.
    pub async fn post_json<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T> {
        let body = serde_json::to_string(body).context("encode the request")?;
        let (status, text) = self.post(path, &body).await?;
        if status != 200 {
            bail!("POST {path} answered {status}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("decode the answer to POST {path}"))
    }
}

/// An open `GET /api/sync/live` stream.
pub struct Live {
    conn: BufReader<TcpStream>,
    /// Received text not yet split into events.
    pending: String,
}

impl Live {
    /// Opens the stream; once this returns the server is subscribed, so no later change is
    /// missed.
    pub async fn open(addr: SocketAddr, person: domain::PersonId) -> Result<Self> {
        let cookie = session_cookie(addr).await?;
        let mut conn = open(addr).await?;
        let request = format!(
            "GET /api/sync/live?person={person} HTTP/1.1\r\nHost: {addr}\r\n\
             Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        );
        conn.get_mut()
            .write_all(request.as_bytes())
            .await
            .context("send live request")?;
        let head = read_head(&mut conn).await?;
        if head.status != 200 {
            bail!("GET /api/sync/live answered {}", head.status);
        }
        if !head.chunked {
            bail!("GET /api/sync/live did not answer with a streamed (chunked) body");
        }
        Ok(Self {
            conn,
            pending: String::new(),
        })
    }

    /// The next event's name and data, skipping keep-alive comments.
    pub async fn next_event(&mut self) -> Result<(String, String)> {
        loop {
            while let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                };
                if let Some(event) = field("event:") {
                    return Ok((event, field("data:").unwrap_or_default()));
                }
            }
            let chunk = read_chunk(&mut self.conn)
                .await?
                .ok_or_else(|| anyhow!("the live stream ended"))?;
            self.pending
                .push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
        }
    }
}
