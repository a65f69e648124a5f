# Time-entry CSV import messages (crates/domain/src/import: Reason::key and FileError::key).
# French first, then English. Fluent variables:
#   import-error-unknown-format   $headers  the file's header row, as written, joined with ", "
#   import-error-missing-columns  $format   Harvest, Toggl, Kimai or Mesure
#                                 $columns  the missing columns' names, joined with ", "
#   import-error-csv              $line     line number; $message  the CSV reader's message
#   import-error-record-too-long  $line     the line the record began on
#   import-error-field-count      $found    fields in the row; $expected  fields in the header
#   import-error-date-window      $from, $to  the first and last accepted dates, formatted
#   import-error-duplicate-in-file  $line   the earlier line of the same entry
#   import-errors-truncated       $listed   problems listed; $count  every problem
#   import-duplicates(-allowed)   $count    duplicate rows; $lines  their line numbers
#   import-progress-*             $rows     rows read so far
#   import-report-error(-value)   $line; $column  ", column" or empty; $message; $value  the cut value
# The other row messages take no variable: the caller shows the line, the column and the
# refused value (cut to 40 characters) beside them.
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
"import-error-record-too-long": ("Ligne { $line } : enregistrement de plus de 1 Mio, lecture arrêtée (ce fichier n'est pas un export de saisies de temps).", "Line { $line }: a record over 1 MiB, reading stopped (this file is not a time-entry export)."),
"import-error-field-count": ("""{ $found ->
        [one] { $found } champ
       *[other] { $found } champs
    }, alors que l'en-tête en a { $expected }.""", """{ $found ->
        [one] { $found } field
       *[other] { $found } fields
    }, the header has { $expected }."""),
"import-error-control-chars": ("Caractères de contrôle (NUL, échappement…) refusés ; seuls tabulations et retours à la ligne sont admis.", "Control characters (NUL, escape …) are refused; only tabs and line breaks are allowed."),
"import-error-date-window": ("Date hors de la période acceptée, du { $from } au { $to }.", "Date outside the accepted period, { $from } to { $to }."),
"import-error-email-unusable": ("Cette adresse e-mail ne peut pas être utilisée.", "This e-mail address cannot be used."),
"import-error-duplicate-existing": ("Cette saisie existe déjà (même personne, jour, projet, minutes et note).", "This entry already exists (same person, day, project, minutes and note)."),
"import-error-rates-changed": ("Les taux de cette personne ont changé pendant l'import : importez le fichier à nouveau.", "This person's rates changed during the import: import the file again."),
"err-import-running": ("Un import est déjà en cours dans cet espace : réessayez quand il sera terminé.", "An import is already running in this workspace: try again when it has finished."),
"err-import-media-type": ("Type de contenu non pris en charge", "Unsupported content type"),
"err-import-media-type-detail": ("Envoyez le fichier CSV tel quel (Content-Type: text/csv) ou dans un formulaire multipart/form-data (partie « file »).", "Send the CSV file as is (Content-Type: text/csv) or in a multipart/form-data form (part “file”)."),
"err-import-no-file": ("Aucun fichier reçu : joignez le fichier CSV (partie « file »).", "No file received: attach the CSV file (part “file”)."),
"import-error-duplicate-in-file": ("Même saisie que la ligne { $line } de ce fichier.", "Same entry as line { $line } of this file."),
"import-value": ("Valeur", "Value"),
"import-errors-truncated": ("Seuls les { $listed } premiers problèmes sont listés, sur { $count }.", "Only the first { $listed } of { $count } problems are listed."),
"import-duplicates": ("{ $count ->\n    [one] Une ligne existe déjà\n   *[other] { $count } lignes existent déjà\n} (même personne, jour, projet, minutes et note) : { $lines }.", "{ $count ->\n    [one] One row already exists\n   *[other] { $count } rows already exist\n} (same person, day, project, minutes and note): { $lines }."),
"import-duplicates-hint": ("Cochez « importer quand même » pour les importer.", "Tick “import them anyway” to import them."),
"import-duplicates-hint-cli": ("Ajoutez --allow-duplicates pour les importer quand même.", "Add --allow-duplicates to import them anyway."),
"import-duplicates-allowed": ("{ $count ->\n    [one] Une ligne en double, acceptée (importer quand même)\n   *[other] { $count } lignes en double, acceptées (importer quand même)\n} : { $lines }.", "{ $count ->\n    [one] One duplicate row, accepted (import them anyway)\n   *[other] { $count } duplicate rows, accepted (import them anyway)\n}: { $lines }."),
"import-allow-duplicates": ("Importer quand même les lignes qui existent déjà", "Import them anyway: rows that already exist"),
"import-progress-checking": ("Lecture et vérification… { $rows } lignes", "Reading and checking… { $rows } rows"),
"import-progress-writing": ("Écriture… { $rows } lignes", "Writing… { $rows } rows"),
"import-progress-done": ("Terminé : { $rows } lignes lues", "Done: { $rows } rows read"),
"import-report-rows": ("""{ $rows ->
        [0] Aucune saisie
        [one] Une saisie
       *[other] { $rows } saisies
    } ({ $minutes } minutes){ $skipped ->
        [0] {""}
        [one] , une ligne à zéro ignorée
       *[other] , { $skipped } lignes à zéro ignorées
    }""", """{ $rows ->
        [0] No entry
        [one] One entry
       *[other] { $rows } entries
    } ({ $minutes } minutes){ $skipped ->
        [0] {""}
        [one] , one zero-minute row skipped
       *[other] , { $skipped } zero-minute rows skipped
    }"""),
"import-report-new-people": ("Nouvelles personnes : { $list }", "New people: { $list }"),
"import-report-new-clients": ("Nouveaux clients : { $list }", "New clients: { $list }"),
"import-report-new-projects": ("Nouveaux projets : { $list }", "New projects: { $list }"),
"import-report-error": ("ligne { $line }{ $column } : { $message }", "line { $line }{ $column }: { $message }"),
"import-report-error-value": ("ligne { $line }{ $column } : { $message } (« { $value } »)", "line { $line }{ $column }: { $message } (“{ $value }”)"),
}
