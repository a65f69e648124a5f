//! The modules of the web face, gathered: each brings its pages, its API operations and its
//! navigation entries; the router, the OpenAPI document and the page frame read this one list.
//! A new module adds its folder and one line to [`MODULES`].
use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use mesure_domain::Action;
use utoipa_axum::router::OpenApiRouter;

/// Which menu of the frame an entry goes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Menu {
    Main,
    Settings,
}

/// One entry of a menu, shown to those who may do `action`; menus are sorted by `order`.
pub struct NavEntry {
    pub href: &'static str,
    /// Its label's catalogue key.
    pub key: &'static str,
    pub action: Action,
    pub menu: Menu,
    pub order: u16,
}

/// The action an API operation needs, decided from its route before its body is read.
pub struct ApiRule {
    pub method: &'static str,
    /// The route template, as registered (`/api/v1/clients/{id}`).
    pub path: &'static str,
    pub action: Action,
}

/// Who may open a page route, decided from the route alone before its body is read (the page
/// gate, `html::gate`); the services check again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, password reset, the language switch, the home).
    Public,
    /// Anyone signed in; the page chooses what each sees (the dashboard sends contacts to the
    /// portal).
    SignedIn,
    /// Whoever the permission table allows this action.
    May(Action),
}

/// One page route: its method and template, who may open it, its handler, and whether it takes
/// large uploads. A module's page router is made from these, so no page exists without its
/// access.
#[derive(Clone, Copy)]
pub struct PageRule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: fn() -> MethodRouter<AppState>,
    /// Mounted with the upload limits (512 MiB, 15 min) instead of the pages' (1 MiB, 30 s).
    pub upload: bool,
}

impl PageRule {
    pub const fn new(
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: fn() -> MethodRouter<AppState>,
    ) -> PageRule {
        PageRule {
            method,
            path,
            access,
            handler,
            upload: false,
        }
    }
    /// The same route taking large uploads.
    pub const fn uploads(self) -> PageRule {
        PageRule {
            upload: true,
            ..self
        }
    }
}

/// Every module's page routes of one kind (uploads or not), made from their rules.
pub fn page_router(upload: bool) -> Router<AppState> {
    MODULES
        .iter()
        .flat_map(|m| m.page_rules.iter())
        .filter(|r| r.upload == upload)
        .fold(Router::new(), |router, r| {
            router.route(r.path, (r.handler)())
        })
}

/// What one module brings to the web face.
pub struct Module {
    pub name: &'static str,
    /// Its page routes with their access (the page gate's table, `html::gate`); the tests walk
    /// this list for every role.
    pub page_rules: &'static [PageRule],
    /// Its API operations (documented in the OpenAPI document).
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its API operations that take large uploads.
    pub upload_api: fn() -> OpenApiRouter<AppState>,
    /// The action of each of its API operations (the API gate's table).
    pub api_rules: &'static [ApiRule],
    pub nav: &'static [NavEntry],
}

/// For a module without API operations of a kind.
pub fn no_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

/// Every module of the web face.
pub const MODULES: &[&Module] = &[
    &crate::auth::MODULE,
    &crate::dashboard::MODULE,
    &crate::radar::MODULE,
    &crate::time::MODULE,
    &crate::reports::MODULE,
    &crate::projects::MODULE,
    &crate::clients::MODULE,
    &crate::invoicing::MODULE,
    &crate::notifications::MODULE,
    &crate::audit::MODULE,
    &crate::portal::MODULE,
    &crate::nps::MODULE,
    &crate::desk::MODULE,
    &crate::people::MODULE,
    &crate::settings::MODULE,
];

/// The entries of one menu, in order.
pub fn menu(which: Menu) -> Vec<&'static NavEntry> {
    let mut all: Vec<&NavEntry> = MODULES
        .iter()
        .flat_map(|m| m.nav.iter())
        .filter(|e| e.menu == which)
        .collect();
    all.sort_by_key(|e| e.order);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_and_menu_entries_are_unique() {
        let mut names = std::collections::HashSet::new();
        let mut hrefs = std::collections::HashSet::new();
        let mut orders = std::collections::HashSet::new();
        for m in MODULES {
            assert!(names.insert(m.name), "module {} twice", m.name);
            for e in m.nav {
                assert!(hrefs.insert(e.href), "{} in two menus", e.href);
                assert!(orders.insert((e.menu, e.order)), "{}: order taken", e.href);
                assert!(
                    mesure_i18n::has(mesure_domain::Language::Fr, e.key)
                        && mesure_i18n::has(mesure_domain::Language::En, e.key),
                    "{}: no label",
                    e.key
                );
            }
        }
    }

    /// Two rules claiming one route and method make axum panic when the router is made: this
    /// test makes both page routers and merges them (the API's are merged by the gate test).
    #[test]
    fn every_modules_pages_merge_without_a_clash() {
        let _ = page_router(false).merge(page_router(true));
    }
}
