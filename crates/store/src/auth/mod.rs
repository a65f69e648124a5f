//! Queries of sign-in: identities, sessions, API tokens, password resets and login throttling.
pub mod identity;
pub mod resets;
pub mod sessions;
pub mod throttle;
pub mod tokens;
