"""Column names of the CSV exports: French names (French files), English ids (English files).
The French names of the time export are the ones Mesure's importer reads back."""
C = {
"id": "id", "name": "nom", "legal-name": "raison sociale", "siren": "siren",
"vat-number": "numéro de TVA", "billing-address": "adresse de facturation", "currency": "devise",
"language": "langue", "time-zone": "fuseau horaire", "segment": "segment", "notes": "notes",
"archived": "archivé", "created-at": "créé le", "client-id": "id client", "client": "client",
"first-name": "prénom", "last-name": "nom de famille", "email": "courriel", "phone": "téléphone",
"job-title": "fonction", "contact-role": "rôle portail",
"date": "date", "person": "personne", "project": "projet", "deliverable": "livrable",
"minutes": "minutes", "note": "note", "billable": "facturable", "scope": "périmètre",
"free-reason": "motif de gratuité", "write-off-reason": "motif de la perte",
"billed-minutes": "minutes facturées", "value": "valeur", "locked": "verrouillé",
"month": "mois", "hours": "heures", "revenue": "revenu", "cost": "coût", "margin": "marge",
"free-value": "valeur offerte", "written-off-value": "valeur passée en perte",
"over-servicing": "sur-service", "share": "part", "billable-hours": "heures facturables",
"capacity-hours": "heures disponibles", "utilisation": "taux d'utilisation",
"non-billable-hours": "heures non facturables", "group": "groupe", "period": "période",
"unplanned-hours": "heures hors périmètre", "billable-value": "valeur facturable",
"billable-minutes": "minutes facturables", "over-servicing-share": "part de sur-service",
"revenue-share": "part du revenu", "effective-rate": "taux effectif", "trend-flagged": "alerte tendance",
"unplanned-minutes": "minutes hors périmètre", "free-minutes": "minutes offertes",
"written-off-minutes": "minutes passées en perte", "user-id": "id personne",
"available-minutes": "minutes disponibles",
"at": "date et heure", "actor": "auteur", "entity-type": "type d'élément", "entity-id": "id de l'élément",
"action": "action", "before": "avant", "after": "après", "request-id": "id de requête",
}
M = {f"csv-{k}": (fr, k.replace("-", "_")) for k, fr in C.items()}
