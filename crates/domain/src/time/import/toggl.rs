//! Toggl Track, detailed report CSV export.
//!
//! Toggl documents its CSV importer as taking "basically the same [format] that the detailed
//! report CSV export gives out", headers in English, any order: `User, Email, Client, Project,
//! Task, Description, Billable, Start date, Start time, Duration, Tags`, and asks for the
//! profile's duration format "Improved" (`h:mm:ss`) when exporting (support.toggl.com,
//! "Editing and uploading a CSV file" and "CSV import"). The export adds `End date, End time`
//! and, with rates, `Amount (EUR)`-style columns, which are ignored here.
//!
//! * Date = `Start date`. Toggl's export writes ISO dates (`YYYY-MM-DD`); a file re-saved by a
//!   spreadsheet may carry slashed dates, read day first (`DD/MM/YYYY`) when the headers are
//!   French or the delimiter is `;` (French Excel), month first (`MM/DD/YYYY`) otherwise.
//! * Duration `HH:MM:SS`, seconds rounded to the nearest minute, halves up; the "decimal"
//!   duration format (`1.50`) is accepted too.
//! * Person = `User` (full name), e-mail = `Email`; `User` may be absent when `Email` is there.
//!
//! French names accepted: `Utilisateur, E-mail/Courriel, Projet, Tâche, Facturable, Date de
//! début, Durée`.
use super::parse::DurKind;
use super::{Column, Format, Need, PersonRule, Role, Slashed, Spec};

pub(super) const SPEC: Spec = Spec {
    format: Format::Toggl,
    signature: &["startdate", "datededebut"],
    columns: &[
        Column::new(Role::Date, &[], &["startdate"], &["datededebut"]),
        Column::new(Role::Name, &[], &["user"], &["utilisateur"]),
        Column::new(Role::Email, &["email"], &[], &["courriel"]),
        Column::new(Role::Client, &["client"], &[], &[]),
        Column::new(Role::Project, &[], &["project"], &["projet"]),
        Column::new(Role::Task, &[], &["task"], &["tache"]),
        Column::new(Role::Note, &["description"], &[], &[]),
        Column::new(Role::Billable, &[], &["billable"], &["facturable"]),
        Column::duration(DurKind::Hours, &[], &["duration"], &["duree"]),
    ],
    needs: &[
        Need::new(&[Role::Date], "Start date", "Date de début"),
        Need::new(&[Role::Name, Role::Email], "User", "Utilisateur"),
        Need::new(&[Role::Client], "Client", "Client"),
        Need::new(&[Role::Project], "Project", "Projet"),
        Need::new(&[Role::Duration], "Duration", "Durée"),
    ],
    person: PersonRule::FirstFilled,
    slashed: Slashed::Locale,
};
