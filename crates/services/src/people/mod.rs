//! People: staff users and portal logins, their profile, capacity, leave and labour cost.
pub mod availability;
pub mod costs;
pub mod users;
pub mod views;
