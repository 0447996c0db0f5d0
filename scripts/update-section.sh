#!/usr/bin/env bash
# Replaces the section between <!-- BEGIN name --> and <!-- END name --> of a Markdown file with
# the contents of another file (appending the section if it is absent). Writes atomically.
# Usage: scripts/update-section.sh docs/RESULTS.md name content.md
set -euo pipefail
doc=$1; name=$2; content=$3
[ -f "$doc" ] || printf '# Results\n' > "$doc"
tmp="$doc.tmp.$$"
python3 - "$doc" "$name" "$content" "$tmp" <<'PY'
import sys, re
doc, name, content, tmp = sys.argv[1:]
text = open(doc, encoding="utf-8").read()
body = open(content, encoding="utf-8").read().rstrip("\n")
block = f"<!-- BEGIN {name} -->\n{body}\n<!-- END {name} -->"
pat = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
text = pat.sub(lambda m: block, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
open(tmp, "w", encoding="utf-8").write(text)
PY
mv "$tmp" "$doc"
