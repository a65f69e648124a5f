//! A small IMAP4rev1 client for the desk's mailbox: TLS (implicit or STARTTLS) through rustls,
//! login, select, the undeleted messages' UIDs, their raw bytes (`BODY.PEEK[]`, so nothing is
//! marked read before the desk has kept it), deletion once kept, and IDLE where offered. Every
//! step is bounded in time; nothing here knows about tickets.
use crate::MailError;
use base64::Engine;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, port 993).
    Tls,
    /// A plain connection upgraded by STARTTLS before login (`imap://`, the default there).
    StartTls,
    /// No encryption (`imap://…?tls=none`): a mailbox on the same host or in tests.
    None,
}

/// A mailbox to poll: `imaps://user:password@host:993/INBOX`,
/// `imap://user:password@host/INBOX` (STARTTLS), `?tls=none` for a plain connection and
/// `?ca=/path/ca.pem` to trust an in-house certificate authority besides the public ones.
#[derive(Clone)]
pub struct Mailbox {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: String,
    pub folder: String,
    pub ca: Option<PathBuf>,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}@{}:{}/{}",
            if self.security == Security::Tls {
                "imaps"
            } else {
                "imap"
            },
            self.user,
            self.host,
            self.port,
            self.folder
        )
    }
}

/// Decodes `%XX` escapes (user names and passwords with `@` or `:` in a URL).
fn unescape(s: &str) -> Result<String, MailError> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| MailError::Config(format!("bad escape in {s}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| MailError::Config("escapes are not UTF-8".into()))
}

impl Mailbox {
    pub fn parse(url: &str) -> Result<Mailbox, MailError> {
        let (security, rest) = if let Some(r) = url.strip_prefix("imaps://") {
            (Security::Tls, r)
        } else if let Some(r) = url.strip_prefix("imap://") {
            (Security::StartTls, r)
        } else {
            return Err(MailError::Config(
                "a mailbox URL starts with imaps:// or imap://".into(),
            ));
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (creds, rest) = rest
            .rsplit_once('@')
            .ok_or_else(|| MailError::Config("the mailbox URL needs user:password@".into()))?;
        let (user, password) = creds
            .split_once(':')
            .ok_or_else(|| MailError::Config("the mailbox URL needs user:password@".into()))?;
        let (hostport, folder) = rest.split_once('/').unwrap_or((rest, "INBOX"));
        let folder = if folder.is_empty() {
            "INBOX".to_string()
        } else {
            unescape(folder)?
        };
        let mut security = security;
        let mut ca = None;
        for kv in query.split('&').filter(|kv| !kv.is_empty()) {
            match kv.split_once('=') {
                Some(("tls", "none")) => security = Security::None,
                Some(("tls", "starttls")) => security = Security::StartTls,
                Some(("tls", "tls")) => security = Security::Tls,
                Some(("ca", path)) => ca = Some(PathBuf::from(unescape(path)?)),
                _ => return Err(MailError::Config(format!("unknown mailbox option {kv}"))),
            }
        }
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| MailError::Config(format!("bad port in {hostport}")))?,
            ),
            _ => (hostport, if security == Security::Tls { 993 } else { 143 }),
        };
        if host.is_empty() || user.is_empty() {
            return Err(MailError::Config(
                "the mailbox URL needs a host and a user".into(),
            ));
        }
        if folder
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
        {
            return Err(MailError::Config("unusable folder name".into()));
        }
        Ok(Mailbox {
            host: host.trim_start_matches('[').trim_end_matches(']').into(),
            port,
            security,
            user: unescape(user)?,
            password: unescape(password)?,
            folder,
            ca,
        })
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Stream {
    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf).await,
            Stream::Tls(s) => s.read(buf).await,
        }
    }
    async fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => {
                s.write_all(b).await?;
                s.flush().await
            }
            Stream::Tls(s) => {
                s.write_all(b).await?;
                s.flush().await
            }
        }
    }
}

/// One server response: its text (literals replaced by `{n}` markers as sent) and the
/// literals' bytes in order.
#[derive(Debug, Default)]
pub struct Response {
    pub text: String,
    pub literals: Vec<Vec<u8>>,
}

/// A message fetched: its UID and raw bytes.
#[derive(Debug)]
pub struct Fetched {
    pub uid: u32,
    pub raw: Vec<u8>,
}

/// The longest line (outside literals) a server may send.
const MAX_LINE: usize = 1024 * 1024;
/// The largest literal taken (a message a little over the desk's limit is still read, so that
/// the desk can record its refusal).
const MAX_LITERAL: usize = crate::inbound::MAX_MESSAGE_BYTES + 1024 * 1024;

/// A logged-in session on one folder.
pub struct Session {
    stream: Stream,
    buf: Vec<u8>,
    tag: u32,
    step: Duration,
    pub capabilities: Vec<String>,
}

fn tls_config(ca: Option<&PathBuf>) -> Result<Arc<rustls::ClientConfig>, MailError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| MailError::Config(format!("{}: {e}", path.display())))?;
        for c in certs {
            let c = c.map_err(|e| MailError::Config(format!("{}: {e}", path.display())))?;
            roots
                .add(c)
                .map_err(|e| MailError::Config(format!("{}: {e}", path.display())))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn handshake(m: &Mailbox, tcp: TcpStream) -> Result<Stream, MailError> {
    let config = tls_config(m.ca.as_ref())?;
    let name = ServerName::try_from(m.host.clone())
        .map_err(|e| MailError::Config(format!("{}: {e}", m.host)))?;
    let s = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| MailError::Send(format!("TLS with {}: {e}", m.host)))?;
    Ok(Stream::Tls(Box::new(s)))
}

/// An IMAP quoted string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Session {
    /// Connects, secures the connection, logs in and selects the folder; each step within
    /// `step`.
    pub async fn open(m: &Mailbox, step: Duration) -> Result<Session, MailError> {
        let tcp = timeout(step, TcpStream::connect((m.host.as_str(), m.port)))
            .await
            .map_err(|_| MailError::Timeout(format!("connecting to {}:{}", m.host, m.port)))?
            .map_err(|e| MailError::Send(format!("connecting to {}:{}: {e}", m.host, m.port)))?;
        let stream = match m.security {
            Security::Tls => timeout(step, handshake(m, tcp))
                .await
                .map_err(|_| MailError::Timeout("TLS handshake".into()))??,
            _ => Stream::Plain(tcp),
        };
        let mut s = Session {
            stream,
            buf: Vec::new(),
            tag: 0,
            step,
            capabilities: Vec::new(),
        };
        let greeting = s.response().await?;
        if !greeting.text.starts_with("* OK") && !greeting.text.starts_with("* PREAUTH") {
            return Err(MailError::Send(format!("greeting: {}", greeting.text)));
        }
        if m.security == Security::StartTls {
            s.command("STARTTLS").await?;
            let Stream::Plain(tcp) =
                std::mem::replace(&mut s.stream, Stream::Plain(dummy().await?))
            else {
                return Err(MailError::Send("STARTTLS on a TLS stream".into()));
            };
            s.stream = timeout(step, handshake(m, tcp))
                .await
                .map_err(|_| MailError::Timeout("TLS handshake".into()))??;
            s.buf.clear();
        }
        s.capability().await?;
        if s.capabilities.iter().any(|c| c == "AUTH=PLAIN") {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("\0{}\0{}", m.user, m.password));
            if s.capabilities.iter().any(|c| c == "SASL-IR") {
                s.command(&format!("AUTHENTICATE PLAIN {token}")).await?;
            } else {
                s.authenticate_plain(&token).await?;
            }
        } else {
            s.command(&format!(
                "LOGIN {} {}",
                quoted(&m.user),
                quoted(&m.password)
            ))
            .await?;
        }
        s.capability().await?;
        s.command(&format!("SELECT {}", quoted(&m.folder))).await?;
        Ok(s)
    }

    async fn capability(&mut self) -> Result<(), MailError> {
        let out = self.command("CAPABILITY").await?;
        self.capabilities = out
            .iter()
            .filter_map(|r| r.text.strip_prefix("* CAPABILITY "))
            .flat_map(|t| t.split_whitespace())
            .map(str::to_ascii_uppercase)
            .collect();
        Ok(())
    }

    async fn authenticate_plain(&mut self, token: &str) -> Result<(), MailError> {
        let tag = self.next_tag();
        self.send(&format!("{tag} AUTHENTICATE PLAIN\r\n")).await?;
        let r = self.response().await?;
        if !r.text.starts_with('+') {
            return Err(MailError::Send(format!("AUTHENTICATE: {}", r.text)));
        }
        self.send(&format!("{token}\r\n")).await?;
        self.finish(&tag).await.map(|_| ())
    }

    /// Whether the server offers IDLE.
    pub fn idles(&self) -> bool {
        self.capabilities.iter().any(|c| c == "IDLE")
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("M{}", self.tag)
    }

    async fn send(&mut self, line: &str) -> Result<(), MailError> {
        timeout(self.step, self.stream.write_all(line.as_bytes()))
            .await
            .map_err(|_| MailError::Timeout("writing to the mailbox".into()))?
            .map_err(|e| MailError::Send(format!("writing to the mailbox: {e}")))
    }

    /// Reads more bytes into the buffer within `wait`.
    async fn fill(&mut self, wait: Duration) -> Result<(), MailError> {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = timeout(wait, self.stream.read(&mut chunk))
            .await
            .map_err(|_| MailError::Timeout("waiting for the mailbox".into()))?
            .map_err(|e| MailError::Send(format!("reading the mailbox: {e}")))?;
        if n == 0 {
            return Err(MailError::Send("the mailbox closed the connection".into()));
        }
        self.buf
            .extend_from_slice(chunk.get(..n).unwrap_or_default());
        Ok(())
    }

    /// One line (without CRLF) within `wait`.
    async fn line(&mut self, wait: Duration) -> Result<String, MailError> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..i + 2).take(i).collect();
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buf.len() > MAX_LINE {
                return Err(MailError::Send("the mailbox sent an over-long line".into()));
            }
            self.fill(wait).await?;
        }
    }

    async fn response_within(&mut self, wait: Duration) -> Result<Response, MailError> {
        let mut r = Response::default();
        loop {
            let line = self.line(wait).await?;
            let literal = line
                .strip_suffix('}')
                .and_then(|l| l.rsplit_once('{'))
                .and_then(|(_, n)| n.trim_end_matches('+').parse::<usize>().ok());
            r.text.push_str(&line);
            let Some(n) = literal else {
                return Ok(r);
            };
            if n > MAX_LITERAL {
                return Err(MailError::Send(format!("a literal of {n} bytes")));
            }
            while self.buf.len() < n {
                self.fill(self.step).await?;
            }
            r.literals.push(self.buf.drain(..n).collect());
        }
    }

    async fn response(&mut self) -> Result<Response, MailError> {
        self.response_within(self.step).await
    }

    /// Reads until the tagged completion of `tag`; the untagged responses before it.
    async fn finish(&mut self, tag: &str) -> Result<Vec<Response>, MailError> {
        let mut out = Vec::new();
        loop {
            let r = self.response().await?;
            if let Some(rest) = r.text.strip_prefix(tag).and_then(|t| t.strip_prefix(' ')) {
                if rest.starts_with("OK") {
                    return Ok(out);
                }
                return Err(MailError::Send(format!("mailbox refused: {rest}")));
            }
            if r.text.starts_with("* BYE") {
                return Err(MailError::Send(format!("mailbox closed: {}", r.text)));
            }
            out.push(r);
        }
    }

    /// Sends one command and reads its untagged responses.
    pub async fn command(&mut self, cmd: &str) -> Result<Vec<Response>, MailError> {
        let tag = self.next_tag();
        self.send(&format!("{tag} {cmd}\r\n")).await?;
        self.finish(&tag).await
    }

    /// The UIDs of the folder's messages not marked deleted, ascending.
    pub async fn uids(&mut self) -> Result<Vec<u32>, MailError> {
        let out = self.command("UID SEARCH UNDELETED").await?;
        let mut uids: Vec<u32> = out
            .iter()
            .filter_map(|r| r.text.strip_prefix("* SEARCH"))
            .flat_map(|t| t.split_whitespace())
            .filter_map(|n| n.parse().ok())
            .collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The raw bytes of the messages `uids` (without marking them read).
    pub async fn fetch(&mut self, uids: &[u32]) -> Result<Vec<Fetched>, MailError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let out = self
            .command(&format!("UID FETCH {set} (UID BODY.PEEK[])"))
            .await?;
        let mut got = Vec::new();
        for mut r in out {
            if !r.text.contains(" FETCH ") || r.literals.is_empty() {
                continue;
            }
            let uid = r.text.split("UID ").nth(1).and_then(|t| {
                t.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse::<u32>().ok())
            });
            if let Some(uid) = uid {
                got.push(Fetched {
                    uid,
                    raw: r.literals.swap_remove(0),
                });
            }
        }
        Ok(got)
    }

    /// Marks `uids` deleted and expunges them.
    pub async fn delete(&mut self, uids: &[u32]) -> Result<(), MailError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.command(&format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))
            .await?;
        if self.capabilities.iter().any(|c| c == "UIDPLUS") {
            self.command(&format!("UID EXPUNGE {set}")).await?;
        } else {
            self.command("EXPUNGE").await?;
        }
        Ok(())
    }

    /// Waits in IDLE up to `wait` for new mail; true when the server announced some.
    pub async fn idle(&mut self, wait: Duration) -> Result<bool, MailError> {
        let tag = self.next_tag();
        self.send(&format!("{tag} IDLE\r\n")).await?;
        let r = self.response().await?;
        if !r.text.starts_with('+') {
            return Err(MailError::Send(format!("IDLE: {}", r.text)));
        }
        let deadline = tokio::time::Instant::now() + wait;
        let mut arrived = false;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            match self.response_within(left).await {
                Ok(r) if r.text.ends_with("EXISTS") || r.text.ends_with("RECENT") => {
                    arrived = true;
                    break;
                }
                Ok(_) => {}
                Err(MailError::Timeout(_)) => break,
                Err(e) => return Err(e),
            }
        }
        self.send("DONE\r\n").await?;
        self.finish(&tag).await?;
        Ok(arrived)
    }

    /// Says goodbye (best effort).
    pub async fn logout(mut self) {
        let _ = self.command("LOGOUT").await;
    }
}

/// A connected but unused TCP stream, to stand in while STARTTLS takes the real one.
async fn dummy() -> Result<TcpStream, MailError> {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| MailError::Send(e.to_string()))?;
    let addr = l.local_addr().map_err(|e| MailError::Send(e.to_string()))?;
    TcpStream::connect(addr)
        .await
        .map_err(|e| MailError::Send(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mailbox_urls() {
        let m =
            Mailbox::parse("imaps://desk%40lumiere.test:p%3Ass@mail.lumiere.test/Support").unwrap();
        assert_eq!(
            (
                m.host.as_str(),
                m.port,
                m.security,
                m.user.as_str(),
                m.password.as_str(),
                m.folder.as_str()
            ),
            (
                "mail.lumiere.test",
                993,
                Security::Tls,
                "desk@lumiere.test",
                "p:ss",
                "Support"
            )
        );
        assert!(!format!("{m:?}").contains("p:ss"));
        let m = Mailbox::parse("imap://u:p@127.0.0.1:1143?tls=none").unwrap();
        assert_eq!(
            (m.port, m.security, m.folder.as_str()),
            (1143, Security::None, "INBOX")
        );
        let m = Mailbox::parse("imap://u:p@host/INBOX?ca=/etc/ca.pem").unwrap();
        assert_eq!(
            (m.port, m.security, m.ca),
            (143, Security::StartTls, Some(PathBuf::from("/etc/ca.pem")))
        );
        for bad in [
            "http://u:p@h",
            "imap://h/INBOX",
            "imap://u:p@h:x",
            "imap://u:p@h?tls=maybe",
            "imap://u:p@h/IN\"BOX",
        ] {
            assert!(Mailbox::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quotes_strings() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
