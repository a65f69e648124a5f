//! The project, deliverable and change-request forms (HTML forms and JSON alike), parsed into
//! valid inputs with every bad field reported at once.
use crate::forms::{NumberIn, amount_field, blank, given, opt_id, parse_day, rate_field, truthy};
use crate::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, RolloverKind, parse_thresholds,
};
use crate::time::{Minutes, Rounding};
use crate::validate::Checker;
use crate::{Currency, Invalid};
use serde::Deserialize;

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

/// The fields of the "create or change a project" command as they arrive, borrowed from the HTML
/// form or from the JSON body (whose numbers and booleans stay typed); [`ProjectFields::check`]
/// makes the one command, [`ProjectInput`] (issue 9 §2).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProjectFields<'a> {
    pub client_id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub manager_id: Option<&'a str>,
    pub starts_on: Option<&'a str>,
    pub ends_on: Option<&'a str>,
    pub currency: Option<&'a str>,
    pub billing_model: Option<&'a str>,
    pub hourly_rate: Option<&'a str>,
    pub cap: Option<&'a str>,
    pub fixed_price: Option<&'a str>,
    pub fixed_revenue: Option<&'a str>,
    pub retainer_fee: Option<&'a str>,
    pub retainer_hours: Option<&'a str>,
    pub rollover: Option<&'a str>,
    pub budget_hours: Option<&'a str>,
    pub budget_amount: Option<&'a str>,
    pub rounding: Option<&'a str>,
    pub alert_thresholds: Option<&'a str>,
    pub rollover_months: Option<NumberIn<'a>>,
    /// `None`: not monthly.
    pub budget_monthly: Option<bool>,
}

impl<'a> From<&'a ProjectForm> for ProjectFields<'a> {
    fn from(f: &'a ProjectForm) -> Self {
        ProjectFields {
            client_id: Some(&f.client_id),
            name: Some(&f.name),
            billing_model: Some(&f.billing_model),
            manager_id: f.manager_id.as_deref(),
            starts_on: f.starts_on.as_deref(),
            ends_on: f.ends_on.as_deref(),
            currency: f.currency.as_deref(),
            hourly_rate: f.hourly_rate.as_deref(),
            cap: f.cap.as_deref(),
            fixed_price: f.fixed_price.as_deref(),
            fixed_revenue: f.fixed_revenue.as_deref(),
            retainer_fee: f.retainer_fee.as_deref(),
            retainer_hours: f.retainer_hours.as_deref(),
            rollover: f.rollover.as_deref(),
            budget_hours: f.budget_hours.as_deref(),
            budget_amount: f.budget_amount.as_deref(),
            rounding: f.rounding.as_deref(),
            alert_thresholds: f.alert_thresholds.as_deref(),
            rollover_months: f.rollover_months.as_deref().map(NumberIn::Text),
            // A checkbox: `1`, `on`, `true`, `yes`, `oui` are yes.
            budget_monthly: blank(&f.budget_monthly).map(|b| truthy(Some(b))),
        }
    }
}

impl ProjectForm {
    /// The project, checked (see [`ProjectFields::check`]).
    pub fn parse(&self, default_currency: Currency) -> Result<ProjectInput, Invalid> {
        ProjectFields::from(self).check(default_currency)
    }
}

impl ProjectFields<'_> {
    pub fn check(&self, default_currency: Currency) -> Result<ProjectInput, Invalid> {
        let mut c = Checker::new();
        let client_id = given(self.client_id).and_then(|s| uuid::Uuid::parse_str(s).ok());
        if client_id.is_none() {
            c.add("client_id", "err-required");
        }
        let name = c.required("name", self.name.unwrap_or_default(), 200);
        let manager_id = match given(self.manager_id) {
            None => None,
            Some(m) => {
                let id = uuid::Uuid::parse_str(m).ok();
                if id.is_none() {
                    c.add("manager_id", "err-invalid");
                }
                id
            }
        };
        let day = |c: &mut Checker, field: &str, v: Option<&str>| match given(v) {
            None => None,
            Some(s) => {
                let d = parse_day(s);
                if d.is_none() {
                    c.add(field, "err-date");
                }
                d
            }
        };
        let starts_on = day(&mut c, "starts_on", self.starts_on);
        let ends_on = day(&mut c, "ends_on", self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            c.add("ends_on", "err-end-before-start");
        }
        let currency = match given(self.currency) {
            None => default_currency,
            Some(code) => Currency::parse(code).unwrap_or_else(|| {
                c.add("currency", "err-currency");
                default_currency
            }),
        };
        let model = given(self.billing_model).and_then(BillingModel::parse);
        if model.is_none() {
            c.add("billing_model", "err-choice");
        }
        let model = model.unwrap_or(BillingModel::TimeMaterials);
        let amount = |c: &mut Checker, field: &str, v: Option<&str>| {
            given(v).and_then(|s| amount_field(c, field, s, currency))
        };
        let hourly_rate_minor = given(self.hourly_rate)
            .and_then(|s| rate_field(&mut c, "hourly_rate", s, currency))
            .unwrap_or(0);
        let cap_minor = amount(&mut c, "cap", self.cap);
        let fixed_price_minor = amount(&mut c, "fixed_price", self.fixed_price);
        let retainer_fee_minor = amount(&mut c, "retainer_fee", self.retainer_fee);
        let budget_minor = amount(&mut c, "budget_amount", self.budget_amount);
        let hours = |c: &mut Checker, field: &str, v: Option<&str>| match given(v) {
            None => None,
            Some(s) => {
                let m = Minutes::from_decimal_hours(s).map(Minutes::get);
                if m.is_none() {
                    c.add(field, "err-hours");
                }
                m
            }
        };
        let retainer_included_minutes = hours(&mut c, "retainer_hours", self.retainer_hours);
        let budget_minutes = hours(&mut c, "budget_hours", self.budget_hours);
        let fixed_revenue = match given(self.fixed_revenue) {
            None => FixedRevenue::Milestones,
            Some(s) => FixedRevenue::parse(s).unwrap_or_else(|| {
                c.add("fixed_revenue", "err-choice");
                FixedRevenue::Milestones
            }),
        };
        let rollover = match given(self.rollover) {
            None => RolloverKind::None,
            Some(s) => RolloverKind::parse(s).unwrap_or_else(|| {
                c.add("rollover", "err-choice");
                RolloverKind::None
            }),
        };
        let rollover_months = match self.rollover_months.and_then(NumberIn::given) {
            None => 0,
            Some(n) => match n.value().and_then(|n| i32::try_from(n).ok()) {
                Some(n) if (0..=24).contains(&n) => n,
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
        let rounding = match given(self.rounding) {
            None | Some("inherit") => None,
            Some(s) => {
                let r = Rounding::parse(s);
                if r.is_none() {
                    c.add("rounding", "err-choice");
                }
                r
            }
        };
        let alert_thresholds = match given(self.alert_thresholds) {
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
            budget_monthly: self.budget_monthly.unwrap_or(false),
            rounding,
            alert_thresholds,
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
