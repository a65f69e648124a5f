//! Queries of staff users, their costs, capacity and leave.
pub mod availability;
pub mod costs;
pub mod users;
