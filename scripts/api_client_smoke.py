"""Drives a Mesure server through a Python client generated from its OpenAPI document.

Usage: api_client_smoke.py CLIENT_DIR BASE_URL TOKEN. CLIENT_DIR holds the generated package
`mesure_client`. Every step asserts what it got; any failure exits non-zero.
"""

import datetime
import io
import sys
import uuid

client_dir, base_url, token = sys.argv[1:4]
sys.path.insert(0, client_dir)

from mesure_client import AuthenticatedClient  # noqa: E402
from mesure_client import models  # noqa: E402
from mesure_client.api.clients import clients_create, clients_list  # noqa: E402
from mesure_client.api.people import people_me  # noqa: E402
from mesure_client.api.projects import projects_list  # noqa: E402
from mesure_client.api.radar import radar_project_radar  # noqa: E402
from mesure_client.api.time import time_create, time_import_csv  # noqa: E402
from mesure_client.types import File  # noqa: E402

checked = []


def check(what, ok, got=None):
    if not ok:
        print(f"FAILED: {what}: {got!r}", file=sys.stderr)
        sys.exit(1)
    checked.append(what)
    print(f"ok - {what}")


def ok(response, status, what):
    check(
        f"{what} answers {status}",
        response.status_code == status,
        (response.status_code, response.content[:500]),
    )
    return response.parsed


api = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
run = uuid.uuid4().hex[:8]

# 1. Create clients, more than one page of them.
made = []
for i in range(5):
    body = models.ClientBody(name=f"Smoke {run} {i}")
    created = ok(clients_create.sync_detailed(client=api, body=body), 201, f"create client {i}")
    check(f"client {i} is a typed ClientOut", isinstance(created, models.ClientOut), created)
    check(f"client {i} has its name", created.name == f"Smoke {run} {i}", created.name)
    made.append(created.id)

# 2. List them two by two, following the cursor.
page1 = ok(clients_list.sync_detailed(client=api, q=f"Smoke {run}", limit=2), 200, "clients page 1")
check("page 1 is a typed ClientPage", isinstance(page1, models.ClientPage), page1)
check("page 1 has 2 clients", len(page1.items) == 2, len(page1.items))
check("page 1 has a next cursor", isinstance(page1.next_cursor, str) and page1.next_cursor, page1.next_cursor)
page2 = ok(
    clients_list.sync_detailed(client=api, q=f"Smoke {run}", limit=2, cursor=page1.next_cursor),
    200,
    "clients page 2",
)
check("page 2 has 2 clients", len(page2.items) == 2, len(page2.items))
ids1 = {c.id for c in page1.items}
ids2 = {c.id for c in page2.items}
check("page 2 follows page 1 without overlap", not ids1 & ids2, (ids1, ids2))
check("both pages hold clients just made", (ids1 | ids2) <= set(made), (ids1 | ids2, made))

# 3. Log time on a demo project.
me = ok(people_me.sync_detailed(client=api), 200, "who am I")
projects = ok(projects_list.sync_detailed(client=api, limit=10), 200, "list projects")
check("projects come as a list of typed ProjectOut", projects and all(isinstance(p, models.ProjectOut) for p in projects), projects)
project = projects[0]
today = datetime.date.today().isoformat()
entry_body = models.EntryBody(project_id=project.id, date=today, minutes=75, note=f"smoke {run}")
entry = ok(time_create.sync_detailed(client=api, body=entry_body), 201, "log a time entry")
check("the entry is a typed EntryOut", isinstance(entry, models.EntryOut), entry)
check("the entry has 75 minutes on the project", (entry.minutes, entry.project_id) == (75, project.id), entry)
check("the entry is mine", entry.user_id == me.id, (entry.user_id, me.id))

# 4. Read the project's radar as a typed model.
radar = ok(radar_project_radar.sync_detailed(client=api, id=project.id), 200, "project radar")
check("the radar is a typed ProjectRadarOut, not a dict", isinstance(radar, models.ProjectRadarOut), type(radar))
check("the radar is the project's", radar.project.id == project.id, radar.project.id)
check("consumed minutes is an integer attribute", isinstance(radar.consumed_minutes, int), radar.consumed_minutes)
check("the radar counts the entry just logged", radar.consumed_minutes >= 75, radar.consumed_minutes)
check("the radar's months are typed", all(isinstance(m, models.MonthFiguresOut) for m in radar.months), radar.months)

# 5. Import a small CSV as a multipart form.
csv = (
    "date,person,client,project,deliverable,minutes,note,billable\n"
    f"{today},Smoke Person {run},Smoke Import {run},Site {run},,90,Maquettes,yes\n"
    f"{today},Smoke Person {run},Smoke Import {run},Site {run},,30,Revue,no\n"
)
form = models.ImportForm(
    file=File(payload=io.BytesIO(csv.encode()), file_name="heures.csv", mime_type="text/csv"),
    create_missing=True,
)
report = ok(time_import_csv.sync_detailed(client=api, body=form), 200, "import a CSV (multipart)")
check("the report is a typed ImportOut", isinstance(report, models.ImportOut), report)
check("the import read 2 rows and wrote them", (report.rows, report.imported, report.errors) == (2, True, []), report)
check("the import counted 120 minutes", report.minutes == 120, report.minutes)
check("the import created the client", report.new_clients == [f"Smoke Import {run}"], report.new_clients)
found = ok(clients_list.sync_detailed(client=api, q=f"Smoke Import {run}"), 200, "find the imported client")
check("the imported client is listed", [c.name for c in found.items] == [f"Smoke Import {run}"], found.items)

print(f"{len(checked)} checks passed with the generated client")
