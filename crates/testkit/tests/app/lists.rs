//! Lists and exports never stop silently at a cap: one row more than every old limit (2,000
//! projects, 1,000 exported entries, 500 API entries), paged with a total, exported whole.
use crate::time::{log, project};
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::Value;

/// Follows an API list's `Link: <…>; rel="next"` headers; returns every item and the total.
async fn all_pages(t: &TestApp, token: &str, first: &str) -> (Vec<Value>, i64) {
    let mut url = t.api(first);
    let mut items = Vec::new();
    for _ in 0..100 {
        let r = t
            .client()
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{url}");
        let total: i64 = r.headers()["x-total-count"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let next = r
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let page: Vec<Value> = r.json().await.unwrap();
        items.extend(page);
        match next {
            Some(l) => {
                let path = l
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_string();
                url = format!("{}{path}", t.url);
            }
            None => return (items, total),
        }
    }
    panic!("too many pages");
}

#[tokio::test]
async fn lists_and_exports_page_past_every_old_cap() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Nombreuse").await;
        let cl = t.client_named(&a.owner.ctx, "Client Nombreux").await;
        let p0 = project(&t, &a.owner.ctx, cl, "P0000", "time_materials").await;
        let e0 = log(&t, &a.owner.ctx, p0, "2026-03-02", 30).await;
        // 2,000 more projects and 1,000 more entries in one transaction (list tests, not radar).
        {
            let mut tx = t.app.db.begin().await.unwrap();
            let base = mesure_store::projects::get(
                &mut tx.conn(),
                a.ws,
                mesure_domain::ProjectId::from_uuid(p0),
            )
            .await
            .unwrap();
            let rows: Vec<_> = (1..=2000)
                .map(|i| {
                    let mut r = base.clone();
                    r.id = uuid::Uuid::now_v7();
                    r.name = format!("P{i:04}");
                    r.name_key = r.name.to_lowercase();
                    r
                })
                .collect();
            for chunk in rows.chunks(200) {
                mesure_store::projects::insert_many(&mut tx.conn(), chunk, None)
                    .await
                    .unwrap();
            }
            let entry = mesure_store::time::get(&mut tx.conn(), a.ws, e0)
                .await
                .unwrap();
            let entries: Vec<_> = (0..1000)
                .map(|i| {
                    let mut e = entry.clone();
                    e.id = uuid::Uuid::now_v7();
                    e.created_at += i + 1;
                    e.work_date = 20260302 + (i as i32 % 20);
                    e
                })
                .collect();
            for chunk in entries.chunks(200) {
                mesure_store::time::insert_many(&mut tx.conn(), chunk, None)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        // The API pages projects with a total and a next link: all 2,001 come back, once each.
        let (items, total) = all_pages(&t, &a.owner.token, "/projects?limit=500").await;
        assert_eq!(total, 2001);
        let mut names: Vec<&str> = items.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 2001);
        names.dedup();
        assert_eq!(names.len(), 2001, "no project twice");
        assert_eq!(names.last(), Some(&"P2000"));
        // The client's filter is paged the same way.
        let (mine, total) = all_pages(
            &t,
            &a.owner.token,
            &format!("/projects?client_id={cl}&limit=1000"),
        )
        .await;
        assert_eq!((mine.len(), total), (2001, 2001));
        // Time entries: pages of 500 by default, 1,001 in all.
        let (entries, total) = all_pages(&t, &a.owner.token, "/time-entries").await;
        assert_eq!((entries.len(), total), (1001, 1001));
        let mut ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 1001, "no entry twice across pages");
        let r = t
            .client()
            .get(t.api("/time-entries?cursor=nonsense"))
            .bearer_auth(&a.owner.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        // The pages: /projects shows the total and pages of 100 to the end.
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let mut url = format!("{}/projects", t.url);
        let mut seen = 0;
        for i in 0..30 {
            let html = c.get(&url).send().await.unwrap().text().await.unwrap();
            if i == 0 {
                assert!(html.contains("2\u{202f}001 projets"), "{html}");
            }
            seen += html.matches("<td><a href=\"/projects/").count();
            match html.split("rel=\"next\" href=\"").nth(1) {
                Some(rest) => {
                    url = format!(
                        "{}{}",
                        t.url,
                        rest.split('"').next().unwrap().replace("&amp;", "&")
                    )
                }
                None => break,
            }
        }
        assert_eq!(seen, 2001);
        // The entries list: the total of every match, pages of 100.
        let html = t.text(&c, "/time/entries").await;
        assert!(html.contains("1\u{202f}001 saisies"), "{html}");
        assert!(html.contains("data-testid=\"entries-next\""));
        // The CSV export streams every row, past the old 1,000.
        let csv = t.text(&c, "/time.csv").await;
        assert_eq!(csv.lines().count(), 1002, "header + 1,001 entries");
    }
}
