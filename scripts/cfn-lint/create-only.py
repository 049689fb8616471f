"""Create-only properties of the resource types the update-safety test checks, read from cfn-lint's shipped schemas.

usage: create-only.py write <file.json> [Type...]   regenerate the file for its types plus any given
       create-only.py check <file.json>            exit 1 if the file differs from what the installed cfn-lint says
"""

import json
import os
import sys

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from cfnlint.version import __version__

REGION = "us-east-1"


def extract(types):
    return {
        "source": f"cfn-lint {__version__} resource schemas, {REGION}",
        "createOnlyProperties": {
            t: PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, t).schema.get("createOnlyProperties", [])
            for t in sorted(set(types))
        },
    }


def read(path):
    if not os.path.exists(path):
        return {"createOnlyProperties": {}}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) >= 2 and argv[0] == "write":
        types = [*read(argv[1])["createOnlyProperties"].keys(), *argv[2:]]
        with open(argv[1], "w", encoding="utf-8") as out:
            out.write(json.dumps(extract(types), indent=2) + "\n")
        return 0
    if len(argv) == 2 and argv[0] == "check":
        committed = read(argv[1])
        if extract(committed["createOnlyProperties"].keys()) != committed:
            print(
                f"{argv[1]} is stale for the installed cfn-lint {__version__}; regenerate it with "
                "`npm run cfn:create-only` and review the diff",
                file=sys.stderr,
            )
            return 1
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
