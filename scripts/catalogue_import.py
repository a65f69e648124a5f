# Time-entry CSV import messages (crates/domain/src/import: Reason::key and FileError::key).
# French first, then English. Fluent variables:
#   import-error-unknown-format   $headers  the file's header row, as written, joined with ", "
#   import-error-missing-columns  $format   Harvest, Toggl, Kimai or Mesure
#                                 $columns  the missing columns' names, joined with ", "
#   import-error-csv              $line     line number; $message  the CSV reader's message
# The row messages take no variable: the caller shows the line and the column beside them.
M = {
"import-error-missing-value": ("Valeur manquante.", "Missing value."),
"import-error-bad-date": ("Date illisible ou inexistante (par exemple 2026-03-02).", "Unreadable or impossible date (for example 2026-03-02)."),
"import-error-bad-duration": ("Durée illisible (par exemple 90, 1,5 ou 1:30).", "Unreadable duration (for example 90, 1.5 or 1:30)."),
"import-error-negative-duration": ("Durée négative.", "Negative duration."),
"import-error-too-long": ("Durée de plus de 24 heures.", "Duration longer than 24 hours."),
"import-error-bad-boolean": ("Valeur attendue : oui ou non.", "Expected yes or no."),
"import-error-conflicting-durations": ("Une seule durée par ligne : minutes, heures ou durée.", "Only one duration per row: minutes, hours or duration."),
"import-error-ambiguous-duration": ("Nombre entier ambigu (heures ou secondes ?) : écrivez 2:00 pour deux heures, ou ajoutez les colonnes De et À.", "Ambiguous whole number (hours or seconds?): write 2:00 for two hours, or add the From and To columns."),
"import-error-empty": ("Le fichier est vide.", "The file is empty."),
"import-error-unknown-format": ("Format non reconnu : ce fichier ne ressemble ni à un export Harvest, Toggl ou Kimai, ni au format de Mesure. Colonnes trouvées : { $headers }.", "Unknown format: this file looks like neither a Harvest, Toggl or Kimai export nor Mesure's format. Columns found: { $headers }."),
"import-error-missing-columns": ("Fichier { $format } incomplet : il manque { $columns }.", "Incomplete { $format } file: missing { $columns }."),
"import-error-csv": ("Fichier CSV illisible à la ligne { $line } : { $message }", "Unreadable CSV file at line { $line }: { $message }"),
}
