//! Pure types and rules of Mesure: ids, money, validation, roles and the permission table. No IO.
#![forbid(unsafe_code)]

pub mod clients;
pub mod forms;
pub mod ids;
pub mod money;
pub mod people;
pub mod permissions;
pub mod projects;
pub mod radar;
pub mod text;
pub mod time;
pub mod validate;

pub use ids::*;
pub use money::{Currency, Money, max_amount_minor, max_rate_minor};
pub use people::{ContactRole, Language, Role};
pub use permissions::{Action, Principal};
pub use validate::{FieldArg, FieldError, Invalid};
