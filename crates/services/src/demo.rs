//! Demo data: a believable French agency, and bulk data for benchmarks.
use crate::audit::Actor;
use crate::people::users::NewUser;
use crate::{App, Ctx, Result};
use mesure_domain::clients::{ClientForm, ContactForm};
use mesure_domain::{ClientId, Language, Principal, Role, UserId, WorkspaceId};

pub const DEMO_OWNER: &str = "camille.martin@atelier-lumiere.fr";
pub const DEMO_PASSWORD: &str = "lumiere-demo-2026";
/// The demo's portal contact (Boulangerie Dupain's first contact, billing role).
pub const DEMO_CONTACT: &str = "anne.dupont@boulangerie-dupain.fr";
/// The demo's project contact (Boulangerie Dupain's second contact): follows the project and
/// decides its change requests in the portal.
pub const DEMO_PROJECT_CONTACT: &str = "julien.robin@boulangerie-dupain.fr";

/// The demo's logins, one per role, all with [`DEMO_PASSWORD`].
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    ("owner", DEMO_OWNER),
    ("manager", "hugo.bernard@atelier-lumiere.fr"),
    ("staff", "lea.petit@atelier-lumiere.fr"),
    ("portal contact (billing)", DEMO_CONTACT),
    ("portal contact (project)", DEMO_PROJECT_CONTACT),
];

/// What `seed` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// The demo workspace was created now.
    Created,
    /// The demo workspace was already there: left as it was.
    AlreadyThere,
}

/// Makes a Luhn-valid SIREN from an 8-digit stem.
pub fn siren_from(stem: u32) -> String {
    let base = format!("{:08}", stem % 100_000_000);
    for key in 0..10 {
        let s = format!("{base}{key}");
        if mesure_domain::validate::is_siren(&s) {
            return s;
        }
    }
    base + "0"
}

/// The French intra-EU VAT number of a SIREN.
pub fn vat_from(siren: &str) -> String {
    let n: u64 = siren.parse().unwrap_or(0);
    format!("FR{:02}{siren}", (12 + 3 * (n % 97)) % 97)
}

const CLIENTS: &[(&str, &str, &str, &str)] = &[
    (
        "Boulangerie Dupain",
        "Dupain & Fils SARL",
        "12 rue des Martyrs\n75009 Paris",
        "Commerce",
    ),
    (
        "Cabinet Rousseau Avocats",
        "Rousseau Associés SELARL",
        "4 place Bellecour\n69002 Lyon",
        "Services professionnels",
    ),
    (
        "Vignobles Lacoste",
        "SCEA Vignobles Lacoste",
        "Château Lacoste\n33250 Pauillac",
        "Agroalimentaire",
    ),
    (
        "Clinique du Parc",
        "Clinique du Parc SAS",
        "18 avenue du Parc\n13008 Marseille",
        "Santé",
    ),
    (
        "Librairie L'Écume des pages",
        "L'Écume SARL",
        "174 boulevard Saint-Germain\n75006 Paris",
        "Commerce",
    ),
    (
        "Mairie de Villeurbanne",
        "Commune de Villeurbanne",
        "Place Lazare-Goujon\n69100 Villeurbanne",
        "Secteur public",
    ),
    (
        "Atelier Morel Ébénisterie",
        "Morel Ébénisterie EURL",
        "7 rue du Faubourg\n44000 Nantes",
        "Artisanat",
    ),
    (
        "Transports Giraud",
        "Giraud Logistique SA",
        "ZI des Chesnes\n38070 Saint-Quentin-Fallavier",
        "Industrie",
    ),
    (
        "Hôtel Les Mouettes",
        "SAS Les Mouettes",
        "2 quai de la Douane\n29200 Brest",
        "Tourisme",
    ),
    (
        "Fondation Solenne",
        "Fondation Solenne",
        "31 rue de Lille\n59000 Lille",
        "Associatif",
    ),
    (
        "Brasserie du Canal",
        "Brasserie du Canal SAS",
        "60 quai de Jemmapes\n75010 Paris",
        "Agroalimentaire",
    ),
    (
        "Studio Kappa Architecture",
        "Kappa Archi SARL",
        "9 rue Sainte-Catherine\n33000 Bordeaux",
        "Services professionnels",
    ),
];

const FIRST: &[&str] = &[
    "Anne", "Julien", "Sophie", "Thomas", "Claire", "Nicolas", "Élodie", "Mathieu", "Camille",
    "Lucas", "Inès", "Hugo",
];
const LAST: &[&str] = &[
    "Dupont",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Bonnet",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
];
const TITLES: &[&str] = &[
    "Directrice générale",
    "Responsable marketing",
    "Comptable",
    "Chef de projet",
    "Gérant",
    "Assistante de direction",
];

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list.get(i % list.len().max(1)).copied().unwrap_or("")
}

fn staff_ctx(ws: WorkspaceId, user: UserId, label: &str) -> Ctx {
    Ctx {
        workspace: ws,
        user,
        principal: Principal::Staff(Role::Owner),
        label: label.to_string(),
        language: Language::Fr,
        time_zone: "Europe/Paris".into(),
        workspace_name: String::new(),
        workspace_currency: mesure_domain::Currency::EUR,
        workspace_language: Language::Fr,
        request_id: None,
        client: None,
    }
}

/// Seeds the demo agency unless it exists (then nothing is touched).
pub async fn seed(app: &App) -> Result<Seeded> {
    if crate::people::users::find_by_email(app, DEMO_OWNER)
        .await
        .is_ok()
    {
        return Ok(Seeded::AlreadyThere);
    }
    let system = Actor::system("demo");
    let w = crate::workspaces::create(app, "Atelier Lumière", &system).await?;
    let ws = WorkspaceId::from_uuid(w.id);
    let people = [
        (DEMO_OWNER, "Camille Martin", "owner"),
        ("hugo.bernard@atelier-lumiere.fr", "Hugo Bernard", "manager"),
        ("lea.petit@atelier-lumiere.fr", "Léa Petit", "staff"),
        ("karim.haddad@atelier-lumiere.fr", "Karim Haddad", "staff"),
    ];
    let mut owner = None;
    let mut ids = Vec::new();
    for (email, name, role) in people {
        let added = crate::people::users::add(
            app,
            ws,
            &NewUser {
                email: email.into(),
                name: name.into(),
                role: role.into(),
                language: Some("fr".into()),
                password: Some(DEMO_PASSWORD.into()),
            },
            &system,
        )
        .await?;
        ids.push(added.user.id);
        owner.get_or_insert(added.user);
    }
    let owner = owner.ok_or_else(|| crate::ServiceError::Internal("no owner".into()))?;
    let ctx = staff_ctx(ws, UserId::from_uuid(owner.id), &owner.name);
    let mut made = Vec::new();
    for (i, (name, legal, address, segment)) in CLIENTS.iter().enumerate() {
        let siren = siren_from(41_000_000 + u32::try_from(i).unwrap_or(0) * 7_919);
        let client = crate::clients::create(
            app,
            &ctx,
            &ClientForm {
                name: (*name).into(),
                legal_name: Some((*legal).into()),
                vat_number: Some(vat_from(&siren)),
                siren: Some(siren),
                billing_address: Some((*address).into()),
                segment: Some((*segment).into()),
                ..Default::default()
            },
        )
        .await?;
        made.push(((*name).to_string(), client.id));
        for k in 0..(2 + i % 2) {
            let (f, l) = (pick(FIRST, i * 3 + k), pick(LAST, i * 5 + k * 7));
            let domain: String = name
                .to_lowercase()
                .chars()
                .map(|c| match c {
                    'é' | 'è' | 'ê' => 'e',
                    'ô' => 'o',
                    c if c.is_ascii_alphanumeric() => c,
                    _ => '-',
                })
                .collect();
            crate::clients::contacts::create(
                app,
                &ctx,
                ClientId::from_uuid(client.id),
                &ContactForm {
                    first_name: f.into(),
                    last_name: l.into(),
                    email: Some(
                        format!("{}.{}@{}.fr", ascii(f), ascii(l), domain.trim_matches('-'))
                            .replace("--", "-"),
                    ),
                    phone: Some(format!(
                        "+33 1 {:02} {:02} {:02} {:02}",
                        40 + i,
                        10 + k,
                        20 + i,
                        30 + k
                    )),
                    job_title: Some(pick(TITLES, i + k).into()),
                    contact_role: Some(pick(&["billing", "project", "viewer"], k).into()),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    let rates = [("120", "48"), ("110", "45"), ("90", "36"), ("85", "34")];
    let people: Vec<(uuid::Uuid, &str, &str)> = ids
        .iter()
        .zip(rates)
        .map(|(id, (r, c))| (*id, r, c))
        .collect();
    crate::demo_time::seed(app, &ctx, &made, &people).await?;
    let today = mesure_domain::projects::engagement::day_key(crate::time::today_date(app, &ctx));
    crate::demo_invoicing::seed(app, &ctx, &made, today).await?;
    crate::demo_nps::seed(app, &ctx, &made).await?;
    crate::demo_desk::seed(app, &ctx, &made, &ids).await?;
    portal_login(app, &ctx, DEMO_CONTACT).await?;
    portal_login(app, &ctx, DEMO_PROJECT_CONTACT).await?;
    Ok(Seeded::Created)
}

/// Gives the contact of e-mail `email` a portal login with the demo password.
async fn portal_login(app: &App, ctx: &Ctx, email: &str) -> Result<()> {
    let query = mesure_store::clients::contacts::ListQuery {
        search: Some(email.into()),
        limit: 10,
        ..Default::default()
    };
    let contact = crate::clients::contacts::list(app, ctx, &query)
        .await?
        .0
        .into_iter()
        .find(|c| c.email.as_deref() == Some(email))
        .ok_or_else(|| crate::ServiceError::Internal("demo contact missing".into()))?;
    let (user, _) = crate::clients::contacts::grant_portal(
        app,
        ctx,
        mesure_domain::ContactId::from_uuid(contact.id),
    )
    .await?;
    let hash = crate::secrets::hash_password(DEMO_PASSWORD.to_string()).await?;
    let mut conn = app.db.begin().await?;
    mesure_store::people::users::set_password(
        &mut conn.conn(),
        ctx.workspace,
        UserId::from_uuid(user.id),
        &hash,
        app.now(),
    )
    .await?;
    conn.commit().await?;
    Ok(())
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ï' | 'î' => 'i',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

/// Bulk data for benchmarks: `clients` clients with `contacts` contacts spread over them, in one transaction.
pub async fn seed_bulk(app: &App, ws: WorkspaceId, clients: usize, contacts: usize) -> Result<()> {
    use mesure_store::clients::ClientRow;
    use mesure_store::clients::contacts::ContactRow;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let mut ids = Vec::with_capacity(clients);
        for i in 0..clients {
            let name = format!(
                "{} {} {i}",
                pick(LAST, i),
                pick(
                    &["Conseil", "Studio", "Industries", "Services", "Boutique"],
                    i / 7
                )
            );
            let row = ClientRow {
                workspace_id: ws.uuid(),
                id: ClientId::new().uuid(),
                name_key: name.to_lowercase(),
                search_key: name.to_lowercase(),
                name,
                legal_name: None,
                siren: None,
                vat_number: None,
                billing_address: None,
                currency: mesure_domain::Currency::EUR,
                language: mesure_domain::Language::Fr,
                time_zone: "Europe/Paris".into(),
                segment: Some(pick(&["Commerce", "Santé", "Industrie", "Tourisme"], i).into()),
                notes: None,
                archived_at: None,
                created_at: now + i64::try_from(i).unwrap_or(0),
                updated_at: now,
                version: 1,
            };
            ids.push(row.id);
            mesure_store::clients::insert(&mut tx.conn(), &row).await?;
        }
        for j in 0..contacts {
            let Some(client) = ids.get(j % ids.len().max(1)) else {
                break;
            };
            let (f, l) = (pick(FIRST, j), pick(LAST, j / 3));
            let row = ContactRow {
                workspace_id: ws.uuid(),
                id: mesure_domain::ContactId::new().uuid(),
                client_id: *client,
                first_name: f.into(),
                last_name: l.into(),
                sort_key: format!("{l} {f}").to_lowercase(),
                search_key: format!("{f} {l} {j}@example.fr").to_lowercase(),
                email: Some(format!("{j}@example.fr")),
                phone: None,
                job_title: None,
                contact_role: mesure_domain::ContactRole::Viewer,
                language: mesure_domain::Language::Fr,
                archived_at: None,
                created_at: now + i64::try_from(j).unwrap_or(0),
                updated_at: now,
                version: 1,
            };
            mesure_store::clients::contacts::insert(&mut tx.conn(), &row).await?;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_are_valid() {
        for stem in [41_000_000, 41_007_919, 12_345_678] {
            let s = siren_from(stem);
            assert!(mesure_domain::validate::is_siren(&s), "{s}");
            assert!(mesure_domain::validate::is_vat_number(&vat_from(&s)));
        }
    }
}
