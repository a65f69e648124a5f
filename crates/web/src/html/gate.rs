//! The pages' permission gate: who may open a page route is decided from the route alone,
//! before its body is read (an upload from someone who may not import is refused before a byte
//! of it is spooled), from the rules each module declares (`Module::page_rules`).
use crate::AppState;
use crate::modules::{Access, MODULES, PageRule};
use crate::session::Page;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use mesure_services::ServiceError;

/// The rule of a page route; HEAD is answered as GET.
pub fn rule(method: &Method, path: &str) -> Option<&'static PageRule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    MODULES
        .iter()
        .flat_map(|m| m.page_rules.iter())
        .find(|r| r.method == method && r.path == path)
}

/// Lets a request through as its route's rule says; the signed-in page it resolved is kept for
/// the handler. A route without a rule is refused to everyone (500) and logged, so a new page
/// cannot go out without its line in the module's rules.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
    else {
        return next.run(req).await;
    };
    let Some(rule) = rule(req.method(), &path) else {
        tracing::error!(method = %req.method(), route = %path, "a page route has no permission rule");
        let lang = crate::session::visitor_language(req.headers());
        let rid = crate::session::request_id(req.headers());
        return super::failure_page(
            lang,
            &ServiceError::Internal(format!("no rule for {} {path}", req.method())),
            rid.as_deref(),
        );
    };
    let action = match rule.access {
        Access::Public => return next.run(req).await,
        Access::SignedIn => None,
        Access::May(action) => Some(action),
    };
    let (mut parts, body) = req.into_parts();
    let page = match Page::from_request_parts(&mut parts, &state).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(action) = action
        && let Err(e) = page.ctx.require(action)
    {
        return super::error_page(&page, e);
    }
    parts.extensions.insert(page);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule's handler answers the rule's method (adding the same method again makes axum
    /// refuse it as an overlap), and no route and method has two rules.
    #[test]
    fn every_page_rule_is_one_route_of_its_method() {
        let mut seen = std::collections::HashSet::new();
        for m in MODULES {
            for r in m.page_rules {
                assert!(
                    seen.insert((r.method, r.path)),
                    "{} {} declared twice",
                    r.method,
                    r.path
                );
                let again = match r.method {
                    "GET" => axum::routing::get(|| async {}),
                    "POST" => axum::routing::post(|| async {}),
                    other => panic!("{}: method {other} is not used by pages", m.name),
                };
                let clash = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let _ = axum::Router::<AppState>::new()
                        .route(r.path, (r.handler)())
                        .route(r.path, again);
                }));
                assert!(
                    clash.is_err(),
                    "{}: the handler of {} {} answers another method",
                    m.name,
                    r.method,
                    r.path
                );
            }
        }
        assert!(rule(&Method::HEAD, "/clients").is_some());
        assert!(rule(&Method::GET, "/nowhere").is_none());
    }
}
