//! Harvest.
//!
//! * Harvest's time import layout (support.getharvest.com, article 360048685111 "Importing
//!   data"): 8 columns `Date, Client, Project, Task, Notes, Hours, First name, Last name`
//!   (older pages say `Note`); dates `YYYY-MM-DD` or `M/D/YYYY`; hours "in decimal format"
//!   (`7.5`, `3`). We also take `1,5` and `h:mm`. Harvest itself wants `,` as the delimiter;
//!   we also take `;`.
//! * The same article says a CSV export of a Harvest detailed time report imports too, its
//!   extra columns (rates, roles, …) being ignored: `Project Code, Hours Rounded, Billable?,
//!   Invoiced?, Approved?, Employee?, Roles, Billable Rate, Billable Amount, Cost Rate, Cost
//!   Amount, Currency, External Reference URL`. Only `Billable?` is read here (Yes/No); the
//!   others are ignored, `Hours Rounded` included (Mesure keeps raw time).
//! * Slashed dates are month first (`M/D/YYYY`, as documented) unless the headers are French
//!   or the delimiter is `;`, then day first.
//!
//! Columns are matched by name; French names are accepted (`Projet, Tâche, Heures, Prénom, Nom,
//! Facturable`).
use super::parse::DurKind;
use super::{Column, Format, Need, PersonRule, Role, Slashed, Spec};

pub(super) const SPEC: Spec = Spec {
    format: Format::Harvest,
    signature: &["firstname", "prenom"],
    columns: &[
        Column::new(Role::Date, &["date"], &[], &[]),
        Column::new(Role::Client, &["client"], &[], &[]),
        Column::new(Role::Project, &[], &["project"], &["projet"]),
        Column::new(Role::Task, &[], &["task"], &["tache"]),
        Column::new(Role::Note, &["notes", "note"], &[], &[]),
        Column::duration(DurKind::Hours, &[], &["hours"], &["heures"]),
        Column::new(Role::First, &[], &["firstname"], &["prenom"]),
        Column::new(Role::Last, &[], &["lastname"], &["nom", "nomdefamille"]),
        Column::new(Role::Email, &["email"], &[], &["courriel"]),
        Column::new(Role::Billable, &[], &["billable"], &["facturable"]),
    ],
    needs: &[
        Need::new(&[Role::Date], "Date", "Date"),
        Need::new(&[Role::Client], "Client", "Client"),
        Need::new(&[Role::Project], "Project", "Projet"),
        Need::new(&[Role::Duration], "Hours", "Heures"),
        Need::new(&[Role::First], "First name", "Prénom"),
        Need::new(&[Role::Last], "Last name", "Nom"),
    ],
    person: PersonRule::FirstLast,
    slashed: Slashed::Locale,
};
