//! Outgoing e-mail: SMTP (plain, STARTTLS or TLS) through lettre, or a file outbox for development.
#![forbid(unsafe_code)]

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not send: {0}")]
    Send(String),
}

/// Sends one message; errors are worth a retry unless they are `Config` or `Address`.
pub async fn send(transport: &Transport, msg: &Outgoing) -> Result<(), MailError> {
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
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(msg.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            msg.text.clone(),
            msg.html.clone(),
        ))
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
        Transport::Smtp(s) => {
            let builder = match s.tls.as_str() {
                "tls" | "starttls" => {
                    let params = TlsParameters::new(s.host.clone())
                        .map_err(|e| MailError::Config(e.to_string()))?;
                    let tls = if s.tls == "tls" {
                        Tls::Wrapper(params)
                    } else {
                        Tls::Required(params)
                    };
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host).tls(tls)
                }
                _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            };
            let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(30)));
            if let (Some(u), Some(p)) = (&s.username, &s.password) {
                builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
            }
            builder
                .build()
                .send(email)
                .await
                .map_err(|e| MailError::Send(e.to_string()))?;
        }
    }
    tracing::info!(to = %msg.to, subject = %msg.subject, "mail sent");
    Ok(())
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
            };
            assert!(
                send(&Transport::Outbox(dir.clone()), &msg).await.is_ok(),
                "{name}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
