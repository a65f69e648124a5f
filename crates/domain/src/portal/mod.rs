//! The client portal: who sees what of their own organisation, and the questions contacts ask.
pub mod permissions;
pub mod questions;
