#!/usr/bin/env python3
"""Runs every cim command that prints a summary with --format json on a small generated city and validates
its output against Data/schemas/<command>.json (jsonschema, draft 2020-12). Also checks that --lang zh
leaves the JSON unchanged (machine keys stay English) while it does change the table headings.
Usage: json_schemas.py path/to/cim WORKDIR"""
import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

cim, work = sys.argv[1], Path(sys.argv[2])
schemas = Path(__file__).resolve().parents[2] / "Data" / "schemas"
store = str(work / "schema-city.gpkg")
failures = []


def run(*args, expect_json=True):
    """Runs cim with args; returns stdout (parsed JSON when expect_json)."""
    proc = subprocess.run([cim, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cim {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout) if expect_json else proc.stdout


def validate(command, document):
    schema = json.loads((schemas / f"{command}.json").read_text())
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    for e in errors[:5]:
        failures.append(f"{command}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    print(f"  {command:<11} {'ok' if not errors else f'{len(errors)} schema error(s)'}")


# A small city with every layer the commands need.
runs = {}
runs["generate"] = run("generate", "--buildings", "1500", "--seed", "5", store, "--format", "json")
second = str(work / "schema-import.gpkg")
runs["import"] = run("import", second, "buildings", store, "--source-layer", "buildings", "--format", "json")
runs["info"] = run("info", store, "--format", "json")
runs["query"] = run("query", store, "facilities", "--format", "json")
runs["coverage"] = run("coverage", store, "--format", "json")
category = runs["coverage"]["categories"][0]["category"]
runs["isochrones"] = run("isochrones", store, "--category", category, "--minutes", "5", "--format", "json")
runs["gaps"] = run("gaps", store, "--format", "json")
runs["audit"] = run("audit", store, "--format", "json")
runs["check"] = run("check", store, "--year", "2025", "--format", "json")
runs["checks"] = run("checks", store, "--format", "json")
runs["plan"] = run("plan", store, "--category", category, "--add", "2", "--format", "json")
building = run("query", store, "buildings", "--format", "json")["features"][0]
building_id = next(str(v) for k, v in building.items() if k == "id")
runs["explain"] = run("explain", store, building_id, "--format", "json")
cities = work / "schema-cities.json"
cities.write_text(json.dumps({"target": str(work / "schema-batch"), "year": 2025,
                              "cities": [{"name": "schema_city", "source": store}]}))
runs["batch"] = run("batch", str(cities), "--format", "json")
runs["bench"] = run("bench", "--buildings", "1000", "--stages", "generate,coverage", "--work", str(work / "bench"), "--format", "json")

print("== schemas")
for command, document in runs.items():
    validate(command, document)

# The schemas can fail: a number turned into text, or a key with "%" in it, is refused.
print("== schemas refuse wrong documents")
for command, document in runs.items():
    schema = json.loads((schemas / f"{command}.json").read_text())
    broken = json.loads(json.dumps(document))
    rows = [r for v in broken.values() if isinstance(v, list) for r in v if isinstance(r, dict)] or [broken]
    key = next((k for r in rows for k, v in r.items() if isinstance(v, (int, float)) and not isinstance(v, bool)), None)
    if key is None:
        continue
    row = next(r for r in rows if isinstance(r.get(key), (int, float)))
    row[key] = str(row[key])
    row["share_%"] = 1
    if Draft202012Validator(schema).is_valid(broken):
        failures.append(f"{command}: the schema accepts a number as text ({key}) and a key with '%'")

# Every command has a schema, and every schema a run.
missing = sorted({p.stem for p in schemas.glob("*.json")} ^ set(runs))
if missing:
    failures.append(f"schemas without a run or runs without a schema: {missing}")

print("== --lang zh keeps JSON keys and changes table headings")
for args in (["coverage", store], ["audit", store], ["info", store]):
    english = run(*args, "--format", "json")
    chinese = run(*args, "--format", "json", "--lang", "zh")
    if english.keys() != chinese.keys() or any(
            [sorted(r) for r in english[k]] != [sorted(r) for r in chinese[k]] for k in english):
        failures.append(f"{args[0]}: --lang zh changed the JSON keys")
    table_en = run(*args, expect_json=False)
    table_zh = run(*args, "--lang", "zh", expect_json=False)
    cjk = lambda text: {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}
    if not cjk(table_zh) - cjk(table_en):
        failures.append(f"{args[0]}: --lang zh did not translate the table")
    csv_zh = run(*args, "--format", "csv", "--lang", "zh", expect_json=False)
    if run(*args, "--format", "csv", expect_json=False) == csv_zh:
        failures.append(f"{args[0]}: --lang zh did not translate the CSV headers")
    print(f"  {args[0]:<11} ok" if not any(f.startswith(args[0] + ":") and "--lang" in f for f in failures) else f"  {args[0]:<11} FAILED")

for f in failures:
    print("FAIL", f)
print(f"json schemas: {len(runs)} commands, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
