"""The home dashboard (French first, then English)."""
M = {
# navigation
"nav-dashboard": ("Tableau de bord", "Dashboard"),
# dashboard
"dashboard-title": ("Tableau de bord", "Dashboard"),
"dashboard-active-clients": ("clients actifs", "active clients"),
"dashboard-contacts": ("contacts", "contacts"),
"dashboard-archived-clients": ("clients archivés", "archived clients"),
"dashboard-dead-jobs": ("tâches en échec", "failed jobs"),
"dashboard-recent": ("Activité récente", "Recent activity"),
"dashboard-all-activity": ("Tout le journal d'audit", "The whole audit log"),
"dashboard-my-week": ("Ma semaine", "My week"),
"dashboard-logged": ("{ $logged } saisies sur { $capacity } disponibles", "{ $logged } logged of { $capacity } available"),
}
