//! Time imports beside everyone else: a large import blocks no other request (another
//! workspace's login, writes and token reads answer within a second), its rows (and the people,
//! clients and projects it creates) appear all at once when it is published or never, what other
//! writers did meanwhile is checked again before publishing, and uploads are refused before
//! their body is read, capped, and of a known type.
use mesure_testkit::{PASSWORD, TestApp, backends, spawn_app};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

const GENERIC: &str = "date,person,client,project,deliverable,minutes,note,billable\n";

/// Rows of the large import: enough for several seconds of work in a debug build (about 15 s
/// here on SQLite).
const ROWS: usize = 100_000;

/// The tests running a large import take turns: two at once on two cores would measure each other
/// rather than the server.
static LARGE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The day `back` days before today, `YYYY-MM-DD`.
fn day(back: usize) -> String {
    let today = jiff::Zoned::now().date();
    today
        .checked_sub(jiff::Span::new().days(i64::try_from(back).unwrap()))
        .unwrap()
        .to_string()
}

/// A generic CSV of `rows` entries over the last 300 days by 50 new people on 100 new projects of
/// 20 new clients (at most 20 entries of 15 to 45 minutes a person a day).
fn big_csv(rows: usize) -> String {
    let days: Vec<String> = (0..300).map(day).collect();
    let mut csv = String::with_capacity(rows * 80);
    csv.push_str(GENERIC);
    for k in 0..rows {
        let person = k % 50;
        let client = (k / 7) % 20;
        let project = client * 5 + k % 5;
        csv.push_str(&format!(
            "{},Personne {person:02},Client {client:02},Projet {project:03},,{},Travail {k},yes\n",
            days[(k / 50) % 300],
            15 + (k % 4) * 10
        ));
    }
    csv
}

async fn scalar(t: &TestApp, sql: &str, ws: Uuid) -> i64 {
    let mut c = t.app.db.read().await.unwrap();
    let r: Vec<(i64,)> =
        mesure_store::testing::fetch(&mut c.conn(), sql, &[mesure_store::Bind::Uuid(ws)])
            .await
            .unwrap();
    r[0].0
}

/// Rows of the workspace that an import wrote and has not published.
async fn hidden_rows(t: &TestApp, ws: Uuid) -> i64 {
    scalar(
        t,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM time_entries WHERE workspace_id = $1 AND import_id IN (SELECT id FROM imports WHERE workspace_id = $1 AND state <> 'published')",
        ws,
    )
    .await
}

/// Every row of the workspace an import wrote (entries, people, clients, projects), visible or
/// not, and its `imports` rows.
async fn import_traces(t: &TestApp, ws: Uuid) -> i64 {
    scalar(
        t,
        "SELECT CAST((SELECT COUNT(*) FROM time_entries WHERE workspace_id = $1 AND import_id IS NOT NULL) + (SELECT COUNT(*) FROM users WHERE workspace_id = $1 AND import_id IS NOT NULL) + (SELECT COUNT(*) FROM clients WHERE workspace_id = $1 AND import_id IS NOT NULL) + (SELECT COUNT(*) FROM projects WHERE workspace_id = $1 AND import_id IS NOT NULL) + (SELECT COUNT(*) FROM imports WHERE workspace_id = $1) AS BIGINT)",
        ws,
    )
    .await
}

async fn import_state(t: &TestApp, ws: Uuid) -> Option<String> {
    let mut c = t.app.db.read().await.unwrap();
    let r: Vec<(String,)> = mesure_store::testing::fetch(
        &mut c.conn(),
        "SELECT state FROM imports WHERE workspace_id = $1 ORDER BY created_at DESC",
        &[mesure_store::Bind::Uuid(ws)],
    )
    .await
    .unwrap();
    r.into_iter().next().map(|r| r.0)
}

/// The number of entries an API reader sees (`X-Total-Count`).
async fn entries_seen(t: &TestApp, token: &str) -> i64 {
    let r = t
        .client()
        .get(t.api("/time-entries?limit=1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn clients_seen(t: &TestApp, token: &str) -> usize {
    let r = t
        .client()
        .get(t.api("/clients?limit=200"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len() as i64,
        page["total"].as_i64().unwrap()
    );
    page["total"].as_i64().unwrap() as usize
}

async fn project(t: &TestApp, ctx: &mesure_services::Ctx, client: Uuid, name: &str) -> Uuid {
    crate::time::project(t, ctx, client, name, "time_materials").await
}

fn post_csv(
    t: &TestApp,
    token: &str,
    query: &str,
    csv: String,
) -> tokio::task::JoinHandle<(u16, Value)> {
    let (c, url, token) = (
        t.client(),
        format!("{}?{query}", t.api("/time-imports")),
        token.to_string(),
    );
    tokio::spawn(async move {
        let r = c
            .post(url)
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json::<Value>().await.unwrap_or(Value::Null))
    })
}

/// Waits until the import of `ws` has written hidden rows (it is past its first chunks).
async fn until_writing(t: &TestApp, ws: Uuid, import: &tokio::task::JoinHandle<(u16, Value)>) {
    let started = Instant::now();
    while hidden_rows(t, ws).await == 0 {
        assert!(
            !import.is_finished(),
            "the import ended before it was seen writing: make the file larger"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// (a) While workspace A imports 300,000 rows, workspace B signs in, logs time through the API and
/// reads with a token, each within a second; A's readers see nothing of the import until it is
/// published, then all of it (entries, new clients, the radar's totals).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_import_blocks_no_one_and_appears_at_once() {
    let _turn = LARGE.lock().await;
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Import Lourd").await;
        let b = t.tenant("Agence Voisine").await;
        let cl = t.client_named(&b.owner.ctx, "Client Voisin").await;
        let p = project(&t, &b.owner.ctx, cl, "Projet Voisin").await;
        let csv = big_csv(ROWS);
        let minutes: i64 = (0..ROWS).map(|k| 15 + (k as i64 % 4) * 10).sum();
        let started = Instant::now();
        let import = post_csv(&t, &a.owner.token, "create_missing=true", csv);
        until_writing(&t, a.ws.uuid(), &import).await;
        let mut probes = 0;
        let mut slowest = Duration::ZERO;
        let mut k = 0;
        while !import.is_finished() {
            let mut timed = Vec::new();
            // B signs in (a session row written under the write lock).
            let t0 = Instant::now();
            let c = t.client();
            let r = t.login(&c, &b.staff.email, PASSWORD).await;
            assert_eq!(r.status(), 303, "{backend:?}: B's login");
            timed.push(("login", t0.elapsed()));
            // B logs an entry through the API (a write and its aggregates).
            let t0 = Instant::now();
            let r = t
                .client()
                .post(t.api("/time-entries"))
                .bearer_auth(&b.staff.token)
                .json(&json!({"project_id": p.to_string(), "date": day(k % 200), "minutes": 5}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201, "{backend:?}: B's entry");
            timed.push(("entry", t0.elapsed()));
            // B reads with a token (whose last use is recorded off the request's path).
            let t0 = Instant::now();
            let r = t
                .client()
                .get(t.api("/projects"))
                .bearer_auth(&b.owner.token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{backend:?}: B's read");
            timed.push(("token read", t0.elapsed()));
            for (what, took) in timed {
                slowest = slowest.max(took);
                assert!(
                    took < Duration::from_secs(1),
                    "{backend:?}: {what} took {took:?} during the import"
                );
            }
            // A's readers: nothing of the import while it runs.
            let running = import_state(&t, a.ws.uuid()).await.as_deref() == Some("running");
            let seen = entries_seen(&t, &a.owner.token).await;
            let clients = clients_seen(&t, &a.owner.token).await;
            let radar = t
                .client()
                .get(t.api("/radar"))
                .bearer_auth(&a.owner.token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap();
            let still = import_state(&t, a.ws.uuid()).await.as_deref() == Some("running");
            if running && still {
                assert_eq!(
                    (seen, clients),
                    (0, 0),
                    "{backend:?}: A sees a running import"
                );
                assert_eq!(
                    radar["total"]["minutes"].as_i64().unwrap_or(0),
                    0,
                    "{radar}"
                );
                probes += 1;
            }
            k += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (s, r) = import.await.unwrap();
        let took = started.elapsed();
        assert_eq!(s, 200, "{backend:?}: {r}");
        assert_eq!(r["rows"].as_u64(), Some(ROWS as u64));
        println!(
            "{backend:?}: {ROWS} rows imported in {took:?}; {probes} probes of B during it, the slowest {slowest:?}"
        );
        assert!(
            probes >= 3,
            "{backend:?}: the import ({took:?}) was too short to be probed: make it larger"
        );
        // Published: all of it at once.
        assert_eq!(entries_seen(&t, &a.owner.token).await, ROWS as i64);
        assert_eq!(clients_seen(&t, &a.owner.token).await, 20);
        assert_eq!(hidden_rows(&t, a.ws.uuid()).await, 0);
        assert_eq!(
            import_state(&t, a.ws.uuid()).await.as_deref(),
            Some("published")
        );
        let total: i64 = scalar(
            &t,
            "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM person_months WHERE workspace_id = $1",
            a.ws.uuid(),
        )
        .await;
        assert_eq!(total, minutes);
        // B's own work went in meanwhile.
        assert_eq!(entries_seen(&t, &b.owner.token).await, k as i64);
    }
}

/// (b) A file whose last row is bad, after thousands of good rows written in chunks, leaves
/// nothing: no entry, person, client, project or `imports` row, hidden or not. An import whose
/// process died (no heartbeat) is hidden meanwhile and cleaned by the worker's sweep; a second
/// import while one runs is refused.
#[tokio::test]
async fn a_failed_or_abandoned_import_leaves_nothing() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Échec").await;
        let ws = a.ws.uuid();
        let people = scalar(
            &t,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE workspace_id = $1",
            ws,
        )
        .await;
        let mut csv = big_csv(25_000);
        csv.push_str("2026-02-30,Personne 01,Client 01,Projet 005,,30,Fin,yes\n");
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", csv)
            .await
            .unwrap();
        assert_eq!(s, 422, "{backend:?}: {r}");
        assert_eq!(r["error_count"], 1, "{r}");
        assert_eq!(r["errors"][0]["line"], 25_002, "{r}");
        assert_eq!(r["imported"], false);
        assert_eq!(import_traces(&t, ws).await, 0, "{backend:?}: traces left");
        assert_eq!(
            scalar(
                &t,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE workspace_id = $1",
                ws
            )
            .await,
            people
        );
        assert_eq!(entries_seen(&t, &a.owner.token).await, 0);

        // An import whose process stopped after writing its rows (made here from a finished
        // import turned back to running): hidden from readers, it refuses a second import while
        // its heartbeat is fresh, and the worker's sweep deletes everything it wrote once its
        // heartbeat is old.
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", big_csv(3000))
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        assert_eq!(entries_seen(&t, &a.owner.token).await, 3000);
        let set_running = |beat: i64| {
            let db = t.app.db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                mesure_store::testing::exec(
                    &mut tx.conn(),
                    "UPDATE imports SET state = 'running', heartbeat_at = $2 WHERE workspace_id = $1",
                    &[mesure_store::Bind::Uuid(ws), mesure_store::Bind::Int(beat)],
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        };
        set_running(t.clock_now()).await;
        assert_eq!(entries_seen(&t, &a.owner.token).await, 0);
        assert_eq!(clients_seen(&t, &a.owner.token).await, 0);
        let (s, r) = post_csv(&t, &a.owner.token, "", GENERIC.to_string())
            .await
            .unwrap();
        assert_eq!(s, 409, "{backend:?}: {r}");
        assert_eq!(
            mesure_services::time::import::sweep(&t.app).await.unwrap(),
            0
        );
        assert!(import_traces(&t, ws).await > 3000);
        // Silent for longer than the heartbeat allows: a new import takes its place (the dead
        // one is discarded in the background)…
        set_running(t.clock_now() - mesure_services::time::import::STALE_US - 1).await;
        let one = format!("{GENERIC}{},Ana Silva,Acme,Web,,90,Seule,yes\n", day(2));
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", one)
            .await
            .unwrap();
        assert_eq!(s, 200, "{backend:?}: {r}");
        let started = Instant::now();
        // (the new import's entry, person, client, project and `imports` row)
        while import_traces(&t, ws).await > 5 {
            assert!(started.elapsed() < Duration::from_secs(60), "not discarded");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(entries_seen(&t, &a.owner.token).await, 1);
        assert_eq!(clients_seen(&t, &a.owner.token).await, 1);
        // …and the worker's sweep deletes one found silent.
        set_running(t.clock_now() - mesure_services::time::import::STALE_US - 1).await;
        assert_eq!(
            mesure_services::time::import::sweep(&t.app).await.unwrap(),
            1
        );
        assert_eq!(import_traces(&t, ws).await, 0, "{backend:?}: traces left");
        assert_eq!(
            scalar(
                &t,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE workspace_id = $1",
                ws
            )
            .await,
            people
        );
    }
}

/// What others write while an import runs is checked again before it is published: the same
/// entry typed by hand, and a week approved, on rows the import had already checked, make it
/// fail (nothing written), as they would have before it began.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_during_an_import_are_checked_before_publishing() {
    let _turn = LARGE.lock().await;
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Concurrente").await;
        let ws = a.ws.uuid();
        let cl = t.client_named(&a.owner.ctx, "Client Réel").await;
        project(&t, &a.owner.ctx, cl, "Projet Réel").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Réel 2").await;
        // The staff member's rows come first: checked long before the import ends.
        let (d1, d2) = (day(40), day(60));
        let mut csv = format!(
            "{GENERIC}{d1},{s},Client Réel,Projet Réel 2,,37,Jumeau,yes\n{d2},{s},Client Réel,Projet Réel,,45,Semaine,yes\n",
            s = a.staff.email
        );
        csv.push_str(big_csv(50_000).strip_prefix(GENERIC).unwrap());
        let import = post_csv(&t, &a.owner.token, "create_missing=true", csv);
        until_writing(&t, ws, &import).await;
        // Meanwhile: the staff member types the first row by hand, a manager approves the week
        // of the second.
        let r = t
            .client()
            .post(t.api("/time-entries"))
            .bearer_auth(&a.staff.token)
            .json(
                &json!({"project_id": p.to_string(), "date": d1, "minutes": 37, "note": "Jumeau"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = t
            .client()
            .post(t.api(&format!("/timesheets/{}/{d2}/approve", a.staff.id)))
            .bearer_auth(&a.manager.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        assert!(
            !import.is_finished(),
            "{backend:?}: the import ended too soon for this test"
        );
        let (s, r) = import.await.unwrap();
        assert_eq!(s, 422, "{backend:?}: {r}");
        let errors = r["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2, "{r}");
        assert_eq!(
            (errors[0]["line"].as_u64(), errors[0]["column"].as_str()),
            (Some(2), Some("")),
            "{r}"
        );
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("existe déjà"),
            "{r}"
        );
        assert_eq!(r["duplicate_lines"], json!([2]));
        assert_eq!(
            (errors[1]["line"].as_u64(), errors[1]["column"].as_str()),
            (Some(3), Some("date")),
            "{r}"
        );
        assert_eq!(import_traces(&t, ws).await, 0, "{backend:?}");
        // The hand-typed entry is all there is.
        assert_eq!(entries_seen(&t, &a.owner.token).await, 1);
    }
}

/// What a raw upload got: the status line's code and how many body bytes had been sent when it
/// came.
struct Answer {
    status: u16,
    sent: u64,
}

/// Sends `head` (request line and headers, without the blank line) announcing `len` body bytes
/// (chunked when `chunked`), then streams zeros — a CSV of nothing — until the server answers or
/// everything is sent.
async fn upload(addr: std::net::SocketAddr, head: &str, len: u64, chunked: bool) -> Answer {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {len}")
    };
    wr.write_all(format!("{head}\r\nHost: {addr}\r\n{framing}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = sent.clone();
    let writer = tokio::spawn(async move {
        let block = vec![b'0'; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            let ok = if chunked {
                let mut framed = format!("{n:x}\r\n").into_bytes();
                framed.extend_from_slice(&block[..n]);
                framed.extend_from_slice(b"\r\n");
                wr.write_all(&framed).await
            } else {
                wr.write_all(&block[..n]).await
            };
            if ok.is_err() {
                return;
            }
            left -= n as u64;
            counter.fetch_add(n as u64, std::sync::atomic::Ordering::SeqCst);
        }
        if chunked {
            let _ = wr.write_all(b"0\r\n\r\n").await;
        }
        let _ = wr.flush().await;
        // Keep the socket open until the answer is read.
        tokio::time::sleep(Duration::from_secs(120)).await;
    });
    let mut buf = vec![0u8; 4096];
    let mut got = Vec::new();
    while !got.windows(2).any(|w| w == b"\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(120), rd.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        assert!(n > 0, "the server closed the connection without answering");
        got.extend_from_slice(&buf[..n]);
    }
    let sent = sent.load(std::sync::atomic::Ordering::SeqCst);
    writer.abort();
    let line = String::from_utf8_lossy(&got);
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    Answer { status, sent }
}

/// The resident memory of this process (the server runs in it), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb * 1024
}

const MIB: u64 = 1024 * 1024;

/// What other tests running in the same process may add to its RSS while an upload test
/// measures it (the flake of 40 MiB seen under parallel load); buffering a refused upload would
/// add hundreds of MiB.
const RSS_NOISE: u64 = 200 * MIB;

/// (c) Uploads are refused from their head, before the body is read: without a login (401, or
/// the login page for the form), from a session without its CSRF token (403), by staff who may
/// not manage time (403), with an announced size over the cap (413); the answer comes while the
/// client has sent a small part of 400 MiB, and four such uploads at once leave the server's
/// memory flat. A body that grows past the cap as it streams answers 413 and leaves no file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_before_they_are_read() {
    for (i, backend) in backends().into_iter().enumerate() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Envois").await;
        let c = t.client();
        let login = t.login(&c, &a.owner.email, PASSWORD).await;
        let cookie = mesure_testkit::session_cookie(&login);
        let csrf = t.csrf(&c, "/time/import").await;
        let staff = t.client();
        let staff_login = t.login(&staff, &a.staff.email, PASSWORD).await;
        let staff_cookie = mesure_testkit::session_cookie(&staff_login);
        let staff_csrf = t.csrf(&staff, "/time").await;
        let api = "POST /api/v1/time-imports?create_missing=true HTTP/1.1";
        let csv = "Content-Type: text/csv";
        let form = "Content-Type: multipart/form-data; boundary=x";
        let big = 400 * MIB;
        let cases: Vec<(String, u16)> = vec![
            (format!("{api}\r\n{csv}"), 401),
            (format!("{api}\r\n{csv}\r\nCookie: {cookie}"), 403),
            (
                format!("{api}\r\n{csv}\r\nAuthorization: Bearer {}", a.staff.token),
                403,
            ),
            (
                format!("POST /time/import?_csrf={csrf} HTTP/1.1\r\n{form}"),
                303,
            ),
            (
                format!("POST /time/import HTTP/1.1\r\n{form}\r\nCookie: {cookie}"),
                403,
            ),
            (
                format!("POST /time/import?_csrf=nope HTTP/1.1\r\n{form}\r\nCookie: {cookie}"),
                403,
            ),
            (
                format!(
                    "POST /time/import?_csrf={staff_csrf} HTTP/1.1\r\n{form}\r\nCookie: {staff_cookie}"
                ),
                403,
            ),
            (
                format!(
                    "{api}\r\nContent-Type: application/json\r\nAuthorization: Bearer {}",
                    a.owner.token
                ),
                415,
            ),
        ];
        for (head, want) in &cases {
            let got = upload(t.addr, head, big, false).await;
            assert_eq!(got.status, *want, "{backend:?}: {head}");
            assert!(
                got.sent < 64 * MIB,
                "{backend:?}: answered after {} MiB of 400: {head}",
                got.sent / MIB
            );
        }
        // Announced larger than the cap: 413 at once.
        let head = format!("{api}\r\n{csv}\r\nAuthorization: Bearer {}", a.owner.token);
        let got = upload(t.addr, &head, 600 * MIB, false).await;
        assert_eq!(
            (got.status, got.sent < 64 * MIB),
            (413, true),
            "{backend:?}"
        );
        // The same for a multipart form on the API.
        let form_head = format!("{api}\r\n{form}\r\nAuthorization: Bearer {}", a.owner.token);
        let got = upload(t.addr, &form_head, 600 * MIB, false).await;
        assert_eq!(
            (got.status, got.sent < 64 * MIB),
            (413, true),
            "{backend:?}: multipart"
        );
        // Four refused 400 MiB uploads at once: the memory stays flat.
        let before = rss();
        let staff_head = format!("{api}\r\n{csv}\r\nAuthorization: Bearer {}", a.staff.token);
        let four: Vec<_> = (0..4)
            .map(|_| {
                let (addr, head) = (t.addr, staff_head.clone());
                tokio::spawn(async move { upload(addr, &head, big, false).await })
            })
            .collect();
        for answer in four {
            assert_eq!(answer.await.unwrap().status, 403, "{backend:?}");
        }
        let grew = rss().saturating_sub(before);
        println!(
            "{backend:?}: four refused 400 MiB uploads grew the process by {} MiB",
            grew / MIB
        );
        // RSS is the whole test process's, other tests run beside this one: the bound is far
        // below what buffering would cost (4 × 400 MiB), far above their noise.
        assert!(grew < RSS_NOISE, "{backend:?}: grew by {} MiB", grew / MIB);
        if i == 0 {
            // Past the cap while streaming (no length announced): 413, the partial file removed.
            let before = rss();
            let got = upload(t.addr, &head, 513 * MIB, true).await;
            assert_eq!(got.status, 413, "{backend:?}");
            // Refused once the cap was passed, not before: the whole cap was read (to disk).
            assert!(got.sent >= 512 * MIB, "{} MiB sent", got.sent / MIB);
            let grew = rss().saturating_sub(before);
            println!(
                "{backend:?}: a 513 MiB chunked upload grew the process by {} MiB",
                grew / MIB
            );
            assert!(grew < RSS_NOISE, "{backend:?}: grew by {} MiB", grew / MIB);
            let left: Vec<_> = std::fs::read_dir(t.dir.join("uploads"))
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            assert!(left.is_empty(), "{left:?}");
        }
    }
}

/// (d) The import API takes `text/csv` or a multipart form's `file` part; any other type is a
/// 415 problem naming what it takes, before the body is read.
#[tokio::test]
async fn the_import_api_takes_csv_or_a_multipart_file() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Types").await;
        let csv = format!("{GENERIC}{},Ana Silva,Acme,Web,,90,Maquettes,yes\n", day(3));
        for ctype in [
            Some("application/json"),
            Some("application/octet-stream"),
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut req = t
                .client()
                .post(format!("{}?create_missing=true", t.api("/time-imports")))
                .bearer_auth(&a.owner.token)
                .body(csv.clone());
            if let Some(c) = ctype {
                req = req.header("content-type", c);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 415, "{backend:?}: {ctype:?}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{ctype:?}"
            );
            let p: Value = r.json().await.unwrap();
            assert!(p["detail"].as_str().unwrap().contains("text/csv"), "{p}");
        }
        assert_eq!(entries_seen(&t, &a.owner.token).await, 0);
        // `text/csv` with a charset, then a multipart form whose file part comes after another.
        let r = t
            .client()
            .post(format!(
                "{}?create_missing=true&dry_run=true",
                t.api("/time-imports")
            ))
            .bearer_auth(&a.owner.token)
            .header("content-type", "text/csv; charset=utf-8")
            .body(csv.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let by_csv: Value = r.json().await.unwrap();
        // The same dry run as a multipart form whose options are text parts: the same report.
        let b = "mesureboundary42";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"create_missing\"\r\n\r\ntrue\r\n--{b}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"heures.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
        );
        let r = t
            .client()
            .post(t.api("/time-imports"))
            .bearer_auth(&a.owner.token)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{backend:?}");
        let by_form: Value = r.json().await.unwrap();
        assert_eq!(by_form, by_csv, "{backend:?}");
        assert_eq!(
            (by_form["rows"].as_u64(), by_form["dry_run"].as_bool()),
            (Some(1), Some(true))
        );
        assert_eq!(by_form["new_projects"].as_array().map(Vec::len), Some(1));
        // A bad option part is a 422 naming it, and nothing is written.
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\nmaybe\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"heures.csv\"\r\n\r\n{csv}\r\n--{b}--\r\n"
        );
        let r = t
            .client()
            .post(t.api("/time-imports"))
            .bearer_auth(&a.owner.token)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{backend:?}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "dry_run", "{p}");
        assert_eq!(entries_seen(&t, &a.owner.token).await, 0);
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"heures.csv\"\r\nContent-Type: application/vnd.ms-excel\r\n\r\n{csv}\r\n--{b}--\r\n"
        );
        let r = t
            .client()
            .post(format!("{}?create_missing=true", t.api("/time-imports")))
            .bearer_auth(&a.owner.token)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{backend:?}");
        let out: Value = r.json().await.unwrap();
        assert_eq!(
            (out["rows"].as_u64(), out["imported"].as_bool()),
            (Some(1), Some(true))
        );
        assert_eq!(entries_seen(&t, &a.owner.token).await, 1);
        // A multipart form without a file part.
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--{b}--\r\n"
        );
        let r = t
            .client()
            .post(t.api("/time-imports"))
            .bearer_auth(&a.owner.token)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "file", "{p}");
    }
}

/// The publishing step recomputes the radar of the projects the import creates — more than the
/// twenty read one by one and more than one step of a thousand — while they are still hidden
/// from everyone else: their revenue is there at once.
#[tokio::test]
async fn a_published_import_has_its_projects_revenue() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Revenu").await;
        let r = t
            .client()
            .post(t.api("/rates"))
            .bearer_auth(&a.owner.token)
            .json(&json!({"user_id": a.staff.id.to_string(), "rate": "120", "valid_from": "2000-01-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        // More projects than one recomputation step takes (1,000), so every step must count;
        // 21 hours a day over the last hundred days.
        let (rows, projects) = (2100, 1050);
        let mut csv = GENERIC.to_string();
        for k in 0..rows {
            csv.push_str(&format!(
                "{},{},Client Revenu,Projet {:04},,60,Travail {k},yes\n",
                day(1 + k % 100),
                a.staff.email,
                k % projects
            ));
        }
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", csv)
            .await
            .unwrap();
        assert_eq!(s, 200, "{backend:?}: {r}");
        assert_eq!(r["new_projects"].as_array().unwrap().len(), projects);
        let radar = t
            .client()
            .get(t.api("/radar"))
            .bearer_auth(&a.owner.token)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        // 2,100 hours at 120 an hour, in minor units: billable, and earned on time and materials.
        assert_eq!(
            radar["total"]["billable_value"],
            rows * 120 * 100,
            "{radar}"
        );
        assert_eq!(
            radar["total"]["revenue"],
            rows * 120 * 100,
            "{backend:?}: {radar}"
        );
        // Every running total the import wrote agrees with its entries.
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");
    }
}

/// People an import makes without an e-mail have none (not a made-up address): two of them in
/// one workspace, no address found for them, no sign-in, named by their name in the export, and
/// matched again by name in the next import.
#[tokio::test]
async fn imported_people_without_an_address_have_none() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Sans Adresse").await;
        let ws = a.ws.uuid();
        let csv = format!(
            "{GENERIC}{d},Zoé Sans Courriel,Acme,Web,,90,Maquettes,yes\n{d},Yann Sans Courriel,Acme,Web,,30,Relecture,yes\n",
            d = day(3)
        );
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", csv)
            .await
            .unwrap();
        assert_eq!(s, 200, "{backend:?}: {r}");
        assert_eq!(r["new_people"].as_array().map(Vec::len), Some(2), "{r}");
        let empty = scalar(
            &t,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE workspace_id = $1 AND email = ''",
            ws,
        )
        .await;
        assert_eq!(empty, 2, "{backend:?}: imported people keep no address");
        let invalid = scalar(
            &t,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE workspace_id = $1 AND email LIKE '%invalid%'",
            ws,
        )
        .await;
        assert_eq!(invalid, 0);
        // No address signs in as them.
        let c = t.client();
        let r = t.login(&c, "", PASSWORD).await;
        assert_ne!(r.status(), 303, "{backend:?}: an empty address signed in");
        // The export names them.
        let c = t.client();
        t.login(&c, &a.owner.email, PASSWORD).await;
        let export = t.text(&c, "/time.csv").await;
        assert!(export.contains("Zoé Sans Courriel"), "{export}");
        assert!(export.contains("Yann Sans Courriel"), "{export}");
        // The next import finds them by name.
        let csv = format!(
            "{GENERIC}{},Zoé Sans Courriel,Acme,Web,,45,Suite,yes\n",
            day(4)
        );
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", csv)
            .await
            .unwrap();
        assert_eq!(s, 200, "{backend:?}: {r}");
        assert_eq!(r["new_people"].as_array().map(Vec::len), Some(0), "{r}");
    }
}

/// A person made by an import has no e-mail, so no login: the owner gives them one from the
/// users page, they get a link to choose a password, and sign in; a second invitation, an
/// address already used and a person who has an address are refused, and nothing changes.
#[tokio::test]
async fn an_imported_person_is_given_an_email_and_invited() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Invitations").await;
        t.run_jobs().await;
        let csv = format!(
            "{GENERIC}{},Inès Importée,Acme,Web,,90,Maquettes,yes\n",
            day(3)
        );
        let (s, r) = post_csv(&t, &a.owner.token, "create_missing=true", csv)
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        let users: Value = t
            .client()
            .get(t.api("/users"))
            .bearer_auth(&a.owner.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ines = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "Inès Importée")
            .unwrap()
            .clone();
        assert_eq!(ines["email"], "");
        let id = ines["id"].as_str().unwrap().to_string();
        // The users page offers the invitation on her row only.
        let c = t.client();
        t.login(&c, &a.owner.email, PASSWORD).await;
        let html = t.text(&c, "/settings/users").await;
        assert!(html.contains(&format!("/settings/users/{id}/invite")));
        assert_eq!(
            html.matches("/invite\"").count(),
            1,
            "one row without e-mail"
        );
        let invite = |who: String, email: &str| {
            let (http, url, token, body) = (
                t.client(),
                t.api(&format!("/users/{who}/invite")),
                a.owner.token.clone(),
                json!({ "email": email }),
            );
            async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            }
        };
        // Another login's address and a malformed one are refused on the field.
        let (s, p) = invite(id.clone(), &a.staff.email).await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("email")),
            "{p}"
        );
        let (s, p) = invite(id.clone(), "pas-une-adresse").await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("email")),
            "{p}"
        );
        // A person who has an address is not re-invited this way.
        let (s, _) = invite(a.staff.id.to_string(), "autre@invitations.example.org").await;
        assert_eq!(s, 409);
        // Through the page: the form sends the invitation.
        let csrf = t.csrf(&c, "/settings/users").await;
        let r = c
            .post(format!("{}/settings/users/{id}/invite", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", "Ines@Invitations.example.org"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["location"],
            "/settings/users?notice=user-invited"
        );
        let (s, _) = invite(id.clone(), "encore@invitations.example.org").await;
        assert_eq!(s, 409, "invited once");
        assert_eq!(t.run_jobs().await, 1);
        let link = crate::auth::reset_link(&t.dir.join("outbox")).expect("the invitation's link");
        let anon = t.client();
        let page = t.text(&anon, &link).await;
        let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
        let r = anon
            .post(format!("{}{link}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("new_password", "mon-nouveau-mot-de-passe"),
                ("confirm_password", "mon-nouveau-mot-de-passe"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = t
            .login(
                &t.client(),
                "ines@invitations.example.org",
                "mon-nouveau-mot-de-passe",
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/dashboard");
    }
}
