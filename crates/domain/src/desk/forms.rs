//! What people type into the desk, checked: a new ticket, a reply or note, a move (status,
//! priority, assignee, tier), an SLA policy (targets as durations), a category, a canned reply.
//! Every bad field is reported at once; nothing is half-applied.
use super::sla::{Policy, Targets};
use super::states::{Channel, Priority, Status, TicketType, Tier};
use crate::Invalid;
use crate::forms::{blank, opt_id, parse_duration};
use crate::validate::Checker;
use uuid::Uuid;

/// The longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// The longest message or note, in characters.
pub const MAX_BODY: usize = 20_000;
/// The longest reason given for a transfer, an escalation or a merge.
pub const MAX_REASON: usize = 500;
/// The longest SLA target: 1,000 business hours.
pub const MAX_TARGET_MINUTES: i64 = 60_000;

/// A ticket as typed (a form's or the API's fields, all text).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct TicketForm {
    pub subject: String,
    pub body: String,
    /// question, incident, request, complaint, billing_error (default question).
    pub kind: Option<String>,
    /// low, normal, high, urgent (default normal).
    pub priority: Option<String>,
    pub category_id: Option<String>,
    pub feature: Option<String>,
    /// The invoice a billing error concerns.
    pub invoice_id: Option<String>,
    /// Staff only: the client and, optionally, the contact asking.
    pub client_id: Option<String>,
    pub contact_id: Option<String>,
    /// Staff only: portal, web_form, email, phone, chat, api.
    pub channel: Option<String>,
}

/// A checked new ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub subject: String,
    pub body: String,
    pub kind: TicketType,
    pub priority: Priority,
    pub category: Option<Uuid>,
    pub feature: Option<String>,
    pub invoice: Option<Uuid>,
    pub client: Option<Uuid>,
    pub contact: Option<Uuid>,
    pub channel: Option<Channel>,
}

fn choice<T: Copy>(
    c: &mut Checker,
    field: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    default: T,
) -> T {
    match blank(v) {
        None => default,
        Some(s) => parse(s).unwrap_or_else(|| {
            c.add(field, "err-choice");
            default
        }),
    }
}

impl TicketForm {
    pub fn parse(&self) -> Result<NewTicket, Invalid> {
        let mut c = Checker::new();
        let subject = c.required("subject", &self.subject, MAX_SUBJECT);
        let body = c.required("body", &self.body, MAX_BODY);
        let kind = choice(
            &mut c,
            "kind",
            &self.kind,
            TicketType::parse,
            TicketType::Question,
        );
        let priority = choice(
            &mut c,
            "priority",
            &self.priority,
            Priority::parse,
            Priority::Normal,
        );
        let category = opt_id(&mut c, "category_id", &self.category_id);
        let feature = c.optional("feature", self.feature.as_deref(), MAX_SUBJECT);
        let invoice = opt_id(&mut c, "invoice_id", &self.invoice_id);
        let client = opt_id(&mut c, "client_id", &self.client_id);
        let contact = opt_id(&mut c, "contact_id", &self.contact_id);
        let channel = blank(&self.channel).and_then(|s| {
            let ch = Channel::parse(s);
            if ch.is_none() {
                c.add("channel", "err-choice");
            }
            ch
        });
        if invoice.is_some() && kind != TicketType::BillingError {
            c.add("invoice_id", "err-desk-invoice-billing-only");
        }
        c.finish()?;
        Ok(NewTicket {
            subject,
            body,
            kind,
            priority,
            category,
            feature,
            invoice,
            client,
            contact,
            channel,
        })
    }
}

/// A message typed on a ticket: a public reply (e-mailed, in the portal) or an internal note.
pub fn message(body: &str) -> Result<String, Invalid> {
    let mut c = Checker::new();
    let b = c.required("body", body, MAX_BODY);
    c.finish()?;
    Ok(b)
}

/// A reason (transfer, escalation, merge): optional, one paragraph.
pub fn reason(c: &mut Checker, v: Option<&str>) -> Option<String> {
    c.optional("reason", v, MAX_REASON)
}

/// A change an agent asks for on a ticket (the fields given change; the others stay).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct MoveForm {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub kind: Option<String>,
    pub category_id: Option<String>,
    /// A user id, or `none` to unassign.
    pub assignee_id: Option<String>,
    /// first or second (second: an escalation).
    pub tier: Option<String>,
    /// Why (a transfer or an escalation records it).
    pub reason: Option<String>,
}

/// What an assignee field asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignTo {
    Nobody,
    User(Uuid),
}

/// A checked move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Move {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub kind: Option<TicketType>,
    pub category: Option<Option<Uuid>>,
    pub assignee: Option<AssignTo>,
    pub tier: Option<Tier>,
    pub reason: Option<String>,
}

/// An optional choice field: `None` when blank, `err-choice` when not one of `parse`'s values.
pub fn opt_choice<T>(
    c: &mut Checker,
    field: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let s = blank(v)?;
    let out = parse(s);
    if out.is_none() {
        c.add(field, "err-choice");
    }
    out
}

impl MoveForm {
    pub fn parse(&self) -> Result<Move, Invalid> {
        let mut c = Checker::new();
        let status = opt_choice(&mut c, "status", &self.status, Status::parse);
        let priority = opt_choice(&mut c, "priority", &self.priority, Priority::parse);
        let kind = opt_choice(&mut c, "kind", &self.kind, TicketType::parse);
        let tier = opt_choice(&mut c, "tier", &self.tier, Tier::parse);
        let category = match blank(&self.category_id) {
            None => None,
            Some("none") => Some(None),
            Some(_) => opt_id(&mut c, "category_id", &self.category_id).map(Some),
        };
        let assignee = match blank(&self.assignee_id) {
            None => None,
            Some("none") => Some(AssignTo::Nobody),
            Some(_) => opt_id(&mut c, "assignee_id", &self.assignee_id).map(AssignTo::User),
        };
        let reason = reason(&mut c, self.reason.as_deref());
        c.finish()?;
        Ok(Move {
            status,
            priority,
            kind,
            category,
            assignee,
            tier,
            reason,
        })
    }
}

/// An SLA policy as typed: each target a duration (`90`, `1:30`, `4h`), blank for none.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PolicyForm {
    pub low_first_response: Option<String>,
    pub low_resolution: Option<String>,
    pub normal_first_response: Option<String>,
    pub normal_resolution: Option<String>,
    pub high_first_response: Option<String>,
    pub high_resolution: Option<String>,
    pub urgent_first_response: Option<String>,
    pub urgent_resolution: Option<String>,
}

fn target(c: &mut Checker, field: &str, v: &Option<String>) -> Option<i64> {
    let s = blank(v)?;
    match parse_duration(s) {
        Some(m) if m > 0 && m <= MAX_TARGET_MINUTES => Some(m),
        _ => {
            c.add(field, "err-desk-target");
            None
        }
    }
}

impl PolicyForm {
    /// The policy named `name`; a first response target longer than the resolution target of
    /// its priority is refused.
    pub fn parse(&self, name: &str) -> Result<Policy, Invalid> {
        let mut c = Checker::new();
        let mut pair = |p: &str, f: &Option<String>, r: &Option<String>| {
            let t = Targets {
                first_response: target(&mut c, &format!("{p}_first_response"), f),
                resolution: target(&mut c, &format!("{p}_resolution"), r),
            };
            if let (Some(f), Some(r)) = (t.first_response, t.resolution)
                && f > r
            {
                c.add(
                    &format!("{p}_first_response"),
                    "err-desk-first-after-resolution",
                );
            }
            t
        };
        let low = pair("low", &self.low_first_response, &self.low_resolution);
        let normal = pair(
            "normal",
            &self.normal_first_response,
            &self.normal_resolution,
        );
        let high = pair("high", &self.high_first_response, &self.high_resolution);
        let urgent = pair(
            "urgent",
            &self.urgent_first_response,
            &self.urgent_resolution,
        );
        c.finish()?;
        Ok(Policy {
            name: name.to_string(),
            low,
            normal,
            high,
            urgent,
        })
    }
}

/// A category's name (the tree's parent is an id chosen from a list).
pub fn category_name(name: &str) -> Result<String, Invalid> {
    let mut c = Checker::new();
    let n = c.required("name", name, 100);
    c.finish()?;
    Ok(n)
}

/// A canned reply: a title and a body with placeholders (`{{client}}`, `{{contact}}`,
/// `{{number}}`, `{{agent}}`).
pub fn canned(title: &str, body: &str) -> Result<(String, String), Invalid> {
    let mut c = Checker::new();
    let t = c.required("title", title, MAX_SUBJECT);
    let b = c.required("body", body, MAX_BODY);
    c.finish()?;
    Ok((t, b))
}

/// A canned reply's body with its placeholders filled; unknown ones stay as typed.
pub fn fill(body: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(body.to_string(), |acc, (k, v)| {
        acc.replace(&format!("{{{{{k}}}}}"), v)
    })
}
