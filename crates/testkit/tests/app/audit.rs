//! The audit log reads as sentences in the reader's language: names instead of ids, labelled and
//! formatted values, every recorded entity and action in the filters.
use crate::time::{log, project};
use mesure_testkit::{backends, spawn_app};

/// The page's text without tags and attribute values (what a reader sees).
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn has_uuid(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .any(|w| w.len() == 36 && w.matches('-').count() == 4)
}

#[tokio::test]
async fn audit_entries_read_as_sentences_with_names_and_formatted_values() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Journal").await;
        let cl = t.client_named(&a.owner.ctx, "Client Journal").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Journal", "time_materials").await;
        let e = log(&t, &a.staff.ctx, p, "2026-03-02", 90).await;
        mesure_services::time::write_off(
            &t.app,
            &a.owner.ctx,
            mesure_domain::EntryId::from_uuid(e),
            &mesure_services::time::ReasonForm {
                reason: "our_error".into(),
                note: Some("Bogue de notre côté".into()),
            },
        )
        .await
        .unwrap();
        mesure_services::time::set_week_approved(
            &t.app,
            &a.owner.ctx,
            mesure_domain::UserId::from_uuid(a.staff.id),
            "2026-03-02",
            true,
        )
        .await
        .unwrap();
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let html = t.text(&c, "/audit").await;
        let text = visible(&html);
        for expected in [
            "a créé le projet « Projet Journal »",
            "a passé en perte le temps saisi (1:30 de",
            "le 02/03/2026 sur Projet Journal",
            "a approuvé la feuille de temps (semaine du 02/03/2026 de",
            "Raison de la perte",
            "notre erreur",
            "100,00",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        for raw in [
            "audit-",
            "entity-",
            "week_start",
            "_minor",
            "our_error",
            "20260302",
            "{$",
        ] {
            assert!(!text.contains(raw), "{raw:?} shown in {text}");
        }
        assert!(!has_uuid(&text), "a UUID is shown: {text}");
        // Every recorded entity and action can be filtered on.
        for (value, label) in [
            ("time_entry", "Temps saisi"),
            ("timesheet", "Feuille de temps"),
            ("change_request", "Demande de changement"),
            ("import", "Import"),
            ("write_off", "Passage en perte"),
            ("approve", "Approbation de semaine"),
        ] {
            assert!(
                html.contains(&format!("<option value=\"{value}\">{label}</option>")),
                "filter option {value}"
            );
        }
        let only = t
            .text(&c, "/audit?entity_type=time_entry&action=write_off")
            .await;
        assert_eq!(visible(&only).matches("a passé en perte").count(), 1);
        assert!(!visible(&only).contains("a créé le projet"));
        // In English for an English reader.
        mesure_services::people::users::set_language(
            &t.app,
            &a.owner.ctx,
            mesure_domain::Language::En,
        )
        .await
        .unwrap();
        let en = t.text(&c, "/audit").await;
        let en = visible(&en);
        assert!(en.contains("created the project “Projet Journal”"), "{en}");
        assert!(en.contains("wrote off the time entry (1:30 by"), "{en}");
        assert!(
            en.contains("our error") && en.contains("2 Mar 2026"),
            "{en}"
        );
    }
}

/// Every `updated_at` comes from the use case's clock (the one the tests and the browser
/// journeys move), not the machine's: a user's role change and a workspace's settings.
#[tokio::test]
async fn updated_at_follows_the_application_clock() {
    for backend in mesure_testkit::backends() {
        let t = mesure_testkit::spawn_app(backend).await;
        let a = t.tenant("Agence Horloge").await;
        t.clock.set("2031-05-06T07:08:09Z".parse().unwrap());
        let at = t.clock_now();
        let u = mesure_services::people::users::update_staff(
            &t.app,
            &a.owner.ctx,
            mesure_domain::UserId::from_uuid(a.staff.id),
            Some("manager"),
            None,
        )
        .await
        .unwrap();
        assert!(
            (at..at + 5_000_000).contains(&u.updated_at),
            "{backend:?} user"
        );
        let w = mesure_services::workspaces::update(
            &t.app,
            &a.owner.ctx,
            &mesure_services::workspaces::SettingsForm {
                name: "Agence Horloge".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            (at..at + 5_000_000).contains(&w.updated_at),
            "{backend:?} workspace"
        );
    }
}
