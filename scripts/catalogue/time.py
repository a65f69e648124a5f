"""The week grid, time entries, the timer, approvals, write-offs and free work, and the time
import with its report (French first, then English)."""
M = {
# navigation
"nav-time": ("Temps", "Time"),
"nav-import": ("Import de temps", "Time import"),
"nav-approvals": ("Validation des feuilles de temps", "Timesheet approval"),
"nav-entries": ("Saisies", "Entries"),
# validation and conflicts
"err-conflict-email": ("Cette adresse e-mail est déjà utilisée.", "This e-mail address is already in use."),
"err-project-archived": ("Ce projet est archivé : on ne peut plus y saisir de temps.", "This project is archived: time can no longer be logged on it."),
"err-duration": ("Durée illisible (par exemple 90, 1,5 ou 1:30).", "Unreadable duration (for example 90, 1.5 or 1:30)."),
"err-duration-positive": ("La durée doit être positive.", "The duration must be positive."),
"err-duration-twice": ("Donnez la durée une seule fois : en minutes ou en texte, pas les deux.", "Give the duration once: as minutes or as text, not both."),
"err-duration-day": ("Une saisie ne peut dépasser 24 heures.", "One entry cannot exceed 24 hours."),
"err-day-over-24h": ("Plus de 24 heures pour cette personne ce jour-là.", "More than 24 hours for this person on that day."),
"err-free-reason": ("Le travail offert demande une raison (geste commercial, notre erreur, avant-vente, stratégique).", "Free work needs a reason (goodwill, our error, pre-sales, strategic)."),
"err-change-rejected": ("Cette demande de changement a été refusée.", "This change request was rejected."),
"err-week-locked": ("Cette semaine est approuvée et verrouillée.", "This week is approved and locked."),
"err-entry-invoiced": ("Ce temps est facturé : il ne peut plus changer.", "This time is invoiced: it can no longer change."),
"err-write-off-billable": ("Seul du temps facturable, ni offert ni déjà passé en perte, peut être passé en perte.", "Only billable time, neither free nor already written off, can be written off."),
"err-not-free": ("Ce temps n'est pas du travail offert.", "This time is not free work."),
"err-free-approved": ("Ce travail offert est déjà approuvé.", "This free work is already approved."),
"err-week-approved": ("Cette semaine est déjà approuvée.", "This week is already approved."),
"err-week-not-approved": ("Cette semaine n'est pas approuvée.", "This week is not approved."),
"err-date-window": ("Date hors de la période acceptée, du { $from } au { $to }.", "Date outside the accepted period, { $from } to { $to }."),
"import-error-unknown-person": ("Personne inconnue : { $name } (cochez « créer ce qui manque »).", "Unknown person: { $name } (tick “create what is missing”)."),
"import-error-unknown-client": ("Client inconnu : { $name } (cochez « créer ce qui manque »).", "Unknown client: { $name } (tick “create what is missing”)."),
"import-error-unknown-project": ("Projet inconnu : { $name } (cochez « créer ce qui manque »).", "Unknown project: { $name } (tick “create what is missing”)."),
"err-date-outside-week": ("Ce jour n'est pas dans la semaine enregistrée.", "This day is not in the week being saved."),
"err-grid-several": ("Plusieurs saisies ce jour-là : modifiez-les dans la liste des saisies.", "Several entries on that day: change them in the list of entries."),
"err-grid-not-editable": ("Cette saisie (offerte ou passée en perte) se modifie depuis son propre formulaire.", "This entry (free or written off) changes through its own form."),
# time
"time-title": ("Temps", "Time"),
"time-week-of": ("Semaine du { $date }", "Week of { $date }"),
"time-prev-week": ("Semaine précédente", "Previous week"),
"time-next-week": ("Semaine suivante", "Next week"),
"time-this-week": ("Cette semaine", "This week"),
"time-prev-day": ("Jour précédent", "Previous day"),
"time-next-day": ("Jour suivant", "Next day"),
"time-day-shown": ("Jour affiché", "Day shown"),
"time-timer": ("Chronomètre", "Timer"),
"time-start": ("Démarrer", "Start"),
"time-switch": ("Changer de tâche", "Switch"),
"time-new-entry": ("Nouvelle saisie", "New entry"),
"time-deliverable": ("Livrable", "Deliverable"),
"time-deliverable-none": ("— hors livrable (non planifié) —", "— no deliverable (unplanned) —"),
"time-change-request": ("Demande de changement", "Change request"),
"time-date": ("Date", "Date"),
"time-duration": ("Durée", "Duration"),
"time-duration-help": ("90, 1,5 ou 1:30", "90, 1.5 or 1:30"),
"time-note": ("Note", "Note"),
"time-billable": ("Facturable", "Billable"),
"time-scope": ("Périmètre", "Scope"),
"scope-in_scope": ("dans le périmètre", "in scope"),
"scope-change_request": ("demande de changement", "change request"),
"scope-free": ("offert", "free"),
"time-free-reason": ("Raison du travail offert", "Reason for free work"),
"time-free-note": ("Précision", "Details"),
"reason-goodwill": ("geste commercial", "goodwill"),
"reason-our_error": ("notre erreur", "our error"),
"reason-pre_sales": ("avant-vente", "pre-sales"),
"reason-strategic": ("stratégique", "strategic"),
"time-log": ("Enregistrer", "Log time"),
"time-grid": ("Feuille de temps", "Timesheet"),
"time-grid-save": ("Enregistrer la semaine", "Save the week"),
"time-grid-add-row": ("Ajouter une ligne", "Add a row"),
"time-duplicate": ("Reprendre la semaine dernière", "Duplicate last week"),
"time-duplicated": ("{ $count } saisies reprises de la semaine dernière.", "{ $count } entries copied from last week."),
"time-total": ("Total", "Total"),
"time-empty": ("Aucune saisie.", "No entries."),
"time-locked": ("verrouillé", "locked"),
"time-approved-week": ("Semaine approuvée le { $date } : elle est verrouillée et ne se modifie plus ici. Un responsable peut la rouvrir depuis les approbations.", "Week approved on { $date }: it is locked and cannot be changed here. A manager can reopen it from the approvals."),
"time-write-off-choose": ("Raison de la perte…", "Write-off reason…"),
"time-kind": ("Type", "Kind"),
"time-kind-billable": ("facturable", "billable"),
"time-kind-non_billable": ("non facturable", "non-billable"),
"time-kind-free": ("offert", "free"),
"time-kind-written_off": ("passé en perte", "written off"),
"time-kind-unplanned": ("hors périmètre", "outside the scope"),
"time-kind-change_request": ("demande de changement", "change request"),
"time-actions": ("Actions", "Actions"),
"time-kind-no_deliverable": ("sans livrable", "no deliverable"),
"time-kind-unbilled_scope": ("hors périmètre non facturé", "unbilled, outside the scope"),
"time-entries-count": ("""{ $count ->
        [one] { $n } saisie
       *[other] { $n } saisies
    }""", """{ $count ->
        [one] { $n } entry
       *[other] { $n } entries
    }"""),
"time-duplicated-detail": ("""{ $count ->
        [0] Aucune saisie reprise de la semaine dernière.
        [one] Une saisie reprise de la semaine dernière.
       *[other] { $count } saisies reprises de la semaine dernière.
    }{ $future ->
        [0] {""}
        [one] {" "}Une saisie n'a pas été reprise : son jour est après aujourd'hui.
       *[other] {" "}{ $future } saisies n'ont pas été reprises : leur jour est après aujourd'hui.
    }{ $refused ->
        [0] {""}
        [one] {" "}Une saisie refusée (projet archivé, semaine verrouillée ou journée de plus de 24 h).
       *[other] {" "}{ $refused } saisies refusées (projet archivé, semaine verrouillée ou journée de plus de 24 h).
    }""", """{ $count ->
        [0] No entry copied from last week.
        [one] One entry copied from last week.
       *[other] { $count } entries copied from last week.
    }{ $future ->
        [0] {""}
        [one] {" "}One entry was not copied: its day is after today.
       *[other] {" "}{ $future } entries were not copied: their day is after today.
    }{ $refused ->
        [0] {""}
        [one] {" "}One entry refused (archived project, locked week or a day over 24 h).
       *[other] {" "}{ $refused } entries refused (archived project, locked week or a day over 24 h).
    }"""),
"time-grid-cell-error": ("{ $day } · { $project } : { $message }", "{ $day } · { $project }: { $message }"),
"time-grid-several": ("Plusieurs saisies ce jour-là : modifiez-les dans la liste", "Several entries on that day: change them in the list"),
"time-grid-several-short": ("plusieurs", "several"),
"time-write-off": ("Passer en perte", "Write off"),
"time-written-off": ("passé en perte", "written off"),
"time-free-pending": ("en attente d'approbation", "awaiting approval"),
"time-saved": ("Temps enregistré.", "Time logged."),
"time-export": ("Exporter en CSV", "Export CSV"),
"approvals-title": ("Validation des feuilles de temps", "Timesheet approval"),
"approvals-approve": ("Approuver la semaine", "Approve the week"),
"approvals-reopen": ("Rouvrir", "Reopen"),
"approvals-hours": ("Heures", "Hours"),
"time-edit-entry": ("Modifier la saisie", "Edit entry"),
# import
"format-name-harvest": ("Harvest", "Harvest"),
"format-name-toggl": ("Toggl Track", "Toggl Track"),
"format-name-kimai": ("Kimai", "Kimai"),
"format-name-generic": ("CSV générique", "Generic CSV"),
"import-title": ("Importer du temps", "Import time"),
"import-help": ("Fichiers CSV exportés de Harvest, Toggl Track ou Kimai, ou au format générique de Mesure (date, person, client, project, deliverable, minutes, note, billable). Un fichier avec une seule ligne fausse n'importe rien ; les lignes déjà présentes (même personne, jour, projet, minutes et note) non plus, sauf si vous cochez « importer quand même ». Dates acceptées : de 2000 à un an après aujourd'hui.", "CSV files exported from Harvest, Toggl Track or Kimai, or in Mesure's generic layout (date, person, client, project, deliverable, minutes, note, billable). A file with one bad row imports nothing; so do rows that already exist (same person, day, project, minutes and note), unless you tick “import them anyway”. Dates from 2000 to a year after today."),
"import-file": ("Fichier CSV", "CSV file"),
"import-format": ("Format", "Format"),
"import-format-auto": ("détection automatique", "detect automatically"),
"import-create-missing": ("Créer les personnes, clients et projets qui manquent", "Create missing people, clients and projects"),
"import-dry-run": ("Essai à blanc (ne rien écrire)", "Dry run (write nothing)"),
"import-run": ("Importer", "Import"),
"import-done": ("""{ $rows ->
        [0] Aucune saisie importée
        [one] Une saisie importée
       *[other] { $rows } saisies importées
    } ({ $format }){ $skipped ->
        [0] .
        [one] , une ligne à zéro ignorée.
       *[other] , { $skipped } lignes à zéro ignorées.
    }""", """{ $rows ->
        [0] No entry imported
        [one] One entry imported
       *[other] { $rows } entries imported
    } ({ $format }){ $skipped ->
        [0] .
        [one] , one zero-minute row skipped.
       *[other] , { $skipped } zero-minute rows skipped.
    }"""),
"import-dry": ("""Essai à blanc : { $rows ->
        [0] aucune saisie ne serait importée
        [one] une saisie serait importée
       *[other] { $rows } saisies seraient importées
    } ({ $format }){ $skipped ->
        [0] .
        [one] , une ligne à zéro ignorée.
       *[other] , { $skipped } lignes à zéro ignorées.
    } Rien n'a été écrit.""", """Dry run: { $rows ->
        [0] no entry would be imported
        [one] one entry would be imported
       *[other] { $rows } entries would be imported
    } ({ $format }){ $skipped ->
        [0] .
        [one] , one zero-minute row skipped.
       *[other] , { $skipped } zero-minute rows skipped.
    } Nothing was written."""),
"import-failed": ("Rien n'a été importé : { $count ->\n    [one] un problème à corriger.\n   *[other] { $count } problèmes à corriger.\n}", "Nothing was imported: { $count ->\n    [one] one problem to fix.\n   *[other] { $count } problems to fix.\n}"),
"import-line": ("Ligne", "Line"),
"import-column": ("Colonne", "Column"),
"import-reason": ("Problème", "Problem"),
"import-new": ("Seraient créés : { $list }", "Would be created: { $list }"),
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
# notices
"notice-time-logged": ("Temps enregistré.", "Time logged."),
"notice-timer-started": ("Chronomètre démarré.", "Timer started."),
"notice-timer-nothing-logged": ("Chronomètre arrêté après moins de 30 secondes : rien n'a été enregistré.", "Timer stopped after less than 30 seconds: nothing was logged."),
"notice-timer-stopped": ("Chronomètre arrêté : le temps est enregistré.", "Timer stopped: the time is logged."),
"notice-week-saved": ("Semaine enregistrée.", "Week saved."),
"notice-duplicated": ("Saisies de la semaine dernière reprises.", "Last week's entries copied."),
"notice-entry-deleted": ("Saisie supprimée.", "Entry deleted."),
"notice-written-off": ("Temps passé en perte.", "Time written off."),
"notice-free-approved": ("Travail offert approuvé.", "Free work approved."),
"notice-week-approved": ("Semaine approuvée et verrouillée.", "Week approved and locked."),
"notice-week-reopened": ("Semaine rouverte.", "Week reopened."),
}
