//! Pure types and rules of Mesure: ids, money, validation, roles and the permission table. No IO.
#![forbid(unsafe_code)]

pub mod audit;
pub mod calendar;
pub mod clients;
pub mod dashboard;
pub mod desk;
pub mod forms;
pub mod ids;
pub mod invoicing;
pub mod money;
pub mod nps;
pub mod people;
pub mod permissions;
pub mod portal;
pub mod projects;
pub mod radar;
pub mod settings;
#[cfg(feature = "sqlx")]
mod stored;
pub mod text;
pub mod time;
pub mod validate;

pub use audit::permissions::AuditAction;
pub use clients::permissions::ClientsAction;
pub use dashboard::permissions::DashboardAction;
pub use desk::permissions::DeskAction;
pub use ids::*;
pub use invoicing::permissions::InvoicingAction;
pub use money::{Currency, Money, max_amount_minor, max_rate_minor};
pub use nps::permissions::NpsAction;
pub use people::permissions::PeopleAction;
pub use people::{ContactRole, Language, Role, UserKind};
pub use permissions::{Action, Principal};
pub use portal::permissions::PortalAction;
pub use projects::permissions::ProjectsAction;
pub use radar::permissions::RadarAction;
pub use settings::permissions::SettingsAction;
pub use time::permissions::TimeAction;
pub use validate::{FieldArg, FieldError, Invalid};
