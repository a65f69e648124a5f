//! One SMTP delivery, driven step by step over lettre's connection API so that every step has a
//! bound of its own and the whole delivery ends by a deadline. (lettre's transport bounds only the
//! TCP connection: a server that accepts and never greets held it for as long as it liked.)
use crate::destination::is_public;
use crate::{Destinations, MailError, SendOptions, SmtpSettings};
use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::{Instant, timeout_at};

/// Runs one step until `limit` from now, or `deadline` if that comes first.
async fn bounded<T, E: std::fmt::Display>(
    deadline: Instant,
    limit: Duration,
    what: &str,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, MailError> {
    let own = Instant::now() + limit;
    match timeout_at(own.min(deadline), step).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(MailError::Send(format!("{what}: {e}"))),
        Err(_) if deadline <= own => Err(MailError::Timeout(format!(
            "{what}: the delivery ran out of time"
        ))),
        Err(_) => Err(MailError::Timeout(format!(
            "{what}: no answer within {} s",
            limit.as_secs_f32()
        ))),
    }
}

/// Connects to one address: TCP within `connect`, then (for implicit TLS) the handshake, the
/// greeting and EHLO within `command`.
async fn open(
    addr: SocketAddr,
    s: &SmtpSettings,
    tls: Option<&TlsParameters>,
    hello: &ClientId,
    deadline: Instant,
    opts: &SendOptions,
) -> Result<AsyncSmtpConnection, MailError> {
    let limits = opts.limits;
    if s.tls == "tls" {
        // Implicit TLS: lettre bounds the TCP connection itself; the rest shares `command`.
        return bounded(
            deadline,
            limits.connect + limits.command,
            "connecting (TLS)",
            AsyncSmtpConnection::connect_tokio1(
                addr,
                Some(limits.connect),
                hello,
                tls.cloned(),
                None,
            ),
        )
        .await;
    }
    let tcp = bounded(
        deadline,
        limits.connect,
        "connecting",
        tokio::net::TcpStream::connect(addr),
    )
    .await?;
    bounded(
        deadline,
        limits.command,
        "greeting and EHLO",
        AsyncSmtpConnection::connect_with_transport(Box::new(tcp), hello),
    )
    .await
}

/// Delivers `email` through the relay `s` within `opts.limits`, to an address `opts.destinations`
/// allows.
pub(crate) async fn deliver(
    s: &SmtpSettings,
    email: &Message,
    opts: &SendOptions,
) -> Result<(), MailError> {
    let limits = opts.limits;
    let deadline = Instant::now() + limits.total;
    let host = s.host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let tls = match s.tls.as_str() {
        "tls" | "starttls" => Some(
            TlsParameters::new(host.to_string()).map_err(|e| MailError::Config(e.to_string()))?,
        ),
        _ => None,
    };
    // Resolve once and connect to the very addresses checked (no second lookup to rebind).
    let addrs: Vec<SocketAddr> = bounded(
        deadline,
        limits.connect,
        "resolving the host",
        tokio::net::lookup_host((host, s.port)),
    )
    .await?
    .collect();
    if opts.destinations == Destinations::PublicOnly
        && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip()))
    {
        return Err(MailError::Refused(format!(
            "{host} resolves to {}, which is not a public address",
            bad.ip()
        )));
    }
    let hello = ClientId::default();
    let mut last = MailError::Send(format!("{host} resolves to no address"));
    let mut conn = None;
    for addr in addrs {
        match open(addr, s, tls.as_ref(), &hello, deadline, opts).await {
            Ok(c) => {
                conn = Some(c);
                break;
            }
            Err(e) => {
                tracing::debug!(%addr, error = %e, "SMTP address failed");
                last = e;
                if Instant::now() >= deadline {
                    break;
                }
            }
        }
    }
    let Some(mut conn) = conn else {
        return Err(last);
    };
    if s.tls == "starttls"
        && let Some(params) = tls
    {
        bounded(
            deadline,
            limits.command,
            "STARTTLS",
            conn.starttls(params, &hello),
        )
        .await?;
    }
    if let (Some(u), Some(p)) = (&s.username, &s.password) {
        let credentials = Credentials::new(u.clone(), p.clone());
        bounded(
            deadline,
            limits.command,
            "AUTH",
            conn.auth(DEFAULT_MECHANISMS, &credentials),
        )
        .await?;
    }
    let envelope = email.envelope();
    let body = email.formatted();
    let mut params = Vec::new();
    let non_ascii = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(MailError::Send(
                "non-ASCII address and the server has no SMTPUTF8".into(),
            ));
        }
        params.push(MailParameter::SmtpUtfEight);
    }
    if !body.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(MailError::Send(
                "8-bit message and the server has no 8BITMIME".into(),
            ));
        }
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    bounded(
        deadline,
        limits.command,
        "MAIL FROM",
        conn.command(Mail::new(envelope.from().cloned(), params)),
    )
    .await?;
    for to in envelope.to() {
        bounded(
            deadline,
            limits.command,
            "RCPT TO",
            conn.command(Rcpt::new(to.clone(), vec![])),
        )
        .await?;
    }
    bounded(deadline, limits.command, "DATA", conn.command(Data)).await?;
    bounded(deadline, limits.command, "the message", conn.message(&body)).await?;
    // The message is accepted: a QUIT that fails or stalls changes nothing.
    let _ = bounded(deadline, limits.command, "QUIT", conn.quit()).await;
    Ok(())
}
