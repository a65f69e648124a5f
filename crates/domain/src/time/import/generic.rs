//! Mesure's own format (docs/import.md), also what Mesure's time CSV export writes:
//! `date,person,client,project,deliverable,minutes,note,billable`.
//!
//! * `date`: `YYYY-MM-DD` or `DD/MM/YYYY` (always day first).
//! * `person`: e-mail or full name (an e-mail also fills `Row::person_email`).
//! * duration: exactly one of `minutes` (whole), `hours` (decimal, `.` or `,`) or `duration`
//!   (`h:mm[:ss]`) filled per row; the file may carry several of these columns.
//! * `deliverable`, `note` optional; `billable` yes/no/true/false/1/0/oui/non, yes when empty
//!   or absent.
//!
//! French names: `personne, projet, livrable, heures, durée, facturable`.
use super::parse::DurKind;
use super::{Column, Format, Need, PersonRule, Role, Slashed, Spec};

pub(super) const SPEC: Spec = Spec {
    format: Format::Generic,
    signature: &["person", "personne"],
    columns: &[
        Column::new(Role::Date, &["date"], &[], &[]),
        Column::new(Role::Name, &[], &["person"], &["personne"]),
        Column::new(Role::Email, &["email"], &[], &["courriel"]),
        Column::new(Role::Client, &["client"], &[], &[]),
        Column::new(Role::Project, &[], &["project"], &["projet"]),
        Column::new(Role::Task, &[], &["deliverable"], &["livrable"]),
        Column::new(Role::Note, &["note", "notes"], &[], &[]),
        Column::new(Role::Billable, &[], &["billable"], &["facturable"]),
        Column::duration(DurKind::Minutes, &["minutes"], &[], &[]),
        Column::duration(DurKind::Hours, &[], &["hours"], &["heures"]),
        Column::duration(DurKind::Clock, &[], &["duration"], &["duree"]),
    ],
    needs: &[
        Need::new(&[Role::Date], "date", "date"),
        Need::new(&[Role::Name], "person", "personne"),
        Need::new(&[Role::Client], "client", "client"),
        Need::new(&[Role::Project], "project", "projet"),
        Need::new(
            &[Role::Duration],
            "minutes | hours | duration",
            "minutes | heures | durée",
        ),
    ],
    person: PersonRule::FirstFilled,
    slashed: Slashed::DayFirst,
};
