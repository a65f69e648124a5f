"""Workspace settings (e-mail sending) and the background jobs page with its errors (French first,
then English)."""
M = {
# navigation
"nav-settings": ("Réglages", "Settings"),
"nav-workspace": ("Espace de travail", "Workspace"),
"nav-jobs": ("Tâches de fond", "Background jobs"),
# actions
"action-retry": ("Relancer", "Retry"),
# workspace settings
"workspace-title": ("Espace de travail", "Workspace"),
"workspace-general": ("Général", "General"),
"workspace-mail": ("Envoi des e-mails", "Sending e-mail"),
"workspace-mail-help": ("Laissez le serveur vide pour utiliser celui du serveur Mesure.", "Leave the server empty to use the Mesure server's own."),
"workspace-password-kept": ("Un mot de passe est enregistré ; laissez le champ vide pour le garder.", "A password is stored; leave the field empty to keep it."),
"workspace-smtp-disabled": ("Les e-mails de cet espace partent par le serveur d'envoi de Mesure : l'administrateur de ce serveur n'autorise pas un serveur SMTP propre à chaque espace.", "This workspace's e-mail goes out through Mesure's own mail relay: the server's administrator does not allow workspaces an SMTP server of their own."),
"smtp-tls-starttls": ("STARTTLS", "STARTTLS"),
"smtp-tls-tls": ("TLS direct", "Implicit TLS"),
"smtp-tls-none": ("Aucun (réseau local uniquement)", "None (local network only)"),
# background jobs
"jobs-title": ("Tâches de fond", "Background jobs"),
"jobs-help": ("E-mails, exports et alertes passent par cette file ; une tâche en échec est retentée avec un délai croissant, puis marquée morte.", "E-mails, exports and alerts go through this queue; a failing job is retried with a growing delay, then marked dead."),
"jobs-empty": ("Aucune tâche.", "No job."),
"jobs-kind": ("Type", "Kind"),
"jobs-attempts": ("Essais", "Attempts"),
"jobs-last-error": ("Dernière erreur", "Last error"),
"job-error-mail": ("Impossible de joindre le serveur de mail ; le détail est dans le journal du serveur.", "Could not reach the mail server; the details are in the server log."),
"job-error-mail-address": ("Adresse d'expéditeur ou de destinataire inutilisable.", "The sender or recipient address is not usable."),
"job-error-internal": ("La tâche a échoué ; le détail est dans le journal du serveur.", "The job failed; the details are in the server log."),
"job-status-queued": ("en attente", "queued"),
"job-status-running": ("en cours", "running"),
"job-status-done": ("terminée", "done"),
"job-status-dead": ("morte", "dead"),
"job-kind-mail": ("e-mail", "e-mail"),
# notices
"notice-workspace-saved": ("Réglages enregistrés.", "Settings saved."),
"notice-job-retried": ("Tâche relancée.", "Job queued again."),
# errors
"err-port": ("Port invalide (1 à 65535).", "Invalid port (1 to 65535)."),
"err-smtp-tls": ("Mode inconnu : none, starttls ou tls.", "Unknown mode: none, starttls or tls."),
"err-smtp-host": ("Serveur invalide : un nom DNS ou une adresse IP, sans port.", "Invalid server: a DNS name or an IP address, without a port."),
"err-smtp-host-private": ("Adresse locale ou privée refusée : indiquez un serveur SMTP joignable sur Internet.", "Local or private address refused: give an SMTP server reachable on the Internet."),
"err-smtp-not-allowed": ("Ce serveur Mesure n'autorise pas de serveur SMTP propre à un espace : les e-mails partent par le sien.", "This Mesure server does not allow a workspace its own SMTP server: e-mail goes out through the server's."),
}
