//! Issue 8, points 10 and 11: revoked credentials never come back, a password change ends API
//! tokens, and a contact's portal login follows the contact (e-mail, role, archiving of the
//! contact or of its organisation).
use mesure_domain::clients::ContactForm;
use mesure_domain::{ClientId, ContactId};
use mesure_services::audit::Actor;
use mesure_testkit::{PASSWORD, TestApp, backends, spawn_app};

async fn status(t: &TestApp, token: &str) -> u16 {
    t.client()
        .get(t.api("/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn token_for(t: &TestApp, ws: mesure_domain::WorkspaceId, user: uuid::Uuid) -> String {
    mesure_services::auth::create_token(&t.app, ws, user, "jeton", &Actor::system("test"))
        .await
        .unwrap()
        .secret
}

/// Signs in through the login form: whether a session was opened.
async fn signs_in(t: &TestApp, email: &str, password: &str) -> bool {
    let c = t.client();
    let r = t.login(&c, email, password).await;
    r.status() == 303
}

#[tokio::test]
async fn revoked_credentials_never_come_back() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Revocation").await;
        // A deactivated then reactivated person starts with no token.
        let staff_token = a.staff.token.clone();
        assert_eq!(status(&t, &staff_token).await, 200);
        for active in [false, true] {
            let r = t
                .client()
                .put(t.api(&format!("/users/{}", a.staff.id)))
                .bearer_auth(&a.owner.token)
                .json(&serde_json::json!({"active": active}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        assert_eq!(status(&t, &staff_token).await, 401);
        assert!(signs_in(&t, &a.staff.email, PASSWORD).await);
        // A password change ends the person's tokens.
        let second = token_for(&t, a.ws, a.manager.id).await;
        assert_eq!(status(&t, &second).await, 200);
        mesure_services::people::users::change_password(
            &t.app,
            &a.manager.ctx,
            PASSWORD,
            "un-nouveau-mot-de-passe",
            "un-nouveau-mot-de-passe",
        )
        .await
        .unwrap();
        assert_eq!(status(&t, &second).await, 401);
        assert_eq!(status(&t, &a.manager.token).await, 401);
        // A revoked token is deleted, not flagged.
        let third = mesure_services::auth::create_token(
            &t.app,
            a.ws,
            a.owner.id,
            "à révoquer",
            &Actor::system("test"),
        )
        .await
        .unwrap();
        mesure_services::auth::revoke_token(
            &t.app,
            a.ws,
            a.owner.id,
            third.row.id,
            &Actor::system("test"),
        )
        .await
        .unwrap();
        assert_eq!(status(&t, &third.secret).await, 401);
        let left = mesure_services::auth::list_own_tokens(&t.app, &a.owner.ctx)
            .await
            .unwrap();
        assert!(left.iter().all(|k| k.id != third.row.id));
        // A contact's token revoked with the portal stays dead when the portal is re-granted.
        let cl = t.client_named(&a.owner.ctx, "Client Portail").await;
        let contact = mesure_services::clients::contacts::create(
            &t.app,
            &a.owner.ctx,
            ClientId::from_uuid(cl),
            &ContactForm {
                first_name: "Anne".into(),
                last_name: "Dupont".into(),
                email: Some("anne@client-portail.example.org".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let cid = ContactId::from_uuid(contact.id);
        let (login, _) =
            mesure_services::clients::contacts::grant_portal(&t.app, &a.owner.ctx, cid)
                .await
                .unwrap();
        let ctoken = token_for(&t, a.ws, login.id).await;
        assert_eq!(status(&t, &ctoken).await, 200);
        mesure_services::clients::contacts::revoke_portal(&t.app, &a.owner.ctx, cid)
            .await
            .unwrap();
        assert_eq!(status(&t, &ctoken).await, 401);
        mesure_services::clients::contacts::grant_portal(&t.app, &a.owner.ctx, cid)
            .await
            .unwrap();
        assert_eq!(status(&t, &ctoken).await, 401);
    }
}

#[tokio::test]
async fn a_portal_login_follows_its_contact() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Suivi").await;
        let cl = t.client_named(&a.owner.ctx, "Client Suivi").await;
        let form = |email: &str, role: &str| ContactForm {
            first_name: "Paul".into(),
            last_name: "Martin".into(),
            email: Some(email.into()),
            contact_role: Some(role.into()),
            ..Default::default()
        };
        let contact = mesure_services::clients::contacts::create(
            &t.app,
            &a.owner.ctx,
            ClientId::from_uuid(cl),
            &form("paul@ancien.example.org", "viewer"),
        )
        .await
        .unwrap();
        let cid = ContactId::from_uuid(contact.id);
        let (login, password) =
            mesure_services::clients::contacts::grant_portal(&t.app, &a.owner.ctx, cid)
                .await
                .unwrap();
        assert!(signs_in(&t, "paul@ancien.example.org", &password).await);
        let ctoken = token_for(&t, a.ws, login.id).await;
        // New e-mail and role: the old address no longer signs in, the new one does with the
        // new role, and what was opened under the old ones is closed.
        mesure_services::clients::contacts::update(
            &t.app,
            &a.owner.ctx,
            cid,
            &form("paul@nouveau.example.org", "billing"),
            None,
        )
        .await
        .unwrap();
        assert!(!signs_in(&t, "paul@ancien.example.org", &password).await);
        assert!(signs_in(&t, "paul@nouveau.example.org", &password).await);
        assert_eq!(status(&t, &ctoken).await, 401);
        let login = mesure_services::clients::contacts::portal_login(&t.app, &a.owner.ctx, cid)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(login.role, "billing");
        assert_eq!(login.email, "paul@nouveau.example.org");
        // Another login's address cannot be taken, and says no more than "unusable".
        let e = mesure_services::clients::contacts::update(
            &t.app,
            &a.owner.ctx,
            cid,
            &form(&a.staff.email, "billing"),
            None,
        )
        .await
        .unwrap_err();
        assert!(format!("{e:?}").contains("err-email-unusable"), "{e:?}");
        // Archiving the organisation closes its contacts' portal.
        let ctoken = token_for(&t, a.ws, login.id).await;
        assert_eq!(status(&t, &ctoken).await, 200);
        mesure_services::clients::set_archived(&t.app, &a.owner.ctx, ClientId::from_uuid(cl), true)
            .await
            .unwrap();
        assert!(!signs_in(&t, "paul@nouveau.example.org", &password).await);
        assert_eq!(status(&t, &ctoken).await, 401);
    }
}
