//! Outgoing e-mail: SMTP (plain, STARTTLS or TLS) through lettre, or a file outbox for development.
#![forbid(unsafe_code)]

pub mod destination;
pub mod imap;
pub mod inbound;
mod smtp;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    Smtp(SmtpSettings),
    /// Writes each message as an `.eml` file in a directory (development, tests).
    Outbox(PathBuf),
}

/// An SMTP relay.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls`
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(s) => s.fmt(f),
            Transport::Outbox(p) => write!(f, "Outbox({})", p.display()),
        }
    }
}

impl Transport {
    /// Parses `smtp://user:pass@host:port?tls=starttls` or `file:///path/to/outbox`.
    pub fn parse(url: &str) -> Result<Transport, MailError> {
        if let Some(path) = url.strip_prefix("file://") {
            return Ok(Transport::Outbox(PathBuf::from(path)));
        }
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| MailError::Config(format!("unsupported mail URL {url}")))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (creds, hostport) = match rest.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| MailError::Config(format!("bad port in {url}")))?,
            ),
            None => (hostport, 25),
        };
        let tls = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("tls="))
            .unwrap_or(if port == 465 {
                "tls"
            } else if port == 25 {
                "none"
            } else {
                "starttls"
            })
            .to_string();
        let (username, password) = match creds.map(|c| c.split_once(':').unwrap_or((c, ""))) {
            Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
            None => (None, None),
        };
        Ok(Transport::Smtp(SmtpSettings {
            host: host.to_string(),
            port,
            tls,
            username,
            password,
        }))
    }
}

/// A message in the recipient's language, with a plain-text and an HTML body.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The sender's display name (any text: quoted as RFC 5322 needs).
    pub from_name: Option<String>,
    /// The sender's address.
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Files sent with the message (an invoice's PDF).
    pub attachments: Vec<Attachment>,
    /// The headers that thread it and say who may answer.
    pub thread: Thread,
}

/// Headers that place a message in a conversation.
#[derive(Clone, Debug, Default)]
pub struct Thread {
    /// Its own Message-ID, without angle brackets (else one is made up).
    pub message_id: Option<String>,
    /// The message it answers, without angle brackets.
    pub in_reply_to: Option<String>,
    /// The conversation's earlier messages, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// Where answers should go (the desk's mailbox).
    pub reply_to: Option<String>,
    /// `Auto-Submitted: auto-generated`: no person wrote it, so no machine should answer it.
    pub auto_generated: bool,
}

/// The `Auto-Submitted` header (RFC 3834).
#[derive(Clone)]
struct AutoSubmitted(String);

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.trim().to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// A file sent with a message.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub name: String,
    /// Its media type (`application/pdf`).
    pub mime: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("invalid address: {0}")]
    Address(String),
    /// The host resolves to an address the sending policy refuses (loopback, private …).
    #[error("destination refused: {0}")]
    Refused(String),
    /// A step, or the whole delivery, took longer than its bound.
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("could not send: {0}")]
    Send(String),
}

/// How long one SMTP delivery may take. Every step has a bound of its own and the whole delivery
/// (name resolution, connection, greeting, every command, QUIT) ends by `total` at the latest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Resolving the host name, and opening the TCP connection to one of its addresses.
    pub connect: Duration,
    /// The TLS handshake, the greeting and EHLO together; then each command (STARTTLS, AUTH,
    /// MAIL, RCPT, DATA, the message body, QUIT) on its own.
    pub command: Duration,
    /// The whole delivery.
    pub total: Duration,
}

/// The longest a delivery may ever take.
pub const MAX_TOTAL: Duration = Duration::from_secs(60);

impl Default for Limits {
    fn default() -> Self {
        Limits::within(MAX_TOTAL)
    }
}

impl Limits {
    /// Default step bounds (10 s to connect, 30 s per command) cut to `total`, itself at most
    /// [`MAX_TOTAL`].
    pub fn within(total: Duration) -> Limits {
        let total = total.min(MAX_TOTAL);
        Limits {
            connect: Duration::from_secs(10).min(total),
            command: Duration::from_secs(30).min(total),
            total,
        }
    }
}

/// Which addresses an SMTP host may resolve to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destinations {
    /// Any address: the operator's own relay.
    Any,
    /// Public unicast addresses only ([`destination::is_public`]); a host with any other address
    /// among its DNS answers is refused.
    PublicOnly,
}

/// How a message is sent: the time bounds and the addresses allowed.
#[derive(Clone, Copy, Debug)]
pub struct SendOptions {
    pub limits: Limits,
    pub destinations: Destinations,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            limits: Limits::default(),
            destinations: Destinations::Any,
        }
    }
}

/// Sends one message; errors are worth a retry unless they are `Config` or `Address`.
pub async fn send(
    transport: &Transport,
    msg: &Outgoing,
    opts: &SendOptions,
) -> Result<(), MailError> {
    let address = msg
        .from
        .parse()
        .map_err(|e| MailError::Address(format!("{}: {e}", msg.from)))?;
    // A display name is free text (parentheses, commas, quotes, accents): lettre quotes it.
    let name = msg
        .from_name
        .as_deref()
        .map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|n| !n.trim().is_empty());
    let from = Mailbox::new(name, address);
    let to: Mailbox = msg
        .to
        .parse()
        .map_err(|e| MailError::Address(format!("{}: {e}", msg.to)))?;
    let mut builder = Message::builder().from(from).to(to);
    let t = &msg.thread;
    if let Some(id) = &t.message_id {
        builder = builder.message_id(Some(format!("<{id}>")));
    }
    if let Some(id) = &t.in_reply_to {
        builder = builder.in_reply_to(format!("<{id}>"));
    }
    if !t.references.is_empty() {
        let refs: Vec<String> = t.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(refs.join(" "));
    }
    if let Some(r) = &t.reply_to {
        let mbox: Mailbox = r
            .parse()
            .map_err(|e| MailError::Address(format!("{r}: {e}")))?;
        builder = builder.reply_to(mbox);
    }
    if t.auto_generated {
        builder = builder.header(AutoSubmitted("auto-generated".into()));
    }
    let email = builder
        .subject(msg.subject.clone())
        .multipart(body(msg)?)
        .map_err(|e| MailError::Config(e.to_string()))?;
    match transport {
        Transport::Outbox(dir) => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| MailError::Send(e.to_string()))?;
            AsyncFileTransport::<Tokio1Executor>::new(dir)
                .send(email)
                .await
                .map_err(|e| MailError::Send(e.to_string()))?;
        }
        Transport::Smtp(s) => smtp::deliver(s, &email, opts).await?,
    }
    tracing::info!(to = %msg.to, subject = %msg.subject, "mail sent");
    Ok(())
}

/// The message's body: text and HTML alternatives, with the attachments around them if any.
fn body(msg: &Outgoing) -> Result<MultiPart, MailError> {
    let alternative = MultiPart::alternative_plain_html(msg.text.clone(), msg.html.clone());
    if msg.attachments.is_empty() {
        return Ok(alternative);
    }
    let mut mixed = MultiPart::mixed().multipart(alternative);
    for a in &msg.attachments {
        let kind = lettre::message::header::ContentType::parse(&a.mime)
            .map_err(|e| MailError::Config(format!("{}: {e}", a.mime)))?;
        mixed = mixed.singlepart(
            lettre::message::Attachment::new(a.name.clone()).body(a.bytes.clone(), kind),
        );
    }
    Ok(mixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let Transport::Smtp(s) =
            Transport::parse("smtp://bob:secret@mail.example.org:587").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (s.host.as_str(), s.port, s.tls.as_str()),
            ("mail.example.org", 587, "starttls")
        );
        assert_eq!(s.password.as_deref(), Some("secret"));
        assert!(!format!("{s:?}").contains("secret"));
        let Transport::Smtp(s) = Transport::parse("smtp://127.0.0.1:2525?tls=none").unwrap() else {
            panic!()
        };
        assert_eq!((s.port, s.tls.as_str(), s.username), (2525, "none", None));
        assert!(matches!(
            Transport::parse("file:///tmp/out").unwrap(),
            Transport::Outbox(_)
        ));
        assert!(Transport::parse("http://x").is_err());
    }
}

#[cfg(test)]
mod display_name_tests {
    use super::*;

    #[tokio::test]
    async fn display_names_with_special_characters_are_quoted() {
        let dir = std::env::temp_dir().join(format!("mesure-mail-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        for name in [
            "Atelier Lumière (kpi)",
            "Dupont, Durand & Fils",
            "L'agence \"Belle\" <vue>",
            "Ça marche",
        ] {
            let msg = Outgoing {
                from_name: Some(name.into()),
                from: "agence@example.org".into(),
                to: "client@example.org".into(),
                subject: "Test".into(),
                text: "Bonjour".into(),
                html: "<p>Bonjour</p>".into(),
                attachments: Vec::new(),
                thread: Thread::default(),
            };
            assert!(
                send(
                    &Transport::Outbox(dir.clone()),
                    &msg,
                    &SendOptions::default()
                )
                .await
                .is_ok(),
                "{name}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;
    use std::time::Instant;

    fn msg() -> Outgoing {
        Outgoing {
            from_name: None,
            from: "agence@example.org".into(),
            to: "client@example.org".into(),
            subject: "Test".into(),
            text: "Bonjour".into(),
            html: "<p>Bonjour</p>".into(),
            attachments: Vec::new(),
            thread: Thread::default(),
        }
    }

    fn relay(port: u16) -> Transport {
        Transport::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap()
    }

    #[tokio::test]
    async fn a_server_that_never_greets_fails_within_the_bound() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        // Accepts and holds every connection, saying nothing.
        tokio::spawn(async move {
            let mut held = vec![];
            while let Ok((s, _)) = listener.accept().await {
                held.push(s);
            }
        });
        let opts = SendOptions {
            limits: Limits::within(Duration::from_millis(800)),
            destinations: Destinations::Any,
        };
        let started = Instant::now();
        let r = send(&relay(port), &msg(), &opts).await;
        assert!(matches!(r, Err(MailError::Timeout(_))), "{r:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn public_only_refuses_loopback_before_connecting() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let opts = SendOptions {
            limits: Limits::within(Duration::from_secs(2)),
            destinations: Destinations::PublicOnly,
        };
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            let t = Transport::parse(&format!("smtp://{host}:{port}?tls=none")).unwrap();
            let r = send(&t, &msg(), &opts).await;
            assert!(matches!(r, Err(MailError::Refused(_))), "{host}: {r:?}");
        }
        // Nothing reached the listener.
        let accepted = tokio::time::timeout(Duration::from_millis(100), listener.accept()).await;
        assert!(accepted.is_err());
    }

    #[test]
    fn limits_never_exceed_a_minute() {
        let l = Limits::within(Duration::from_secs(600));
        assert_eq!(l.total, MAX_TOTAL);
        assert!(l.connect <= l.total && l.command <= l.total);
        let l = Limits::within(Duration::from_secs(2));
        assert_eq!(
            (l.connect, l.command),
            (Duration::from_secs(2), Duration::from_secs(2))
        );
    }
}
