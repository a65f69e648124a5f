//! The dashboard: the workspace at a glance.
use super::{Base, NoticeQuery, error_page, render};
use crate::AppState;
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use mesure_domain::Action;
use mesure_services::{audit, clients, contacts, jobs};
use mesure_store::audit::AuditQuery;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    base: Base,
    clients: i64,
    contacts: i64,
    archived_clients: i64,
    recent: Vec<super::audit_text::AuditLine>,
    dead_jobs: Option<i64>,
}

pub async fn page(State(s): State<AppState>, page: Page, Query(q): Query<NoticeQuery>) -> Response {
    if !page.ctx.may(Action::ViewDashboard) {
        return axum::response::Redirect::to("/portal").into_response();
    }
    let result = async {
        let active = mesure_store::clients::ListQuery {
            limit: 1,
            ..Default::default()
        };
        let archived = mesure_store::clients::ListQuery {
            limit: 1,
            archive: mesure_store::ArchiveFilter::Archived,
            ..Default::default()
        };
        let (_, _, n_clients) = clients::list(&s.app, &page.ctx, &active).await?;
        let (_, _, n_archived) = clients::list(&s.app, &page.ctx, &archived).await?;
        let (_, _, n_contacts) = contacts::list(
            &s.app,
            &page.ctx,
            &mesure_store::contacts::ListQuery {
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
        let recent = if page.ctx.may(Action::ReadAudit) {
            audit::list(
                &s.app,
                &page.ctx,
                &AuditQuery {
                    limit: 8,
                    ..Default::default()
                },
            )
            .await?
            .0
        } else {
            vec![]
        };
        let dead = if page.ctx.may(Action::ReadJobs) {
            let counts = jobs::counts(&s.app, &page.ctx).await?;
            Some(
                counts
                    .iter()
                    .find(|(st, _)| st == "dead")
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            )
        } else {
            None
        };
        Ok::<_, mesure_services::ServiceError>((n_clients, n_archived, n_contacts, recent, dead))
    }
    .await;
    match result {
        Ok((clients, archived_clients, contacts, recent, dead_jobs)) => {
            let base = Base::new(&page, "dashboard-title", "/dashboard", "/dashboard")
                .with_notice(q.notice.as_deref());
            let recent = match super::audit_text::lines(&s, &page, &base, recent).await {
                Ok(r) => r,
                Err(e) => return error_page(&page, e),
            };
            render(&Dashboard {
                base,
                clients,
                contacts,
                archived_clients,
                recent,
                dead_jobs,
            })
        }
        Err(e) => error_page(&page, e),
    }
}
