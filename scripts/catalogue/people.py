"""Users, profiles and roles, the welcome e-mail, people's costs, capacity and leave (French
first, then English)."""
M = {
# navigation
"nav-profile": ("Mon profil", "My profile"),
"nav-users": ("Utilisateurs", "Users"),
# profile and users
"profile-title": ("Mon profil", "My profile"),
"password-title": ("Mot de passe", "Password"),
"password-ends-credentials": ("Changer le mot de passe ferme vos autres sessions et supprime vos jetons d’API : créez-en de nouveaux ensuite.", "Changing the password signs out your other sessions and deletes your API tokens: create new ones afterwards."),
"users-you": ("vous", "you"),
"users-title": ("Utilisateurs", "Users"),
"users-add": ("Ajouter un utilisateur", "Add a user"),
"users-add-help": ("Un mot de passe est généré et affiché une fois ; un e-mail de bienvenue est envoyé.", "A password is generated and shown once; a welcome e-mail is sent."),
"users-created": ("Utilisateur { $email } créé. Mot de passe à transmettre (il ne sera plus affiché) :", "User { $email } created. Password to hand over (it will not be shown again):"),
"status-inactive": ("inactif", "inactive"),
# notices
"notice-profile-saved": ("Profil enregistré.", "Profile saved."),
"notice-user-saved": ("Utilisateur enregistré.", "User saved."),
"notice-capacity-saved": ("Capacité enregistrée.", "Capacity saved."),
"notice-leave-saved": ("Congé enregistré.", "Leave saved."),
# errors
"err-role": ("Rôle inconnu : owner, manager ou staff.", "Unknown role: owner, manager or staff."),
"err-password-short": ("Au moins 10 caractères.", "At least 10 characters."),
"err-password-wrong": ("Mot de passe actuel incorrect.", "The current password is wrong."),
"err-self-demote": ("Vous ne pouvez pas changer votre propre rôle ni vous désactiver.", "You cannot change your own role or deactivate yourself."),
"err-last-owner": ("L'espace doit garder au moins un propriétaire actif.", "The workspace must keep at least one active owner."),
# the welcome e-mail
"mail-welcome-subject": ("Bienvenue sur Mesure — { $workspace }", "Welcome to Mesure — { $workspace }"),
"mail-welcome-text": ("Bonjour { $name },\n\n    Un compte a été créé pour vous dans l'espace « { $workspace } » de Mesure.\n    Identifiant : { $email }\n    Connectez-vous ici : { $url }", "Hello { $name },\n\n    An account was created for you in the “{ $workspace }” workspace of Mesure.\n    Login: { $email }\n    Sign in here: { $url }"),
"mail-welcome-button": ("Se connecter", "Sign in"),
# costs, capacity and leave (the rates page)
"rates-cost": ("Coûts internes", "Internal costs"),
"rates-cost-rate": ("Coût horaire", "Hourly cost"),
"rates-to": ("Jusqu'au", "To"),
"capacity-title": ("Capacité et congés", "Capacity and leave"),
"capacity-help": ("35 h par semaine sauf indication ; les jours fériés français sont déduits d'office.", "35 h a week unless set; French public holidays are deducted automatically."),
"capacity-weekly-hours": ("Heures par semaine", "Hours per week"),
"leave-day": ("Jour de congé", "Day of leave"),
"leave-hours": ("Heures de congé (0 pour effacer)", "Hours of leave (0 clears)"),
"notice-user-invited": ("Invitation envoyée : la personne choisit son mot de passe grâce au lien reçu (valable une semaine).", "Invitation sent: the person chooses their password through the link they received (valid for a week)."),
"action-invite": ("Inviter", "Invite"),
"users-invite-label": ("Adresse e-mail pour inviter { $name }", "E-mail address to invite { $name }"),
"users-no-login": ("Sans identifiant", "No login"),
"err-user-has-email": ("Cette personne a déjà une adresse e-mail : elle se connecte avec, ou demande un nouveau mot de passe.", "This person already has an e-mail address: they sign in with it, or ask for a new password."),
"mail-invite-subject": ("Votre accès à Mesure — { $workspace }", "Your access to Mesure — { $workspace }"),
"mail-invite-text": ("Bonjour { $name },\n\n    Vous avez désormais un compte dans l'espace « { $workspace } » de Mesure.\n    Identifiant : { $email }\n    Choisissez votre mot de passe ici (lien valable une semaine) : { $url }", "Hello { $name },\n\n    You now have an account in the “{ $workspace }” workspace of Mesure.\n    Login: { $email }\n    Choose your password here (the link works for a week): { $url }"),
"mail-invite-button": ("Choisir mon mot de passe", "Choose my password"),
}
