"""Drives a live Mesure server with the Python client generated from its OpenAPI document.

Usage: api_client_smoke.py BASE_URL TOKEN  (the generated package `mesure_client` on PYTHONPATH;
see scripts/api-client-smoke.sh). Every step asserts what it got; any failure exits non-zero.
"""

import datetime
import io
import sys
import uuid

from mesure_client import AuthenticatedClient
from mesure_client.api.clients import clients_create, clients_list
from mesure_client.api.projects import projects_create
from mesure_client.api.radar import radar_project_radar
from mesure_client.api.time import time_create, time_import_csv
from mesure_client.models import (
    ClientBody,
    ClientOut,
    ClientPage,
    EntryBody,
    EntryOut,
    FiguresOut,
    ImportOut,
    ImportUpload,
    MonthFiguresOut,
    ProjectBody,
    ProjectOut,
    ProjectRadarOut,
)
from mesure_client.types import File


def check(ok, what):
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def main():
    base, token = sys.argv[1], sys.argv[2]
    api = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)
    run = uuid.uuid4().hex[:8]

    # Create clients: one to work with, and enough for several pages of two.
    made = clients_create.sync(client=api, body=ClientBody(name=f"Client généré {run}"))
    check(isinstance(made, ClientOut) and made.name == f"Client généré {run}", "clients_create")
    for i in range(4):
        extra = clients_create.sync(client=api, body=ClientBody(name=f"Page {run} {i}"))
        check(isinstance(extra, ClientOut), f"clients_create #{i + 2}")

    # List them two by two, following the cursor to the end.
    seen, cursor, pages = [], None, 0
    while True:
        kwargs = {"q": run, "limit": 2}
        if cursor:
            kwargs["cursor"] = cursor
        page = clients_list.sync(client=api, **kwargs)
        check(isinstance(page, ClientPage) and len(page.items) <= 2, f"clients_list page {pages + 1}")
        seen += [c.id for c in page.items]
        pages += 1
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if not cursor:
            break
    check(page.total == 5 and len(seen) == 5 and len(set(seen)) == 5 and pages == 3,
          f"the cursor walks 5 clients in 3 pages without repeats ({len(seen)} in {pages})")

    # A project, time logged on it, and its radar as typed objects.
    project = projects_create.sync(client=api, body=ProjectBody(
        client_id=made.id, name="Site", billing_model="time_materials", hourly_rate="100"))
    check(isinstance(project, ProjectOut), "projects_create")
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    entry = time_create.sync(client=api, body=EntryBody(
        project_id=project.id, date=day, duration="1:30", note="Maquettes"))
    check(isinstance(entry, EntryOut) and entry.minutes == 90, "time_create (1:30 = 90 minutes)")
    radar = radar_project_radar.sync(client=api, id=project.id)
    check(isinstance(radar, ProjectRadarOut), "radar_project_radar answers a ProjectRadarOut")
    check(isinstance(radar.totals, FiguresOut) and radar.totals.minutes == 90,
          "the radar's totals are typed: 90 minutes")
    check(radar.totals.billable_value == 15000, "90 minutes at 100.00 an hour: 150.00 billable")
    check(all(isinstance(m, MonthFiguresOut) for m in radar.months) and radar.months[-1].month == day[:7],
          "months are named objects (YYYY-MM)")

    # Import a CSV through the multipart form.
    csv = ("date,person,client,project,deliverable,minutes,note,billable\n"
           f"{day},Généré {run},Client généré {run},Site,,45,Importé,yes\n").encode()
    report = time_import_csv.sync(
        client=api,
        body=ImportUpload(file=File(payload=io.BytesIO(csv), file_name="import.csv", mime_type="text/csv")),
        create_missing=True,
    )
    check(isinstance(report, ImportOut) and report.rows == 1 and report.minutes == 45 and not report.errors,
          "time_import_csv (multipart): one row of 45 minutes")
    radar = radar_project_radar.sync(client=api, id=project.id)
    check(radar.totals.minutes == 135, "the imported row is on the project's radar (135 minutes)")
    print("all steps passed")


if __name__ == "__main__":
    main()
