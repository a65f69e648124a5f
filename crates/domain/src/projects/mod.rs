//! Engagements and scope (module 2): billing models, scope tags, earned revenue, retainers and
//! the project, deliverable and change-request forms.
pub mod budget;
pub mod engagement;
pub mod forms;
pub mod permissions;
#[cfg(test)]
mod properties;
pub mod rates;
pub mod retainer;
