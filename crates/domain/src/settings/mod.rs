//! The workspace's settings and background jobs.
pub mod permissions;
