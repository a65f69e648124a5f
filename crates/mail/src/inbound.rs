//! Incoming e-mail: one raw RFC 5322 message read into what the service desk needs (sender,
//! subject, text, thread references, attachments, whether a machine sent it), leniently: broken
//! MIME, unknown charsets and missing headers give what can be read, never a panic.
use mail_parser::{HeaderName, HeaderValue, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// The largest message the desk takes (bytes of the raw message, as an MTA counts them).
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;
/// The largest attachment kept; a larger one is named on the ticket but not stored.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most attachments kept from one message (further ones are named, not kept).
pub const MAX_ATTACHMENTS: usize = 20;
/// The most attachments named from one message.
const MAX_PARTS: usize = 200;
/// The longest Message-ID kept as is (longer ones are replaced by a digest).
const MAX_ID_LEN: usize = 250;

/// Why a message is taken as sent by a machine (never answered, never a ticket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no` (RFC 3834).
    AutoSubmitted,
    /// `Precedence: bulk`, `junk` or `list`.
    Bulk,
    /// A delivery status notification, or a sender such as `MAILER-DAEMON`.
    Bounce,
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress` (vacation responders).
    AutoReply,
    /// A mailing-list message (`List-Id`).
    List,
}

impl Automatic {
    pub fn as_str(self) -> &'static str {
        match self {
            Automatic::AutoSubmitted => "auto_submitted",
            Automatic::Bulk => "bulk",
            Automatic::Bounce => "bounce",
            Automatic::AutoReply => "auto_reply",
            Automatic::List => "list",
        }
    }
}

/// A file that came with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The file name given, else `attachment-N`; path separators and controls removed.
    pub name: String,
    /// `type/subtype`, lower case.
    pub mime: String,
    /// The decoded bytes; empty when not kept.
    pub bytes: Vec<u8>,
    /// The decoded size, known even when the bytes were not kept.
    pub size: usize,
    /// Whether the bytes were kept: not when over [`MAX_ATTACHMENT_BYTES`] or past the first
    /// [`MAX_ATTACHMENTS`] files (such a file is only named).
    pub kept: bool,
}

/// What the desk reads from one message.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The Message-ID without angle brackets; when the message has none (or an unusable one),
    /// `sha256-<hex of the raw bytes>@mesure.invalid`, so the same bytes give the same id.
    pub message_id: String,
    /// The sender's address, lower case (from `From`, else `Sender`, else `Return-Path`).
    pub from: Option<String>,
    pub from_name: Option<String>,
    /// The addresses the message was sent to (`To` and `Cc`), lower case.
    pub to: Vec<String>,
    pub subject: String,
    /// The text of the message (the HTML part turned into text when there is no plain part).
    pub text: String,
    /// The ids of `In-Reply-To` then `References`, newest first, without angle brackets.
    pub references: Vec<String>,
    pub automatic: Option<Automatic>,
    /// Files, in the message's order (at most 200).
    pub attachments: Vec<Part>,
    /// Whether MIME structure could not be read (the text is then the raw body as far as it
    /// decodes).
    pub broken: bool,
}

/// Why a message cannot be taken at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the message is {size} bytes, over the limit of {MAX_MESSAGE_BYTES}")]
    TooLarge { size: usize },
    #[error("the message is empty")]
    Empty,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A Message-ID as kept: angle brackets, spaces and controls removed; `None` when nothing
/// usable is left or it is too long.
pub fn clean_id(id: &str) -> Option<String> {
    let s: String = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if s.is_empty() || s.len() > MAX_ID_LEN {
        None
    } else {
        Some(s)
    }
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(l) => l
            .iter()
            .flat_map(|t| t.split_whitespace())
            .filter_map(clean_id)
            .collect(),
        _ => Vec::new(),
    }
}

fn address(a: Option<&mail_parser::Address<'_>>) -> Option<(String, Option<String>)> {
    let first = a?.first()?;
    let addr = first.address()?.trim().to_lowercase();
    if !addr.contains('@') {
        return None;
    }
    let name = first
        .name()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    Some((addr, name))
}

/// The raw value of the first header named `name` (any case).
fn header_text<'a>(m: &'a mail_parser::Message<'_>, name: &str) -> Option<&'a str> {
    m.headers_raw()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Why the message looks machine-made, if it does (RFC 3834 and the usual vendor headers).
fn automatic(m: &mail_parser::Message<'_>, from: Option<&str>) -> Option<Automatic> {
    if let Some(v) = header_text(m, "Auto-Submitted")
        && !v.eq_ignore_ascii_case("no")
        && !v.is_empty()
    {
        return Some(Automatic::AutoSubmitted);
    }
    let local = from
        .and_then(|f| f.split('@').next())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "mail-daemon" | "mailerdaemon"
    ) || m.is_content_type("multipart", "report")
        || m.header_raw(HeaderName::ReturnPath)
            .is_some_and(|r| r.trim().trim_matches(['<', '>']).trim().is_empty())
    {
        return Some(Automatic::Bounce);
    }
    if let Some(v) = header_text(m, "Precedence")
        && ["bulk", "junk", "list", "auto_reply"]
            .iter()
            .any(|p| v.eq_ignore_ascii_case(p))
    {
        return Some(Automatic::Bulk);
    }
    if ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"]
        .iter()
        .any(|h| header_text(m, h).is_some())
    {
        return Some(Automatic::AutoReply);
    }
    if m.header_raw(HeaderName::ListId).is_some() {
        return Some(Automatic::List);
    }
    None
}

/// A file name safe to show and to send back: the last path segment, no controls, at most 200
/// characters.
fn file_name(given: Option<&str>, n: usize) -> String {
    let base = given
        .map(|g| g.rsplit(['/', '\\']).next().unwrap_or(g))
        .map(|g| {
            g.chars()
                .filter(|c| !c.is_control() && *c != '"')
                .take(200)
                .collect::<String>()
        })
        .map(|g| g.trim().trim_start_matches('.').to_string())
        .filter(|g| !g.is_empty());
    base.unwrap_or_else(|| format!("attachment-{n}"))
}

/// Reads a raw message. Fails only when it is empty or over [`MAX_MESSAGE_BYTES`]; anything
/// else gives what can be read (a message without a sender gives `from: None`, for the caller
/// to refuse).
pub fn parse(raw: &[u8]) -> Result<Parsed, ParseError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge { size: raw.len() });
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let Some(m) = MessageParser::default().parse(raw) else {
        // Not even headers: keep the bytes as text so nothing is lost.
        return Ok(Parsed {
            message_id: synthetic_id(raw),
            text: String::from_utf8_lossy(raw).into_owned(),
            broken: true,
            ..Parsed::default()
        });
    };
    let from = address(m.from())
        .or_else(|| address(m.sender()))
        .or_else(|| {
            m.return_address()
                .map(|r| r.trim().to_lowercase())
                .filter(|r| r.contains('@'))
                .map(|r| (r, None))
        });
    let mut to = Vec::new();
    for list in [m.to(), m.cc()].into_iter().flatten() {
        for a in list.iter() {
            if let Some(x) = a.address() {
                to.push(x.trim().to_lowercase());
            }
        }
    }
    let mut references = ids(m.in_reply_to());
    let mut older = ids(m.references());
    older.reverse();
    for r in older {
        if !references.contains(&r) {
            references.push(r);
        }
    }
    let mut text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let mut attachments: Vec<Part> = Vec::new();
    for (i, part) in m.attachments().enumerate().take(MAX_PARTS) {
        let bytes: &[u8] = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b,
            PartType::Text(t) | PartType::Html(t) => t.as_bytes(),
            PartType::Message(inner) => inner.raw_message(),
            PartType::Multipart(_) => continue,
        };
        let mime = part
            .content_type()
            .map(|c| match &c.c_subtype {
                Some(s) => format!("{}/{}", c.c_type, s),
                None => c.c_type.to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        let size = bytes.len();
        let kept = size <= MAX_ATTACHMENT_BYTES && attachments.len() < MAX_ATTACHMENTS;
        attachments.push(Part {
            name: file_name(part.attachment_name(), i + 1),
            mime,
            bytes: if kept { bytes.to_vec() } else { Vec::new() },
            size,
            kept,
        });
    }
    let mut broken = m.parts.is_empty();
    if text.trim().is_empty()
        && let Some(i) = attachments
            .iter()
            .position(|a| a.mime == "text/plain" && a.name.starts_with("attachment-"))
    {
        // A text part the parser could not place (an unclosed multipart): it is the message.
        let part = attachments.remove(i);
        text = String::from_utf8_lossy(&part.bytes).trim().to_string();
        broken = true;
    }
    if text.trim().is_empty() && attachments.is_empty() {
        let fallback = raw_words(raw);
        if !fallback.trim().is_empty() {
            text = fallback;
            broken = true;
        }
    }
    let from_addr = from.as_ref().map(|f| f.0.as_str());
    let automatic = automatic(&m, from_addr);
    Ok(Parsed {
        message_id: m
            .message_id()
            .and_then(clean_id)
            .unwrap_or_else(|| synthetic_id(raw)),
        from_name: from.as_ref().and_then(|f| f.1.clone()),
        from: from.map(|f| f.0),
        to,
        subject: m.subject().map(str::trim).unwrap_or_default().to_string(),
        text,
        references,
        automatic,
        attachments,
        broken,
    })
}

/// The words of a message whose MIME structure gave no text (an unclosed multipart, a part
/// without headers): the body as far as it decodes, without boundary lines and part headers.
fn raw_words(raw: &[u8]) -> String {
    let body = String::from_utf8_lossy(raw);
    let start = body
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| body.find("\n\n").map(|i| i + 2))
        .unwrap_or(body.len());
    let mut out = Vec::new();
    let mut in_part_head = false;
    for line in body.get(start..).unwrap_or_default().lines() {
        if line.starts_with("--") {
            in_part_head = true;
            continue;
        }
        if in_part_head {
            if line.trim().is_empty() {
                in_part_head = false;
            }
            continue;
        }
        out.push(line);
    }
    out.join("\n").trim().to_string()
}

fn synthetic_id(raw: &[u8]) -> String {
    format!("sha256-{}@mesure.invalid", digest(raw))
}

/// The ticket number a subject names with its `[#n]` token, if any.
pub fn subject_token(subject: &str) -> Option<i64> {
    let mut rest = subject;
    while let Some(i) = rest.find("[#") {
        let after = rest.get(i + 2..)?;
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty()
            && after
                .get(digits.len()..)
                .is_some_and(|r| r.starts_with(']'))
            && let Ok(n) = digits.parse::<i64>()
        {
            return Some(n);
        }
        rest = after;
    }
    None
}

/// The new words of a reply: the text above the quoted history (`On … wrote:`, `Le … a écrit :`,
/// `-----Original Message-----`, a first run of `>` lines), trimmed; the whole text when that
/// would leave nothing.
pub fn new_words(text: &str) -> String {
    let mut kept = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let quote_head = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("le ")
                && (lower.ends_with("a écrit :") || lower.ends_with("a écrit:")))
            || lower.starts_with("-----original message-----")
            || lower.starts_with("-------- message d'origine --------")
            || lower.starts_with("de :") && kept.iter().any(|l: &&str| l.trim().is_empty());
        if quote_head || t.starts_with('>') {
            break;
        }
        kept.push(line);
    }
    let out = kept.join("\n").trim().to_string();
    if out.is_empty() {
        text.trim().to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &str) -> Parsed {
        parse(raw.as_bytes()).unwrap()
    }

    #[test]
    fn reads_a_plain_message() {
        let m = p(
            "From: Anne Dupont <Anne.Dupont@Boulangerie-Dupain.fr>\r\nTo: support@lumiere.test\r\n\
             Subject: Four en panne\r\nMessage-ID: <abc@x.test>\r\n\r\nBonjour,\r\nle four est froid.\r\n",
        );
        assert_eq!(m.from.as_deref(), Some("anne.dupont@boulangerie-dupain.fr"));
        assert_eq!(m.from_name.as_deref(), Some("Anne Dupont"));
        assert_eq!(m.to, vec!["support@lumiere.test".to_string()]);
        assert_eq!(m.subject, "Four en panne");
        assert_eq!(m.message_id, "abc@x.test");
        assert!(m.text.contains("le four est froid"));
        assert_eq!(m.automatic, None);
    }

    #[test]
    fn threads_newest_reference_first() {
        let m = p(
            "From: a@b.test\r\nIn-Reply-To: <r3@x>\r\nReferences: <r1@x> <r2@x>\r\n <r3@x>\r\n\r\nhi\r\n",
        );
        assert_eq!(m.references, vec!["r3@x", "r2@x", "r1@x"]);
    }

    #[test]
    fn a_missing_message_id_is_a_digest_of_the_bytes() {
        let a = p("From: a@b.test\r\nSubject: x\r\n\r\nhello\r\n");
        let b = p("From: a@b.test\r\nSubject: x\r\n\r\nhello\r\n");
        let c = p("From: a@b.test\r\nSubject: x\r\n\r\nhello!\r\n");
        assert_eq!(a.message_id, b.message_id);
        assert_ne!(a.message_id, c.message_id);
        assert!(a.message_id.ends_with("@mesure.invalid"));
    }

    #[test]
    fn machines_are_recognised() {
        for (h, why) in [
            ("Auto-Submitted: auto-replied\r\n", Automatic::AutoSubmitted),
            ("Precedence: bulk\r\n", Automatic::Bulk),
            ("Precedence: JUNK\r\n", Automatic::Bulk),
            ("X-Autoreply: yes\r\n", Automatic::AutoReply),
            ("List-Id: <news.example.org>\r\n", Automatic::List),
        ] {
            let m = p(&format!("From: a@b.test\r\n{h}Subject: x\r\n\r\nbody\r\n"));
            assert_eq!(m.automatic, Some(why), "{h}");
        }
        let m = p("From: a@b.test\r\nAuto-Submitted: no\r\n\r\nbody\r\n");
        assert_eq!(m.automatic, None);
        let m = p("From: MAILER-DAEMON@mx.test\r\nSubject: Undelivered\r\n\r\nbody\r\n");
        assert_eq!(m.automatic, Some(Automatic::Bounce));
        let m = p(
            "From: postmaster@mx.test\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n",
        );
        assert_eq!(m.automatic, Some(Automatic::Bounce));
    }

    #[test]
    fn unknown_charsets_and_encodings_decode() {
        let m = p(
            "From: a@b.test\r\nSubject: =?ISO-8859-1?Q?Facture_erron=E9e?=\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nMontant d=E9j=E0 r=E9gl=E9 =80\r\n",
        );
        assert_eq!(m.subject, "Facture erronée");
        assert!(m.text.contains("Montant déjà réglé €"), "{}", m.text);
        let m = p(
            "From: a@b.test\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nplain words\r\n",
        );
        assert!(m.text.contains("plain words"));
    }

    #[test]
    fn broken_mime_keeps_the_words() {
        let m = p(
            "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nfirst part never closed\r\n",
        );
        assert!(
            m.text.contains("first part never closed"),
            "{:?} {:?}",
            m.text,
            m.attachments
        );
        let m = p("no headers at all, just words\r\n");
        assert!(m.text.contains("just words"));
        assert_eq!(m.from, None);
    }

    #[test]
    fn attachments_are_decoded_named_and_bounded() {
        let raw = "From: a@b.test\r\nSubject: photo\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"../../etc/four.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n";
        let m = p(raw);
        assert_eq!(m.attachments.len(), 1);
        let a = m.attachments.first().unwrap();
        assert_eq!(
            (a.name.as_str(), a.mime.as_str(), a.bytes.as_slice()),
            ("four.png", "image/png", b"hello".as_slice())
        );
        assert!(a.kept);
    }

    #[test]
    fn size_limit_and_empty_input() {
        let big = vec![b'a'; MAX_MESSAGE_BYTES + 1];
        assert_eq!(
            parse(&big).unwrap_err(),
            ParseError::TooLarge {
                size: MAX_MESSAGE_BYTES + 1
            }
        );
        assert_eq!(parse(b" \r\n").unwrap_err(), ParseError::Empty);
    }

    #[test]
    fn subject_tokens() {
        assert_eq!(subject_token("Re: [#42] Four en panne"), Some(42));
        assert_eq!(subject_token("[#] x [#7]"), Some(7));
        assert_eq!(subject_token("[#12a] x"), None);
        assert_eq!(subject_token("#12"), None);
        assert_eq!(subject_token("[#99999999999999999999]"), None);
    }

    #[test]
    fn quoted_history_is_cut() {
        let t = "Merci, c'est réparé.\n\nLe lun. 3 mars 2027, Atelier a écrit :\n> Avez-vous essayé ?\n";
        assert_eq!(new_words(t), "Merci, c'est réparé.");
        let t = "Thanks!\nOn Mon, Mar 3, 2027 at 9:00, Desk wrote:\n> hi";
        assert_eq!(new_words(t), "Thanks!");
        assert_eq!(new_words("> only a quote"), "> only a quote");
    }
}
