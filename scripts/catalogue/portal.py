"""The client portal page (French first, then English)."""
M = {
# navigation
"nav-portal": ("Mon espace client", "My client space"),
# the portal page
"portal-title": ("Espace client", "Client space"),
"portal-welcome": ("Bonjour { $name }", "Hello { $name }"),
"portal-intro": ("Votre espace client chez { $workspace }.", "Your client space at { $workspace }."),
}
