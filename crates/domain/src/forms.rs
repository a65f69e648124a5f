//! Forms of the engagement and time modules (HTML forms and JSON alike), parsed into valid
//! values with every bad field reported at once.
use crate::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, FreeReason, RolloverKind, Scope,
    day_key, parse_thresholds,
};
use crate::time::{DateWindow, MAX_DAY_MINUTES, Minutes, Rounding};
use crate::validate::{Checker, FieldArg};
use crate::{Currency, Invalid, max_amount_minor, max_rate_minor};
use rust_decimal::Decimal;
use serde::Deserialize;

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The last date any field takes; the first is [`DateWindow::FIRST`] (2000-01-01). Years such
/// as 0000 or 9999 are typing mistakes, never plans.
pub const LAST_DAY: jiff::civil::Date = jiff::civil::date(2099, 12, 31);

/// A civil date `YYYY-MM-DD` (also `DD/MM/YYYY`) as stored `YYYYMMDD`, from 2000-01-01 to
/// 2099-12-31 (time entries are narrower still: see [`DateWindow`]).
pub fn parse_day(s: &str) -> Option<i32> {
    let d = parse_civil(s)?;
    (DateWindow::FIRST..=LAST_DAY)
        .contains(&d)
        .then(|| day_key(d))
}

/// Any civil date as typed, unbounded (a caller that reports its own window uses it).
fn parse_civil(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let d = match s.parse::<jiff::civil::Date>() {
        Ok(d) => d,
        Err(_) => {
            let parts: Vec<&str> = s.split('/').collect();
            let [d, m, y] = parts.as_slice() else {
                return None;
            };
            jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?
        }
    };
    Some(d)
}

/// An amount in the currency's minor units: `1234.5`, `1 234,50`; never negative, never above
/// [`max_amount_minor`].
pub fn parse_amount(s: &str, currency: Currency) -> Option<i64> {
    parse_bounded(s, currency).filter(|m| *m <= max_amount_minor(currency))
}

/// Checks an amount field: `err-amount` when it is not an amount, `err-amount-max` above
/// [`max_amount_minor`].
pub fn amount_field(c: &mut Checker, field: &str, s: &str, currency: Currency) -> Option<i64> {
    bounded_field(
        c,
        field,
        s,
        currency,
        (max_amount_minor(currency), "err-amount-max"),
    )
}

/// Checks an hourly rate field: `err-amount` when it is not an amount, `err-rate-max` above
/// [`max_rate_minor`] (100,000 per hour in the currency).
pub fn rate_field(c: &mut Checker, field: &str, s: &str, currency: Currency) -> Option<i64> {
    bounded_field(
        c,
        field,
        s,
        currency,
        (max_rate_minor(currency), "err-rate-max"),
    )
}

fn bounded_field(
    c: &mut Checker,
    field: &str,
    s: &str,
    currency: Currency,
    (max, code): (i64, &'static str),
) -> Option<i64> {
    match parse_bounded(s, currency) {
        None => {
            c.add(field, "err-amount");
            None
        }
        Some(m) if m > max => {
            c.add(field, code);
            None
        }
        Some(m) => Some(m),
    }
}

/// A decimal amount in minor units, if it is one that fits; bounds are the callers'.
fn parse_bounded(s: &str, currency: Currency) -> Option<i64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    // Plain decimals only: no sign, no exponent (`1e3`), no underscores.
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let d: Decimal = cleaned.parse().ok()?;
    if d.is_sign_negative() || d.scale() > currency.minor_digits() {
        return None;
    }
    let minor = d.checked_mul(Decimal::from(10i64.pow(currency.minor_digits())))?;
    i64::try_from(minor.trunc()).ok()
}

/// A duration typed by a person: minutes (`90`), hours (`1.5`, `1,5h`) or `h:mm`.
pub fn parse_duration(s: &str) -> Option<i64> {
    let t = s.trim().to_lowercase();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    if t.contains(':') {
        return Minutes::from_clock(&t).map(Minutes::get);
    }
    if let Some(h) = t.strip_suffix('h') {
        return Minutes::from_decimal_hours(h).map(Minutes::get);
    }
    if let Some(m) = t.strip_suffix("min").or_else(|| t.strip_suffix('m')) {
        return m.trim().parse().ok();
    }
    if t.contains('.') || t.contains(',') {
        return Minutes::from_decimal_hours(&t).map(Minutes::get);
    }
    // A bare whole number: hours when small (a person typing "2"), else minutes.
    let n: i64 = t.parse().ok()?;
    Some(if n <= 12 { n * 60 } else { n })
}

/// A project as typed. Amounts are decimal strings in the project's currency.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub name: String,
    pub manager_id: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub currency: Option<String>,
    #[serde(default)]
    pub billing_model: String,
    pub hourly_rate: Option<String>,
    pub cap: Option<String>,
    pub fixed_price: Option<String>,
    pub fixed_revenue: Option<String>,
    pub retainer_fee: Option<String>,
    pub retainer_hours: Option<String>,
    pub rollover: Option<String>,
    pub rollover_months: Option<String>,
    pub budget_hours: Option<String>,
    pub budget_amount: Option<String>,
    pub budget_monthly: Option<String>,
    pub rounding: Option<String>,
    pub alert_thresholds: Option<String>,
}

/// A valid project.
#[derive(Clone, Debug)]
pub struct ProjectInput {
    pub client_id: uuid::Uuid,
    pub name: String,
    pub manager_id: Option<uuid::Uuid>,
    pub starts_on: Option<i32>,
    pub ends_on: Option<i32>,
    pub currency: Currency,
    pub billing_model: BillingModel,
    pub hourly_rate_minor: i64,
    pub cap_minor: Option<i64>,
    pub fixed_price_minor: Option<i64>,
    pub fixed_revenue: FixedRevenue,
    pub retainer_fee_minor: Option<i64>,
    pub retainer_included_minutes: Option<i64>,
    pub rollover: RolloverKind,
    pub rollover_months: i32,
    pub budget_minutes: Option<i64>,
    pub budget_minor: Option<i64>,
    pub budget_monthly: bool,
    pub rounding: Option<Rounding>,
    pub alert_thresholds: String,
}

fn truthy(s: Option<&str>) -> bool {
    matches!(s, Some("1" | "true" | "on" | "yes" | "oui"))
}

impl ProjectForm {
    pub fn parse(&self, default_currency: Currency) -> Result<ProjectInput, Invalid> {
        let mut c = Checker::new();
        let client_id = uuid::Uuid::parse_str(self.client_id.trim()).ok();
        if client_id.is_none() {
            c.add("client_id", "err-required");
        }
        let name = c.required("name", &self.name, 200);
        let manager_id = match blank(&self.manager_id) {
            None => None,
            Some(m) => {
                let id = uuid::Uuid::parse_str(m).ok();
                if id.is_none() {
                    c.add("manager_id", "err-invalid");
                }
                id
            }
        };
        let day = |c: &mut Checker, field: &str, v: &Option<String>| match blank(v) {
            None => None,
            Some(s) => {
                let d = parse_day(s);
                if d.is_none() {
                    c.add(field, "err-date");
                }
                d
            }
        };
        let starts_on = day(&mut c, "starts_on", &self.starts_on);
        let ends_on = day(&mut c, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            c.add("ends_on", "err-end-before-start");
        }
        let currency = match blank(&self.currency) {
            None => default_currency,
            Some(code) => Currency::parse(code).unwrap_or_else(|| {
                c.add("currency", "err-currency");
                default_currency
            }),
        };
        let model = BillingModel::parse(&self.billing_model);
        if model.is_none() {
            c.add("billing_model", "err-choice");
        }
        let model = model.unwrap_or(BillingModel::TimeMaterials);
        let amount = |c: &mut Checker, field: &str, v: &Option<String>| {
            blank(v).and_then(|s| amount_field(c, field, s, currency))
        };
        let hourly_rate_minor = blank(&self.hourly_rate)
            .and_then(|s| rate_field(&mut c, "hourly_rate", s, currency))
            .unwrap_or(0);
        let cap_minor = amount(&mut c, "cap", &self.cap);
        let fixed_price_minor = amount(&mut c, "fixed_price", &self.fixed_price);
        let retainer_fee_minor = amount(&mut c, "retainer_fee", &self.retainer_fee);
        let budget_minor = amount(&mut c, "budget_amount", &self.budget_amount);
        let hours = |c: &mut Checker, field: &str, v: &Option<String>| match blank(v) {
            None => None,
            Some(s) => {
                let m = Minutes::from_decimal_hours(s).map(Minutes::get);
                if m.is_none() {
                    c.add(field, "err-hours");
                }
                m
            }
        };
        let retainer_included_minutes = hours(&mut c, "retainer_hours", &self.retainer_hours);
        let budget_minutes = hours(&mut c, "budget_hours", &self.budget_hours);
        let fixed_revenue = match blank(&self.fixed_revenue) {
            None => FixedRevenue::Milestones,
            Some(s) => FixedRevenue::parse(s).unwrap_or_else(|| {
                c.add("fixed_revenue", "err-choice");
                FixedRevenue::Milestones
            }),
        };
        let rollover = match blank(&self.rollover) {
            None => RolloverKind::None,
            Some(s) => RolloverKind::parse(s).unwrap_or_else(|| {
                c.add("rollover", "err-choice");
                RolloverKind::None
            }),
        };
        let rollover_months = match blank(&self.rollover_months) {
            None => 0,
            Some(s) => match s.parse::<i32>() {
                Ok(n) if (0..=24).contains(&n) => n,
                _ => {
                    c.add("rollover_months", "err-months");
                    0
                }
            },
        };
        if rollover == RolloverKind::Carry && rollover_months == 0 {
            c.add("rollover_months", "err-months");
        }
        match model {
            BillingModel::FixedFee if fixed_price_minor.is_none() => {
                c.add("fixed_price", "err-required")
            }
            BillingModel::Retainer => {
                if retainer_fee_minor.is_none() {
                    c.add("retainer_fee", "err-required");
                }
                if retainer_included_minutes.is_none() {
                    c.add("retainer_hours", "err-required");
                }
            }
            _ => {}
        }
        let rounding = match blank(&self.rounding) {
            None | Some("inherit") => None,
            Some(s) => {
                let r = Rounding::parse(s);
                if r.is_none() {
                    c.add("rounding", "err-choice");
                }
                r
            }
        };
        let alert_thresholds = match blank(&self.alert_thresholds) {
            None => "80,100".to_string(),
            Some(s) => match parse_thresholds(s) {
                Some(v) => v.iter().map(i32::to_string).collect::<Vec<_>>().join(","),
                None => {
                    c.add("alert_thresholds", "err-thresholds");
                    String::new()
                }
            },
        };
        c.finish()?;
        Ok(ProjectInput {
            client_id: client_id.unwrap_or_default(),
            name,
            manager_id,
            starts_on,
            ends_on,
            currency,
            billing_model: model,
            hourly_rate_minor,
            cap_minor,
            fixed_price_minor,
            fixed_revenue,
            retainer_fee_minor,
            retainer_included_minutes,
            rollover,
            rollover_months,
            budget_minutes,
            budget_minor,
            budget_monthly: truthy(blank(&self.budget_monthly)),
            rounding,
            alert_thresholds,
        })
    }
}

/// Adds `err-date-window` on `field` when the day key `day` is outside `window`.
pub fn check_window(c: &mut Checker, field: &str, day: i32, window: DateWindow) {
    let (from, to) = (day_key(window.from), day_key(window.to));
    if day < from || day > to {
        c.add_arg(field, "err-date-window", FieldArg::Dates { from, to });
    }
}

/// A time entry as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryForm {
    /// Another person's id (managers only); empty = the caller.
    pub user_id: Option<String>,
    #[serde(default)]
    pub project_id: String,
    pub deliverable_id: Option<String>,
    pub change_request_id: Option<String>,
    #[serde(default)]
    pub date: String,
    /// Minutes, decimal hours or `h:mm`.
    #[serde(default)]
    pub duration: String,
    pub note: Option<String>,
    pub billable: Option<String>,
    pub scope: Option<String>,
    pub free_reason: Option<String>,
    pub free_note: Option<String>,
}

/// A valid time entry.
#[derive(Clone, Debug)]
pub struct EntryInput {
    pub user_id: Option<uuid::Uuid>,
    pub project_id: uuid::Uuid,
    pub deliverable_id: Option<uuid::Uuid>,
    pub change_request_id: Option<uuid::Uuid>,
    pub date: i32,
    pub minutes: i64,
    pub note: String,
    pub billable: bool,
    pub scope: Scope,
    pub free_reason: Option<FreeReason>,
    pub free_note: Option<String>,
}

fn opt_id(c: &mut Checker, field: &str, v: &Option<String>) -> Option<uuid::Uuid> {
    let s = blank(v)?;
    let id = uuid::Uuid::parse_str(s).ok();
    if id.is_none() {
        c.add(field, "err-invalid");
    }
    id
}

impl EntryForm {
    /// The entry, checked; `today` is the workspace's date, for the window of accepted dates
    /// ([`DateWindow`]: 2000-01-01 to a year ahead).
    pub fn parse(&self, today: jiff::civil::Date) -> Result<EntryInput, Invalid> {
        let mut c = Checker::new();
        let user_id = opt_id(&mut c, "user_id", &self.user_id);
        let project_id = uuid::Uuid::parse_str(self.project_id.trim()).ok();
        if project_id.is_none() {
            c.add("project_id", "err-required");
        }
        let deliverable_id = opt_id(&mut c, "deliverable_id", &self.deliverable_id);
        let change_request_id = opt_id(&mut c, "change_request_id", &self.change_request_id);
        // Unbounded here: the entry's own window names its dates in the message.
        let date = parse_civil(&self.date).map(day_key);
        if date.is_none() {
            c.add("date", "err-date");
        }
        if let Some(d) = date {
            check_window(&mut c, "date", d, DateWindow::on(today));
        }
        let minutes = match parse_duration(&self.duration) {
            None if self.duration.trim().starts_with('-') => {
                c.add("duration", "err-duration-positive");
                0
            }
            None => {
                c.add("duration", "err-duration");
                0
            }
            Some(m) if m <= 0 => {
                c.add("duration", "err-duration-positive");
                0
            }
            Some(m) if m > MAX_DAY_MINUTES => {
                c.add("duration", "err-duration-day");
                0
            }
            Some(m) => m,
        };
        let note = c
            .optional("note", self.note.as_deref(), 2000)
            .unwrap_or_default();
        let scope = match blank(&self.scope) {
            None => {
                if change_request_id.is_some() {
                    Scope::ChangeRequest
                } else {
                    Scope::InScope
                }
            }
            Some(s) => Scope::parse(s).unwrap_or_else(|| {
                c.add("scope", "err-choice");
                Scope::InScope
            }),
        };
        if scope == Scope::ChangeRequest && change_request_id.is_none() {
            c.add("change_request_id", "err-required");
        }
        let free_reason = match blank(&self.free_reason) {
            None => None,
            Some(s) => {
                let r = FreeReason::parse(s);
                if r.is_none() {
                    c.add("free_reason", "err-choice");
                }
                r
            }
        };
        let free_note = c.optional("free_note", self.free_note.as_deref(), 500);
        if scope == Scope::Free && free_reason.is_none() && blank(&self.free_reason).is_none() {
            c.add("free_reason", "err-free-reason");
        }
        let billable = match blank(&self.billable) {
            None => scope != Scope::Free,
            Some(s) => truthy(Some(s)),
        };
        c.finish()?;
        Ok(EntryInput {
            user_id,
            project_id: project_id.unwrap_or_default(),
            deliverable_id,
            change_request_id: if scope == Scope::ChangeRequest {
                change_request_id
            } else {
                None
            },
            date: date.unwrap_or_default(),
            minutes,
            note,
            billable,
            scope,
            free_reason: if scope == Scope::Free {
                free_reason
            } else {
                None
            },
            free_note: if scope == Scope::Free {
                free_note
            } else {
                None
            },
        })
    }
}

/// A deliverable as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DeliverableForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub estimate_hours: String,
    pub owner_id: Option<String>,
    pub status: Option<String>,
}

pub struct DeliverableInput {
    pub name: String,
    pub estimate_minutes: i64,
    pub owner_id: Option<uuid::Uuid>,
    pub status: DeliverableStatus,
}

impl DeliverableForm {
    pub fn parse(&self) -> Result<DeliverableInput, Invalid> {
        let mut c = Checker::new();
        let name = c.required("name", &self.name, 200);
        let estimate_minutes = match Minutes::from_decimal_hours(&self.estimate_hours) {
            Some(m) => m.get(),
            None => {
                c.add("estimate_hours", "err-hours");
                0
            }
        };
        let owner_id = opt_id(&mut c, "owner_id", &self.owner_id);
        let status = match blank(&self.status) {
            None => DeliverableStatus::Planned,
            Some(s) => DeliverableStatus::parse(s).unwrap_or_else(|| {
                c.add("status", "err-choice");
                DeliverableStatus::Planned
            }),
        };
        c.finish()?;
        Ok(DeliverableInput {
            name,
            estimate_minutes,
            owner_id,
            status,
        })
    }
}

/// A change request as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub extra_hours: String,
    #[serde(default)]
    pub price: String,
    pub status: Option<String>,
}

pub struct ChangeInput {
    pub title: String,
    pub description: String,
    pub extra_minutes: i64,
    pub price_minor: i64,
    pub status: ChangeStatus,
}

impl ChangeForm {
    pub fn parse(&self, currency: Currency) -> Result<ChangeInput, Invalid> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, 200);
        let description = c
            .optional("description", self.description.as_deref(), 4000)
            .unwrap_or_default();
        let extra_minutes = match Minutes::from_decimal_hours(&self.extra_hours) {
            Some(m) => m.get(),
            None => {
                c.add("extra_hours", "err-hours");
                0
            }
        };
        let price_minor = amount_field(&mut c, "price", &self.price, currency).unwrap_or(0);
        let status = match blank(&self.status) {
            None => ChangeStatus::Draft,
            Some(s) => match ChangeStatus::parse(s) {
                Some(st @ (ChangeStatus::Draft | ChangeStatus::Sent)) => st,
                _ => {
                    c.add("status", "err-choice");
                    ChangeStatus::Draft
                }
            },
        };
        c.finish()?;
        Ok(ChangeInput {
            title,
            description,
            extra_minutes,
            price_minor,
            status,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_people_type_them() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("2"), Some(120));
        assert_eq!(parse_duration("1,5"), Some(90));
        assert_eq!(parse_duration("1.25h"), Some(75));
        assert_eq!(parse_duration("1:30"), Some(90));
        assert_eq!(parse_duration("45m"), Some(45));
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("abc"), None);
    }

    #[test]
    fn amounts_in_minor_units() {
        assert_eq!(parse_amount("1 234,50", Currency::EUR), Some(123_450));
        assert_eq!(parse_amount("95", Currency::EUR), Some(9_500));
        assert_eq!(parse_amount("1.234", Currency::EUR), None);
        assert_eq!(parse_amount("-5", Currency::EUR), None);
        // Bounds: ten billion in the currency, 100,000 an hour for a rate.
        assert_eq!(
            parse_amount("10000000000,00", Currency::EUR),
            Some(1_000_000_000_000)
        );
        assert_eq!(parse_amount("10000000000.01", Currency::EUR), None);
        assert_eq!(parse_amount("92233720368547758.07", Currency::EUR), None);
        let mut c = Checker::new();
        assert_eq!(
            rate_field(&mut c, "r", "100000", Currency::EUR),
            Some(10_000_000)
        );
        assert_eq!(rate_field(&mut c, "r", "100000.01", Currency::EUR), None);
        assert_eq!(amount_field(&mut c, "a", "1e3", Currency::EUR), None);
        let Err(Invalid(errs)) = c.finish() else {
            panic!("expected errors")
        };
        let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["err-rate-max", "err-amount"]);
    }

    #[test]
    fn entry_rules() {
        let mut f = EntryForm {
            project_id: uuid::Uuid::nil().to_string(),
            date: "2026-11-24".into(),
            duration: "0".into(),
            ..EntryForm::default()
        };
        let today = jiff::civil::date(2026, 11, 27);
        let e = f.parse(today).unwrap_err();
        assert_eq!(e.0[0].code, "err-duration-positive");
        f.duration = "25:00".into();
        assert_eq!(f.parse(today).unwrap_err().0[0].code, "err-duration-day");
        f.duration = "1:00".into();
        f.scope = Some("free".into());
        assert_eq!(f.parse(today).unwrap_err().0[0].code, "err-free-reason");
        f.free_reason = Some("goodwill".into());
        let ok = f.parse(today).unwrap();
        assert!(!ok.billable && ok.scope == Scope::Free && ok.minutes == 60);
        assert_eq!(ok.date, 20261124);
    }

    #[test]
    fn entry_dates_stay_in_the_window() {
        let today = jiff::civil::date(2026, 11, 27);
        let mut f = EntryForm {
            project_id: uuid::Uuid::nil().to_string(),
            date: "0001-03-02".into(),
            duration: "1:00".into(),
            ..EntryForm::default()
        };
        let window = Some(FieldArg::Dates {
            from: 20000101,
            to: 20271127,
        });
        for bad in ["0001-03-02", "1999-12-31", "2027-11-28", "01/01/9999"] {
            f.date = bad.into();
            let e = f.parse(today).unwrap_err();
            assert_eq!(
                (e.0[0].code, e.0[0].arg),
                ("err-date-window", window),
                "{bad}"
            );
        }
        for good in ["2000-01-01", "2027-11-27", "27/11/2026"] {
            f.date = good.into();
            assert!(f.parse(today).is_ok(), "{good}");
        }
    }
}
