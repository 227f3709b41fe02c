#!/usr/bin/env python3
"""Validates OCSF events against the OCSF schema: `ocsf_validate.py FILE [VERSION]`.

FILE is a JSON array of events (what `cloudposture scan --format ocsf` writes), or
one event. Each event is checked against the JSON Schema that `ocsf-json-schema`
(PyPI) generates offline for its class, from the OCSF schema it bundles (VERSION,
default 1.3.0), with the profiles the event declares in `metadata.profiles`: required
attributes (those of the profiles too), no attribute the class or object lacks, types,
enums, date-time patterns and the `at_least_one` / `just_one` constraints. It also
checks `type_uid = class_uid * 100 + activity_id`.

Prints one line per problem and exits 1 when there is any, 0 when every event is
valid, 2 when the packages are missing (`scripts/test` installs them:
`python3 -m pip install 'ocsf-json-schema>=1.2,<2' 'jsonschema>=4.18,<5'`).
"""

import json
import sys

try:
    import jsonschema
    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema
except ImportError as e:
    print(
        f"error: {e.name} is not installed; run "
        "`python3 -m pip install 'ocsf-json-schema>=1.2,<2' 'jsonschema>=4.18,<5'`",
        file=sys.stderr,
    )
    sys.exit(2)


def problems(events, version):
    ocsf = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
    validators = {}
    for i, event in enumerate(events):
        class_uid = event.get("class_uid")
        profiles = tuple(sorted((event.get("metadata") or {}).get("profiles") or []))
        key = (class_uid, profiles)
        if key not in validators:
            try:
                name = ocsf.lookup_class_name_from_uid(class_uid=class_uid)
            except Exception:
                yield f"event {i}: class_uid {class_uid!r} is not an OCSF {version} class"
                continue
            schema = ocsf.get_class_schema(class_name=name, profiles=list(profiles))
            validators[key] = jsonschema.Draft202012Validator(schema)
        for error in validators[key].iter_errors(event):
            path = "/".join(str(p) for p in error.absolute_path) or "(event)"
            yield f"event {i}: {path}: {error.message}"
        if event.get("type_uid") != class_uid * 100 + event.get("activity_id", 0):
            yield f"event {i}: type_uid {event.get('type_uid')} is not class_uid * 100 + activity_id"


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: ocsf_validate.py FILE [VERSION]", file=sys.stderr)
        return 2
    version = sys.argv[2] if len(sys.argv) == 3 else "1.3.0"
    with open(sys.argv[1], encoding="utf-8") as f:
        events = json.load(f)
    if isinstance(events, dict):
        events = [events]
    found = list(problems(events, version))
    for line in found:
        print(line)
    print(f"{sys.argv[1]}: {len(events)} events, {len(found)} problems against OCSF {version}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
