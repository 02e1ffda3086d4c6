"""Validate every model-catalog document the Swift tests wrote against the upstream schema.

Usage: validate_documents.py SCHEMA DOCUMENT_DIR [MINIMUM_COUNT]

Uses the real `jsonschema` validator (Draft 2020-12). Exits non-zero when a document is
invalid, when the folder holds fewer documents than MINIMUM_COUNT (so a run that wrote
nothing cannot pass), or when the schema itself does not load.
"""

import json
import pathlib
import sys

import jsonschema


def main() -> int:
    schema_path = pathlib.Path(sys.argv[1])
    folder = pathlib.Path(sys.argv[2])
    minimum = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    documents = sorted(folder.glob("*.json"))
    failures = 0
    for path in documents:
        try:
            document = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            print(f"INVALID {path.name}: not JSON: {error}")
            failures += 1
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors:
            print(f"INVALID {path.name}: {'/'.join(map(str, error.path)) or '<root>'}: {error.message}")
        failures += 1 if errors else 0
    if len(documents) < minimum:
        print(f"schema check: only {len(documents)} documents in {folder}, expected at least {minimum}")
        return 1
    print(f"schema check: {len(documents) - failures} of {len(documents)} documents valid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
