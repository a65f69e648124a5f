//! The modules of the web face, gathered: each brings its pages, its API operations and its
//! navigation entries; the router, the OpenAPI document and the page frame read this one list.
//! A new module adds its folder and one line to [`MODULES`].
use crate::AppState;
use axum::Router;
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

/// What one module brings to the web face.
pub struct Module {
    pub name: &'static str,
    /// Its pages (1 MiB bodies, 30 s).
    pub pages: fn() -> Router<AppState>,
    /// Its pages that take large uploads (512 MiB, 15 min).
    pub upload_pages: fn() -> Router<AppState>,
    /// Its API operations (documented in the OpenAPI document).
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its API operations that take large uploads.
    pub upload_api: fn() -> OpenApiRouter<AppState>,
    /// The action of each of its API operations (the API gate's table).
    pub api_rules: &'static [ApiRule],
    pub nav: &'static [NavEntry],
}

/// For a module without pages of a kind.
pub fn no_pages() -> Router<AppState> {
    Router::new()
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
    &crate::notifications::MODULE,
    &crate::audit::MODULE,
    &crate::portal::MODULE,
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

    /// Two modules claiming one page route make axum panic when the routers merge: this test
    /// merges every module's pages (the API's are merged by the gate test), so a clash fails here.
    #[test]
    fn every_modules_pages_merge_without_a_clash() {
        let _ = crate::html::routes().merge(crate::html::upload_routes());
    }
}
