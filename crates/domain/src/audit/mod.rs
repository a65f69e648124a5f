//! The audit log.
pub mod permissions;
