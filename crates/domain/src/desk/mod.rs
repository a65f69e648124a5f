//! The service desk (issue 12): tickets, their statuses and allowed moves, SLA clocks on the
//! business calendar with pauses, and the service KPIs of the KPI dictionary as pure functions.
pub mod cover;
pub mod forms;
pub mod kpis;
pub mod permissions;
pub mod sla;
pub mod states;

#[cfg(test)]
mod tests;
