"""Create-only properties of the resource types the update-safety test checks, read from cfn-lint's shipped schemas.

usage: create-only.py write <out.json> <Type>...   (re)generate the file for these types
       create-only.py check <file.json>            exit 1 if the file differs from what the installed cfn-lint says
"""

import json
import sys

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from cfnlint.version import __version__

REGION = "us-east-1"


def extract(types):
    return {
        "source": f"cfn-lint {__version__} resource schemas, {REGION}",
        "createOnlyProperties": {
            t: PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, t).schema.get("createOnlyProperties", [])
            for t in sorted(types)
        },
    }


def render(data):
    return json.dumps(data, indent=2) + "\n"


def main(argv):
    if len(argv) >= 3 and argv[0] == "write":
        with open(argv[1], "w", encoding="utf-8") as out:
            out.write(render(extract(argv[2:])))
        return 0
    if len(argv) == 2 and argv[0] == "check":
        with open(argv[1], encoding="utf-8") as f:
            committed = f.read()
        fresh = render(extract(json.loads(committed)["createOnlyProperties"].keys()))
        if fresh != committed:
            print(
                f"{argv[1]} is stale for the installed cfn-lint; regenerate it with "
                "`npm run cfn:create-only` and review the diff",
                file=sys.stderr,
            )
            return 1
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
