//! Kimai timesheet CSV export, and the layout of Kimai's CSV importer plugin.
//!
//! * Importer plugin (kimai.org/documentation/plugin-import.html, "Timesheets"): `"Date",
//!   "From","To","Duration","Rate","User","Customer","Project","Activity","Description",
//!   "Exported","Tags","Hourly rate","Fixed rate"`, with `Date` as `Y-m-d`, `Duration` in
//!   seconds, `User` matched "by username or email", plus optional `Email`, `Billable`.
//! * Kimai 2 export (kimai/kimai `src/Export/DefaultTemplate.php`, `ColumnConverter.php`):
//!   columns `date, begin, end, duration (decimal hours), currency, rate, internalRate,
//!   hourlyRate, fixedRate, alias, username, email, account_number, customer, project,
//!   activity, description, billable, tags, …`, headers translated into the user's language
//!   (French: `Date, De, À, Durée, Utilisateur/Identifiant, Client, Projet, Activité`), dates
//!   written `Y-m-d`, the duration as decimal hours (`2.5`, and `2` for two hours).
//! * Durations (kimai.org "Duration format"): `h:mm[:ss]`, `2h27m`, decimal hours, and a
//!   whole number: seconds for the importer, hours in the export. Above 24 it can only be
//!   seconds; from 1 to 24 the row's `From`/`To` times decide (nearest reading wins), and
//!   without them the cell is refused as ambiguous rather than guessed.
//!
//! Person = `Name`/`Alias` (display name) when filled, else `User`/`Username`, else `Email`.
//! Rates, `Exported` and `Tags` are ignored.
use super::parse::DurKind;
use super::{Column, Format, Need, PersonRule, Role, Slashed, Spec};

pub(super) const SPEC: Spec = Spec {
    format: Format::Kimai,
    signature: &["customer", "activity", "activite"],
    columns: &[
        Column::new(Role::Date, &["date"], &[], &[]),
        Column::new(Role::Name, &[], &["name", "alias"], &["nom"]),
        Column::new(
            Role::User,
            &[],
            &["user", "username"],
            &["utilisateur", "identifiant", "nomdutilisateur"],
        ),
        Column::new(Role::Email, &["email"], &[], &["courriel"]),
        Column::new(Role::Client, &["client"], &["customer"], &[]),
        Column::new(Role::Project, &[], &["project"], &["projet"]),
        Column::new(Role::Task, &[], &["activity"], &["activite"]),
        Column::new(Role::Note, &["description"], &[], &[]),
        Column::new(Role::Billable, &[], &["billable"], &["facturable"]),
        Column::duration(DurKind::Kimai, &[], &["duration"], &["duree"]),
        Column::new(
            Role::Begin,
            &[],
            &["from", "begin", "start", "starttime"],
            &["de", "debut", "heurededebut"],
        ),
        Column::new(
            Role::End,
            &[],
            &["to", "end", "endtime"],
            &["a", "fin", "heuredefin"],
        ),
    ],
    needs: &[
        Need::new(&[Role::Date], "Date", "Date"),
        Need::new(
            &[Role::Name, Role::User, Role::Email],
            "User",
            "Utilisateur",
        ),
        Need::new(&[Role::Client], "Customer", "Client"),
        Need::new(&[Role::Project], "Project", "Projet"),
        Need::new(&[Role::Duration], "Duration", "Durée"),
    ],
    person: PersonRule::FirstFilled,
    slashed: Slashed::Locale,
};
