//! `POST /test/clock?at=…|advance=…`: moves the server's clock. Mounted only when the server was
//! started with `MESURE_TEST_CLOCK` (the browser journeys), never otherwise.
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use mesure_services::{Clock, ShiftedClock};
use std::sync::Arc;

#[derive(serde::Deserialize)]
struct Move {
    /// An instant (RFC 3339) to put the clock on.
    at: Option<String>,
    /// Seconds to move the clock forward by.
    advance: Option<i64>,
}

/// The route, for this clock.
pub fn routes<S: Clone + Send + Sync + 'static>(clock: Arc<ShiftedClock>) -> Router<S> {
    Router::new()
        .route("/test/clock", post(move_clock))
        .with_state(clock)
}

async fn move_clock(
    State(clock): State<Arc<ShiftedClock>>,
    Query(m): Query<Move>,
) -> (StatusCode, String) {
    if let Some(at) = m.at {
        match at.parse::<jiff::Timestamp>() {
            Ok(ts) => clock.set(ts),
            Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, format!("at: {e}")),
        }
    }
    if let Some(s) = m.advance {
        if !(0..=366 * 24 * 3600).contains(&s) {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                "advance: seconds between 0 and one year".into(),
            );
        }
        clock.advance_secs(s);
    }
    let now = jiff::Timestamp::from_microsecond(clock.now_us()).unwrap_or_default();
    (StatusCode::OK, now.to_string())
}
