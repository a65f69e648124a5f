//! The API's permission gate: who may call a route is decided from the route alone, before its
//! body is read, so a caller without the right gets 403 (never a 422 listing the body's fields)
//! and an unknown caller 401.
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mesure_domain::Action;

/// The action a route needs, by method and route template; `None` for public routes (the
/// OpenAPI document). The services check again; this table only answers before the body.
pub fn action(method: &Method, path: &str) -> Option<Action> {
    // A route missing from the table is refused to everyone but owners until it is added.
    rule(method, path).unwrap_or(Some(Action::ManageWorkspace))
}

/// The table: `None` for a route it does not list.
fn rule(method: &Method, path: &str) -> Option<Option<Action>> {
    use Action::*;
    let m = method.as_str();
    let a = match (m, path) {
        (_, "/api/v1/openapi.json") => return Some(None),
        ("GET", "/api/v1/me") => ManageOwnAccount,
        ("GET", "/api/v1/workspace") => ViewDashboard,
        ("PUT", "/api/v1/workspace") => ManageWorkspace,
        ("GET", "/api/v1/users") => ReadUsers,
        ("PUT", "/api/v1/users/{id}") => ManageUsers,
        ("GET", "/api/v1/audit") => ReadAudit,
        ("GET", "/api/v1/jobs") => ReadJobs,
        ("GET", p) if p.starts_with("/api/v1/clients") && p.ends_with("/radar") => ViewRadar,
        ("GET", p) if p.starts_with("/api/v1/clients/{id}/contacts") => ReadContacts,
        (_, p) if p.starts_with("/api/v1/clients/{id}/contacts") => WriteContacts,
        ("GET", p) if p.starts_with("/api/v1/clients") => ReadClients,
        (_, p) if p.starts_with("/api/v1/clients") => WriteClients,
        ("GET", p) if p.starts_with("/api/v1/contacts") => ReadContacts,
        (_, p) if p.starts_with("/api/v1/contacts") => WriteContacts,
        ("GET", "/api/v1/projects/{id}/radar") => ViewRadar,
        ("GET", "/api/v1/rates") => WriteProjects,
        ("GET", p) if p.starts_with("/api/v1/projects") => ReadProjects,
        (_, p)
            if p.starts_with("/api/v1/projects")
                || p.starts_with("/api/v1/deliverables")
                || p.starts_with("/api/v1/milestones")
                || p.starts_with("/api/v1/change-requests")
                || p == "/api/v1/rates"
                || p == "/api/v1/cost-rates" =>
        {
            WriteProjects
        }
        ("POST", "/api/v1/time-entries/{id}/write-off")
        | ("POST", "/api/v1/time-entries/{id}/approve-free")
        | ("POST", "/api/v1/timesheets/{id}/{week}/approve")
        | ("POST", "/api/v1/timesheets/{id}/{week}/reopen")
        | ("POST", "/api/v1/time-imports")
        | ("PUT", "/api/v1/people/{id}/capacity")
        | ("PUT", "/api/v1/people/{id}/leave") => ManageTime,
        (_, p)
            if p.starts_with("/api/v1/time-entries")
                || p.starts_with("/api/v1/timer")
                || p.starts_with("/api/v1/timesheets") =>
        {
            LogTime
        }
        (_, p) if p.starts_with("/api/v1/radar") => ViewRadar,
        (_, p) if p.starts_with("/api/v1/notifications") => ViewDashboard,
        _ => return None,
    };
    Some(Some(a))
}

/// Resolves the caller and checks the route's action before any body is read; the resolved
/// caller is kept for the handler.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
    else {
        return next.run(req).await;
    };
    let Some(action) = action(req.method(), &path) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let caller = match ApiCaller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = caller.ctx.require(action) {
        let rid = crate::session::request_id(&parts.headers);
        return ApiError::from_service(e, caller.ctx.language, rid).into_response();
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_route_has_its_action() {
        let (_, _, doc) = crate::api::routes();
        for (path, item) in &doc.paths.paths {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            for (method, _) in methods.into_iter().filter(|(_, has)| *has) {
                let a = rule(&method, path);
                if path == "/api/v1/openapi.json" {
                    assert_eq!(a, Some(None));
                } else {
                    assert!(
                        matches!(a, Some(Some(_))),
                        "{method} {path} is not in the gate's table"
                    );
                }
            }
        }
        assert_eq!(
            action(&Method::POST, "/api/v1/clients/{id}/contacts"),
            Some(Action::WriteContacts)
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/clients/{id}/radar"),
            Some(Action::ViewRadar)
        );
        assert_eq!(
            action(&Method::POST, "/api/v1/time-entries/{id}/write-off"),
            Some(Action::ManageTime)
        );
        assert_eq!(
            action(&Method::DELETE, "/api/v1/time-entries/{id}"),
            Some(Action::LogTime)
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/rates"),
            Some(Action::WriteProjects)
        );
    }
}
