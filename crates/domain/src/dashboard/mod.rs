//! The home dashboard.
pub mod permissions;
