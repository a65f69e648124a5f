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
use mesure_domain::{Action, SettingsAction};

/// The action a route needs, by method and route template; `None` for public routes (the
/// OpenAPI document). Each module declares its operations' actions (`Module::api_rules`); the
/// services check again, this table only answers before the body.
pub fn action(method: &Method, path: &str) -> Option<Action> {
    if path == "/api/v1/openapi.json" {
        return None;
    }
    // A route no module lists is refused to everyone but owners until it is added.
    Some(rule(method, path).unwrap_or(Action::Settings(SettingsAction::ManageWorkspace)))
}

/// The declared action of a route, if a module declares one.
fn rule(method: &Method, path: &str) -> Option<Action> {
    crate::modules::MODULES
        .iter()
        .flat_map(|m| m.api_rules.iter())
        .find(|r| r.method == method.as_str() && r.path == path)
        .map(|r| r.action)
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
    use mesure_domain::{ClientsAction, RadarAction, TimeAction};

    /// Every documented operation has exactly one rule, declared by the module that registers
    /// it, and every rule names an operation that exists.
    #[test]
    fn every_documented_route_has_its_action_in_its_module() {
        let mut declared = std::collections::HashSet::new();
        for m in crate::modules::MODULES {
            let (_, doc) = (m.api)().merge((m.upload_api)()).split_for_parts();
            let mut ops = std::collections::HashSet::new();
            for (path, item) in &doc.paths.paths {
                for (method, has) in [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ] {
                    if has {
                        ops.insert((method.to_string(), path.clone()));
                    }
                }
            }
            for r in m.api_rules {
                assert!(
                    ops.contains(&(r.method.to_string(), r.path.to_string())),
                    "{}: rule for {} {} names no operation of the module",
                    m.name,
                    r.method,
                    r.path
                );
                assert!(
                    declared.insert((r.method, r.path)),
                    "{} {} declared twice",
                    r.method,
                    r.path
                );
            }
            for (method, path) in &ops {
                assert!(
                    m.api_rules
                        .iter()
                        .any(|r| r.method == method && r.path == path),
                    "{}: {method} {path} has no rule",
                    m.name
                );
            }
        }
        let (_, _, doc) = crate::api::routes();
        assert!(doc.paths.paths.contains_key("/api/v1/openapi.json"));
        assert_eq!(action(&Method::GET, "/api/v1/openapi.json"), None);
        assert_eq!(
            action(&Method::POST, "/api/v1/clients/{id}/contacts"),
            Some(ClientsAction::WriteContacts.into())
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/clients/{id}/radar"),
            Some(RadarAction::View.into())
        );
        assert_eq!(
            action(&Method::POST, "/api/v1/time-entries/{id}/write-off"),
            Some(TimeAction::Manage.into())
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/nowhere"),
            Some(SettingsAction::ManageWorkspace.into())
        );
    }
}
