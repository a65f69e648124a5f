//! Queries of the alert marks and the notifications they raise.
pub mod alerts;
