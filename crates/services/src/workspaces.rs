//! Creating workspaces and editing their settings (name, currency, time zone, language, e-mail).
use crate::audit::{Actor, record};
use crate::{App, Ctx, MailPolicy, Result};
use mesure_domain::SettingsAction;
use mesure_domain::validate::{Checker, is_time_zone};
use mesure_domain::{Currency, Language, WorkspaceId};
use mesure_mail::destination;
use mesure_store::workspaces::{self, WorkspaceRow};
use serde::{Deserialize, Serialize};

/// Workspace settings as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettingsForm {
    pub name: String,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub mail_from: Option<String>,
    #[serde(default)]
    pub smtp_host: Option<String>,
    #[serde(default)]
    pub smtp_port: Option<String>,
    #[serde(default)]
    pub smtp_tls: Option<String>,
    #[serde(default)]
    pub smtp_username: Option<String>,
    /// Empty keeps the stored password.
    #[serde(default)]
    pub smtp_password: Option<String>,
}

/// What the audit log shows of a workspace (never the SMTP password).
#[derive(Serialize)]
struct Audited<'a> {
    name: &'a str,
    currency: &'a str,
    time_zone: &'a str,
    language: &'a str,
    mail_from: Option<&'a str>,
    smtp_host: Option<&'a str>,
    smtp_port: Option<i32>,
    smtp_tls: &'a str,
    smtp_username: Option<&'a str>,
}

fn audited(w: &WorkspaceRow) -> Audited<'_> {
    Audited {
        name: &w.name,
        currency: w.currency.code(),
        time_zone: &w.time_zone,
        language: w.language.as_str(),
        mail_from: w.mail_from.as_deref(),
        smtp_host: w.smtp_host.as_deref(),
        smtp_port: w.smtp_port,
        smtp_tls: &w.smtp_tls,
        smtp_username: w.smtp_username.as_deref(),
    }
}

fn apply(form: &SettingsForm, w: &mut WorkspaceRow, policy: &MailPolicy) -> Result<()> {
    let mut c = Checker::new();
    w.name = c.required("name", &form.name, 120);
    if let Some(code) = form.currency.as_deref().filter(|s| !s.trim().is_empty()) {
        match Currency::parse(code) {
            Some(cur) => w.currency = cur,
            None => c.add("currency", "err-currency"),
        }
    }
    if let Some(tz) = form
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if is_time_zone(tz) {
            w.time_zone = tz.to_string()
        } else {
            c.add("time_zone", "err-time-zone")
        }
    }
    if let Some(l) = form.language.as_deref().filter(|s| !s.trim().is_empty()) {
        match Language::parse(l) {
            Some(l) => w.language = l,
            None => c.add("language", "err-language"),
        }
    }
    w.mail_from = c.optional_email("mail_from", form.mail_from.as_deref());
    let host = c.optional("smtp_host", form.smtp_host.as_deref(), 253);
    if policy.allow_workspace_smtp {
        apply_smtp(&mut c, form, host, policy, w);
    } else if host.is_some() && host != w.smtp_host {
        // The SMTP settings are the operator's: stored ones are kept (and ignored by the worker),
        // a new host is refused.
        c.add("smtp_host", "err-smtp-not-allowed");
    }
    c.finish()?;
    Ok(())
}

/// The workspace's own SMTP settings, when the operator allows them. A host must be a DNS name or
/// an IP address; unless private destinations are allowed, not a literal loopback, private,
/// link-local, CGNAT, unique-local or unspecified address, nor `localhost` (names are checked
/// again after resolution when mail is sent).
fn apply_smtp(
    c: &mut Checker,
    form: &SettingsForm,
    host: Option<String>,
    policy: &MailPolicy,
    w: &mut WorkspaceRow,
) {
    if let Some(h) = &host {
        if !destination::is_host(h) {
            c.add("smtp_host", "err-smtp-host");
        } else if !policy.allow_private_smtp
            && (destination::literal_ip(h).is_some_and(|ip| !destination::is_public(ip))
                || destination::is_local_name(h))
        {
            c.add("smtp_host", "err-smtp-host-private");
        }
    }
    w.smtp_host = host;
    w.smtp_port = match form
        .smtp_port
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(p) if p > 0 => Some(i32::from(p)),
            _ => {
                c.add("smtp_port", "err-port");
                None
            }
        },
    };
    if let Some(t) = form
        .smtp_tls
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if ["none", "starttls", "tls"].contains(&t) {
            w.smtp_tls = t.to_string()
        } else {
            c.add("smtp_tls", "err-smtp-tls")
        }
    }
    w.smtp_username = c.optional("smtp_username", form.smtp_username.as_deref(), 200);
    if let Some(p) = c.optional("smtp_password", form.smtp_password.as_deref(), 200) {
        w.smtp_password = Some(p);
    }
    if w.smtp_host.is_none() {
        w.smtp_password = None;
    }
}

/// Creates a workspace (command line, demo, tests).
pub async fn create(app: &App, name: &str, actor: &Actor) -> Result<WorkspaceRow> {
    let now = app.now();
    let mut w = WorkspaceRow {
        id: WorkspaceId::new().uuid(),
        name: String::new(),
        currency: Currency::EUR,
        time_zone: "Europe/Paris".into(),
        language: Language::Fr,
        mail_from: None,
        smtp_host: None,
        smtp_port: None,
        smtp_tls: "starttls".into(),
        smtp_username: None,
        smtp_password: None,
        created_at: now,
        updated_at: now,
    };
    apply(
        &SettingsForm {
            name: name.to_string(),
            ..Default::default()
        },
        &mut w,
        &app.mail_policy,
    )?;
    crate::write_tx!(app, tx => {
        workspaces::insert(&mut tx.conn(), &w).await?;
        record::<(), _>(
            &mut tx.conn(),
            WorkspaceId::from_uuid(w.id),
            actor,
            now,
            "workspace",
            w.id,
            "create",
            None,
            Some(&audited(&w)),
        )
        .await?;
    })?;
    Ok(w)
}

pub async fn get(app: &App, ctx: &Ctx) -> Result<WorkspaceRow> {
    let mut conn = app.db.read().await?;
    Ok(workspaces::get(&mut conn.conn(), ctx.workspace).await?)
}

pub async fn update(app: &App, ctx: &Ctx, form: &SettingsForm) -> Result<WorkspaceRow> {
    ctx.require(SettingsAction::ManageWorkspace)?;
    crate::write_tx!(app, tx => {
        let before = workspaces::get(&mut tx.conn(), ctx.workspace).await?;
        let mut after = before.clone();
        apply(form, &mut after, &app.mail_policy)?;
        after.updated_at = app.now();
        workspaces::update(&mut tx.conn(), &after).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "workspace",
            after.id,
            "update",
            Some(&audited(&before)),
            Some(&audited(&after)),
        )
        .await?;
        after
    })
}
