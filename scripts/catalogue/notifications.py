"""The notifications page, alert texts and alert e-mails (French first, then English)."""
M = {
# navigation
"nav-notifications": ("Alertes", "Alerts"),
"nav-unread": ("{ $count ->\n    [one] une non lue\n   *[other] { $count } non lues\n}", "{ $count ->\n    [one] one unread\n   *[other] { $count } unread\n}"),
# alert e-mails: $name, $workspace, $url, $email, $subject (project or client), $figure (percent)
"mail-alert-budget-hours-subject": ("{ $subject } : { $figure } % du budget en heures consommé", "{ $subject }: { $figure }% of the hours budget used"),
"mail-alert-budget-hours-text": ("Bonjour { $name },\n\n    Le projet { $subject } a consommé { $figure } % de son budget en heures dans { $workspace }.", "Hello { $name },\n\n    The project { $subject } has used { $figure }% of its hours budget in { $workspace }."),
"mail-alert-budget-hours-button": ("Voir le projet", "Open the project"),
"mail-alert-budget-money-subject": ("{ $subject } : { $figure } % du budget en argent consommé", "{ $subject }: { $figure }% of the money budget used"),
"mail-alert-budget-money-text": ("Bonjour { $name },\n\n    Le projet { $subject } a consommé { $figure } % de son budget en argent dans { $workspace }.", "Hello { $name },\n\n    The project { $subject } has used { $figure }% of its money budget in { $workspace }."),
"mail-alert-budget-money-button": ("Voir le projet", "Open the project"),
"mail-alert-work-vs-revenue-subject": ("{ $subject } : le travail augmente, pas le chiffre d'affaires", "{ $subject }: work is growing, revenue is not"),
"mail-alert-work-vs-revenue-text": ("Bonjour { $name },\n\n    Les heures passées pour { $subject } ont augmenté d'au moins { $figure } % sur trois mois, sans hausse du chiffre d'affaires.", "Hello { $name },\n\n    Hours spent for { $subject } rose by at least { $figure }% over three months while revenue did not rise."),
"mail-alert-work-vs-revenue-button": ("Voir le client", "Open the client"),
"mail-alert-concentration-subject": ("{ $subject } pèse { $figure } % du chiffre d'affaires", "{ $subject } is { $figure }% of revenue"),
"mail-alert-concentration-text": ("Bonjour { $name },\n\n    Le client { $subject } représente { $figure } % du chiffre d'affaires des douze derniers mois (seuil : 20 %).", "Hello { $name },\n\n    The client { $subject } makes { $figure }% of the last twelve months' revenue (limit: 20%)."),
"mail-alert-concentration-button": ("Voir le client", "Open the client"),
# notifications list: $subject, $figure
"notif-budget_hours": ("{ $subject } : { $figure } % du budget en heures", "{ $subject }: { $figure }% of the hours budget"),
"notif-budget_money": ("{ $subject } : { $figure } % du budget en argent", "{ $subject }: { $figure }% of the money budget"),
"notif-work_vs_revenue": ("{ $subject } : plus de travail sans plus de chiffre d'affaires", "{ $subject }: more work without more revenue"),
"notif-concentration": ("{ $subject } : { $figure } % du chiffre d'affaires", "{ $subject }: { $figure }% of revenue"),
# the notifications page
"notifications-empty": ("Aucune alerte.", "No alerts."),
"notifications-mark-read": ("Tout marquer comme lu", "Mark all as read"),
# notices
"notice-alerts-read": ("Alertes marquées comme lues.", "Alerts marked as read."),
}
