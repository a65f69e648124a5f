//! Audit entries as sentences in the reader's language: names instead of ids, labelled fields,
//! dates, money, durations and enum values formatted for the locale.
use crate::AppState;
use crate::html::Base;
use crate::session::Page;
use mesure_i18n::{Arg, has, t, t_args};
use mesure_services::ServiceError;
use mesure_store::audit::AuditRow;
use serde_json::{Map, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// One audit entry, ready to show.
pub struct AuditLine {
    pub at: i64,
    pub sentence: String,
    pub changes: Vec<ChangeLine>,
    /// The page of the entity, when it has one and still exists.
    pub link: Option<String>,
}

/// One changed field: its label and its values before and after, formatted.
pub struct ChangeLine {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// Bookkeeping fields never shown.
const SKIP: &[&str] = &[
    "workspace_id",
    "id",
    "name_key",
    "search_key",
    "sort_key",
    "created_at",
    "updated_at",
    "version",
    "client_id",
];

/// Fields holding a day as `YYYYMMDD`.
const DAYS: &[&str] = &[
    "work_date",
    "week_start",
    "valid_from",
    "valid_to",
    "starts_on",
    "ends_on",
    "due_on",
    "reached_on",
    "accepted_on",
    "decided_on",
    "day",
    "paid_on",
    "period_from",
    "period_to",
];

/// Enum fields and the catalogue prefix of their values.
const ENUMS: &[(&str, &str)] = &[
    ("scope", "scope-"),
    ("free_reason", "reason-"),
    ("write_off_reason", "reason-"),
    ("role", "role-"),
    ("contact_role", "role-"),
    ("language", "language-"),
    ("billing_model", "billing-"),
    ("rollover", "rollover-"),
    ("fixed_revenue", "fixed-"),
    ("rounding", "rounding-"),
    ("status", "audit-status-"),
    ("kind", "audit-kind-"),
    ("format", "format-name-"),
    ("smtp_tls", "audit-tls-"),
    ("source", "audit-source-"),
    ("entity_type", "audit-entity-"),
];

fn object(s: &Option<String>) -> Map<String, Value> {
    s.as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
}

fn uuid_of(v: Option<&Value>) -> Option<Uuid> {
    v.and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// Whether a field holds the id of a named thing.
fn is_ref(field: &str) -> bool {
    field.ends_with("_id") || field.ends_with("_by") || field == "user"
}

/// Shapes a page of audit rows for the reader.
pub async fn lines(
    s: &AppState,
    page: &Page,
    base: &Base,
    rows: Vec<AuditRow>,
) -> Result<Vec<AuditLine>, ServiceError> {
    type Parsed = (AuditRow, Map<String, Value>, Map<String, Value>);
    let parsed: Vec<Parsed> = rows
        .into_iter()
        .map(|r| {
            let (b, a) = (object(&r.before_json), object(&r.after_json));
            (r, b, a)
        })
        .collect();
    let mut ids: Vec<Uuid> = Vec::new();
    for (r, b, a) in &parsed {
        ids.push(r.entity_id);
        for (k, v) in b.iter().chain(a.iter()) {
            if is_ref(k)
                && let Some(id) = uuid_of(Some(v))
            {
                ids.push(id);
            }
        }
    }
    ids.sort();
    ids.dedup();
    let names = if ids.is_empty() {
        HashMap::new()
    } else {
        mesure_services::audit::names(&s.app, &page.ctx, &ids).await?
    };
    let f = Formatter {
        base,
        names: &names,
        currency: page.ctx.workspace_currency.code().to_string(),
    };
    Ok(parsed
        .iter()
        .map(|(r, b, a)| AuditLine {
            at: r.at,
            sentence: f.sentence(r, b, a),
            changes: f.changes(b, a),
            link: link(r, &names),
        })
        .collect())
}

fn link(r: &AuditRow, names: &HashMap<Uuid, String>) -> Option<String> {
    if r.action == "delete" || !names.contains_key(&r.entity_id) {
        return None;
    }
    let path = match r.entity_type.as_str() {
        "client" => "clients",
        "contact" => "contacts",
        "project" => "projects",
        "invoice" => "invoices",
        _ => return None,
    };
    Some(format!("/{path}/{}", r.entity_id))
}

struct Formatter<'a> {
    base: &'a Base,
    names: &'a HashMap<Uuid, String>,
    currency: String,
}

impl Formatter<'_> {
    fn name_of(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.names.get(&id).cloned())
            .unwrap_or_else(|| t(self.base.lang, "audit-unknown"))
    }

    /// The entity's name: from its recorded values, else looked up, else "unknown".
    fn entity_name(&self, r: &AuditRow, v: &Map<String, Value>) -> String {
        let lang = self.base.lang;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let name = match r.entity_type.as_str() {
            "contact" => match (text("first_name"), text("last_name")) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                _ => text("name"),
            },
            "change_request" => text("title"),
            "import" => text("file_name"),
            "job" => text("kind")
                .map(|k| t(lang, &format!("job-kind-{k}")))
                .or_else(|| Some(t(lang, "job-kind-audit_export"))),
            "time_entry" => {
                let minutes = v.get("minutes").and_then(Value::as_i64).unwrap_or(0);
                let day = v.get("work_date").and_then(Value::as_i64).unwrap_or(0);
                return t_args(
                    lang,
                    "audit-name-time_entry",
                    &[
                        (
                            "duration",
                            Arg::Str(&crate::html::fmt::hours(lang, minutes)),
                        ),
                        ("person", Arg::Str(&self.name_of(uuid_of(v.get("user_id"))))),
                        (
                            "project",
                            Arg::Str(&self.name_of(uuid_of(v.get("project_id")))),
                        ),
                        ("date", Arg::Str(&self.day(day))),
                    ],
                );
            }
            "timesheet" => {
                let day = v.get("week_start").and_then(Value::as_i64).unwrap_or(0);
                return t_args(
                    lang,
                    "audit-name-timesheet",
                    &[
                        ("person", Arg::Str(&self.name_of(Some(r.entity_id)))),
                        ("date", Arg::Str(&self.day(day))),
                    ],
                );
            }
            "rate" | "cost_rate" => Some(self.name_of(uuid_of(v.get("user_id")))),
            // An invoice by its number; a draft has none yet: "draft for <client>".
            "invoice" => text("name").or_else(|| {
                Some(t_args(
                    lang,
                    "audit-name-invoice-draft",
                    &[(
                        "client",
                        Arg::Str(&self.name_of(uuid_of(v.get("client_id")))),
                    )],
                ))
            }),
            "client_billing" => Some(self.name_of(Some(r.entity_id))),
            "capacity" | "leave" => Some(self.name_of(Some(r.entity_id))),
            _ => text("name"),
        };
        name.or_else(|| self.names.get(&r.entity_id).cloned())
            .unwrap_or_else(|| t(lang, "audit-unknown"))
    }

    fn day(&self, key: i64) -> String {
        i32::try_from(key)
            .ok()
            .map(|d| crate::html::fmt::day(self.base.lang, d))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| key.to_string())
    }

    /// "Camille Martin a créé le client « Boulangerie Dupain »."
    fn sentence(&self, r: &AuditRow, b: &Map<String, Value>, a: &Map<String, Value>) -> String {
        let lang = self.base.lang;
        let v = if a.is_empty() { b } else { a };
        let entity = if mesure_services::audit::ENTITIES.contains(&r.entity_type.as_str()) {
            r.entity_type.as_str()
        } else {
            "other"
        };
        let what = t_args(
            lang,
            &format!("audit-what-{entity}"),
            &[("name", Arg::Str(&self.entity_name(r, v)))],
        );
        let action = if mesure_services::audit::ACTIONS.contains(&r.action.as_str()) {
            r.action.as_str()
        } else {
            "other"
        };
        t_args(
            lang,
            &format!("audit-did-{action}"),
            &[
                ("actor", Arg::Str(&r.actor_label)),
                ("what", Arg::Str(&what)),
            ],
        )
    }

    fn changes(&self, b: &Map<String, Value>, a: &Map<String, Value>) -> Vec<ChangeLine> {
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        let currency = a
            .get("currency")
            .or_else(|| b.get("currency"))
            .and_then(Value::as_str)
            .unwrap_or(&self.currency)
            .to_string();
        keys.into_iter()
            .filter(|k| !SKIP.contains(&k.as_str()))
            .filter(|k| {
                let norm = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
                norm(b.get(*k)) != norm(a.get(*k))
            })
            .map(|k| ChangeLine {
                label: self.label(k),
                before: self.value(k, b.get(k), &currency),
                after: self.value(k, a.get(k), &currency),
            })
            .collect()
    }

    fn label(&self, field: &str) -> String {
        let key = format!("field-{}", field.replace('_', "-"));
        if has(self.base.lang, &key) {
            t(self.base.lang, &key)
        } else {
            t(
                self.base.lang,
                &format!("audit-field-{}", field.replace('_', "-")),
            )
        }
    }

    fn value(&self, field: &str, v: Option<&Value>, currency: &str) -> String {
        let lang = self.base.lang;
        let Some(v) = v.filter(|v| !v.is_null() && v.as_str() != Some("")) else {
            return "—".into();
        };
        if let Value::Bool(x) = v {
            return t(lang, if *x { "audit-yes" } else { "audit-no" });
        }
        if let Some(n) = v.as_i64() {
            if field.ends_with("_minor") {
                return crate::html::fmt::money(lang, n, currency);
            }
            if field == "minutes" || field.ends_with("_minutes") {
                return crate::html::fmt::hours(lang, n);
            }
            if DAYS.contains(&field) {
                return self.day(n);
            }
            if field.ends_with("_at") || field == "from" || field == "to" {
                return self.base.dt(&n);
            }
            return mesure_i18n::count(lang, n);
        }
        let Some(s) = v.as_str() else {
            return v.to_string();
        };
        if is_ref(field) {
            return self.name_of(Uuid::parse_str(s).ok());
        }
        if let Some((_, prefix)) = ENUMS.iter().find(|(f, _)| *f == field) {
            let key = format!("{prefix}{s}");
            if has(lang, &key) {
                return t(lang, &key);
            }
        }
        s.to_string()
    }
}
