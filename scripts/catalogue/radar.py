"""The over-servicing radar: dashboard, client radar, utilisation, trends and concentration
(French first, then English)."""
M = {
# navigation
"nav-radar": ("Radar", "Radar"),
# radar
"radar-over-free": ("dont offert", "of which free work"),
"radar-over-written-off": ("dont passé en perte", "of which written off"),
"radar-over-unbilled-scope-client": ("dont hors périmètre non facturé (régie et forfaits mensuels ; au forfait il est dans l'imprévu)", "of which unbilled work outside the scope (time & materials and retainers; under a fixed fee it is in the unplanned work)"),
"radar-title": ("Radar de sur-service", "Over-servicing radar"),
"radar-intro": ("Les clients qui reçoivent le plus de travail non payé, sur les douze derniers mois.", "Clients receiving the most unpaid work, over the last twelve months."),
"radar-clients": ("Clients", "Clients"),
"radar-back-to-clients": ("Tous les clients du radar", "All clients on the radar"),
"radar-client-record": ("Fiche client", "Client record"),
"radar-client": ("Client", "Client"),
"radar-over-share": ("Part du CA", "Share of revenue"),
"radar-trend": ("Tendance (12 mois)", "Trend (12 months)"),
"radar-trend-flag": ("plus de travail, pas plus de CA", "more work, no more revenue"),
"radar-share": ("Part du CA total", "Share of all revenue"),
"radar-concentration": ("Concentration : trois premiers clients { $top3 }, HHI { $hhi }.", "Concentration: top three clients { $top3 }, HHI { $hhi }."),
"radar-over-limit": ("""{ $count ->
        [one] Un client au-dessus de 20 % du chiffre d'affaires.
       *[other] { $count } clients au-dessus de 20 % du chiffre d'affaires.
    }""", """{ $count ->
        [one] One client above 20% of revenue.
       *[other] { $count } clients above 20% of revenue.
    }"""),
"radar-people": ("Utilisation facturable (ce mois)", "Billable utilisation (this month)"),
"radar-available": ("Disponible", "Available"),
"radar-utilisation": ("Utilisation", "Utilisation"),
"radar-empty": ("Aucun temps saisi sur les douze derniers mois.", "No time logged over the last twelve months."),
"radar-projects": ("Projets du client", "The client's projects"),
"radar-value": ("Valeur du travail", "Value of work"),
"radar-unplanned": ("Non planifié", "Unplanned"),
}
