//! The notifications page: the alerts raised for the reader, and marking them read.
use crate::AppState;
use crate::html::{Base, NoticeQuery, error_page, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use mesure_domain::Language;
use mesure_store::notifications::alerts::NotificationRow;

/// The sentence of an alert in the reader's language.
pub fn notification_text(lang: Language, n: &NotificationRow) -> String {
    mesure_i18n::t_args(
        lang,
        &format!("notif-{}", n.kind),
        &[
            ("subject", mesure_i18n::Arg::Str(&n.subject_label)),
            ("figure", mesure_i18n::Arg::Num(i64::from(n.figure))),
        ],
    )
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct NotificationsPage {
    base: Base,
    items: Vec<(String, String, String, bool)>,
    unread: i64,
}

pub async fn notifications(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let lang = page.ctx.language;
    match mesure_services::notifications::notifications(&s.app, &page.ctx).await {
        Ok((rows, unread)) => render(&NotificationsPage {
            base: Base::new(
                &page,
                "notifications-title",
                "/notifications",
                "/notifications",
            )
            .with_notice(q.notice.as_deref()),
            items: rows
                .iter()
                .map(|n| {
                    (
                        n.link.clone(),
                        notification_text(lang, n),
                        mesure_i18n::datetime(
                            lang,
                            mesure_store::ts(n.created_at),
                            &page.ctx.time_zone,
                        ),
                        n.read_at.is_none(),
                    )
                })
                .collect(),
            unread,
        }),
        Err(e) => error_page(&page, e),
    }
}

pub async fn notifications_read(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    match mesure_services::notifications::mark_read(&s.app, &page.ctx).await {
        Ok(_) => see_other("/notifications", "alerts-read"),
        Err(e) => error_page(&page, e),
    }
}
