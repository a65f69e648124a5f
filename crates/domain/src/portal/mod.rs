//! The client portal.
pub mod permissions;
