//! The time-entry form (HTML forms and JSON alike), parsed into a valid entry with every bad
//! field reported at once.
use crate::Invalid;
use crate::forms::{blank, check_window, given, parse_civil, parse_duration, truthy};
use crate::projects::engagement::{FreeReason, Scope, day_key};
use crate::time::{DateWindow, MAX_DAY_MINUTES};
use crate::validate::Checker;
use serde::Deserialize;

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

/// How long, as it arrives: text typed in a form (`1:30`, `1.5h`, `90`) or whole minutes (JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationIn<'a> {
    Text(&'a str),
    Minutes(i64),
    /// Given twice (as minutes and as text): refused rather than one silently winning.
    Twice,
}

/// The fields of the "log time" command as they arrive, borrowed from the HTML form or from the
/// JSON body — neither is rewritten into the other's strings (issue 9 §2). [`EntryFields::check`]
/// makes the one command, [`EntryInput`], with every bad field reported at once.
#[derive(Clone, Copy, Debug)]
pub struct EntryFields<'a> {
    pub user_id: Option<&'a str>,
    pub project_id: &'a str,
    pub deliverable_id: Option<&'a str>,
    pub change_request_id: Option<&'a str>,
    pub date: &'a str,
    pub duration: DurationIn<'a>,
    pub note: Option<&'a str>,
    /// `None`: billable unless the work is free.
    pub billable: Option<bool>,
    pub scope: Option<&'a str>,
    pub free_reason: Option<&'a str>,
    pub free_note: Option<&'a str>,
}

impl<'a> From<&'a EntryForm> for EntryFields<'a> {
    fn from(f: &'a EntryForm) -> Self {
        EntryFields {
            user_id: f.user_id.as_deref(),
            project_id: &f.project_id,
            deliverable_id: f.deliverable_id.as_deref(),
            change_request_id: f.change_request_id.as_deref(),
            date: &f.date,
            duration: DurationIn::Text(&f.duration),
            note: f.note.as_deref(),
            // A checkbox: `1`, `on`, `true`, `yes`, `oui` are yes, anything else typed is no.
            billable: blank(&f.billable).map(|b| truthy(Some(b))),
            scope: f.scope.as_deref(),
            free_reason: f.free_reason.as_deref(),
            free_note: f.free_note.as_deref(),
        }
    }
}

impl EntryForm {
    /// The entry, checked (see [`EntryFields::check`]).
    pub fn parse(&self, today: jiff::civil::Date) -> Result<EntryInput, Invalid> {
        EntryFields::from(self).check(today)
    }
}

/// An optional id: absent when blank, `err-invalid` when not an id.
fn some_id(c: &mut Checker, field: &str, v: Option<&str>) -> Option<uuid::Uuid> {
    let s = given(v)?;
    let id = uuid::Uuid::parse_str(s).ok();
    if id.is_none() {
        c.add(field, "err-invalid");
    }
    id
}

impl EntryFields<'_> {
    /// The entry, checked; `today` is the workspace's date, for the window of accepted dates
    /// ([`DateWindow`]: 2000-01-01 to a year ahead).
    pub fn check(&self, today: jiff::civil::Date) -> Result<EntryInput, Invalid> {
        let mut c = Checker::new();
        let user_id = some_id(&mut c, "user_id", self.user_id);
        let project_id = uuid::Uuid::parse_str(self.project_id.trim()).ok();
        if project_id.is_none() {
            c.add("project_id", "err-required");
        }
        let deliverable_id = some_id(&mut c, "deliverable_id", self.deliverable_id);
        let change_request_id = some_id(&mut c, "change_request_id", self.change_request_id);
        // Unbounded here: the entry's own window names its dates in the message.
        let date = parse_civil(self.date).map(day_key);
        if date.is_none() {
            c.add("date", "err-date");
        }
        if let Some(d) = date {
            check_window(&mut c, "date", d, DateWindow::on(today));
        }
        let parsed = match self.duration {
            DurationIn::Text(t) if t.trim().starts_with('-') => Err("err-duration-positive"),
            DurationIn::Text(t) => parse_duration(t).ok_or("err-duration"),
            DurationIn::Minutes(m) => Ok(m),
            DurationIn::Twice => Err("err-duration-twice"),
        };
        let minutes = match parsed {
            Err(code) => {
                c.add("duration", code);
                0
            }
            Ok(m) if m <= 0 => {
                c.add("duration", "err-duration-positive");
                0
            }
            Ok(m) if m > MAX_DAY_MINUTES => {
                c.add("duration", "err-duration-day");
                0
            }
            Ok(m) => m,
        };
        let note = c.optional("note", self.note, 2000).unwrap_or_default();
        let scope = match given(self.scope) {
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
        let free_reason = match given(self.free_reason) {
            None => None,
            Some(s) => {
                let r = FreeReason::parse(s);
                if r.is_none() {
                    c.add("free_reason", "err-choice");
                }
                r
            }
        };
        let free_note = c.optional("free_note", self.free_note, 500);
        if scope == Scope::Free && free_reason.is_none() && given(self.free_reason).is_none() {
            c.add("free_reason", "err-free-reason");
        }
        let billable = self.billable.unwrap_or(scope != Scope::Free);
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::FieldArg;

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
