//! Queries of the over-servicing radar: the running aggregates it reads.
pub mod billed;
pub mod totals;
