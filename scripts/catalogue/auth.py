"""Signing in and out, forgotten and reset passwords (and their e-mail), API tokens (French first,
then English)."""
M = {
# navigation
"nav-tokens": ("Jetons d'API", "API tokens"),
# actions
"action-create-token": ("Créer un jeton", "Create token"),
"action-login": ("Se connecter", "Sign in"),
"action-revoke": ("Révoquer", "Revoke"),
# signing in, forgotten and reset passwords
"login-title": ("Connexion", "Sign in"),
"login-forgot": ("Mot de passe oublié ?", "Forgot your password?"),
"forgot-title": ("Mot de passe oublié", "Forgotten password"),
"forgot-intro": ("Indiquez votre adresse e-mail : nous vous enverrons un lien valable une heure pour choisir un nouveau mot de passe.", "Enter your e-mail address: we will send you a link, valid for one hour, to choose a new password."),
"forgot-sent": ("Si un compte existe pour cette adresse, un lien vient de lui être envoyé. Il est valable une heure.", "If an account exists for this address, a link has just been sent to it. It is valid for one hour."),
"action-send-link": ("Recevoir un lien", "Send me a link"),
"action-back-login": ("Retour à la connexion", "Back to sign in"),
"reset-title": ("Nouveau mot de passe", "New password"),
"reset-invalid": ("Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau.", "This link no longer works (already used or expired). Ask for a new one."),
"login-intro": ("Connectez-vous avec votre adresse e-mail et votre mot de passe.", "Sign in with your e-mail address and password."),
# API tokens
"status-revoked": ("révoqué", "revoked"),
"tokens-title": ("Jetons d'API", "API tokens"),
"tokens-help": ("Un jeton donne accès à l'API avec vos droits : « Authorization: Bearer JETON ».", "A token gives access to the API with your rights: “Authorization: Bearer TOKEN”."),
"tokens-shown-once": ("Copiez ce jeton maintenant, il ne sera plus affiché :", "Copy this token now, it will not be shown again:"),
"tokens-empty": ("Aucun jeton.", "No token."),
"tokens-prefix": ("Début", "Starts with"),
"tokens-last-used": ("Dernier usage", "Last used"),
# notices
"notice-token-revoked": ("Jeton révoqué.", "Token revoked."),
"notice-logged-out": ("Vous êtes déconnecté.", "You are signed out."),
# errors
"err-login-failed": ("E-mail ou mot de passe incorrect.", "Wrong e-mail or password."),
# the password-reset e-mail
"mail-reset-subject": ("Mesure — nouveau mot de passe pour { $workspace }", "Mesure — new password for { $workspace }"),
"mail-reset-text": ("Bonjour { $name },\n\n    Quelqu'un (vous, sans doute) a demandé à changer le mot de passe du compte { $email }.\n    Ce lien est valable une heure : { $url }\n    Si ce n'était pas vous, ignorez ce message : votre mot de passe ne change pas.", "Hello { $name },\n\n    Someone (probably you) asked to change the password of the account { $email }.\n    This link works for one hour: { $url }\n    If it was not you, ignore this message: your password stays as it is."),
"mail-reset-button": ("Choisir un nouveau mot de passe", "Choose a new password"),
}
