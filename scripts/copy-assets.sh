#!/usr/bin/env bash
# Copies the front-end files the templates use from node_modules into static files.
# Users' offices and CI have no internet: nothing is ever loaded from a CDN.
set -euo pipefail
src=$1
dst=$2
rm -rf "$dst"
mkdir -p "$dst"/{bootstrap,bootstrap-icons/fonts,htmx,alpinejs,chartjs,pretendard/woff2}
cp "$src"/bootstrap/dist/css/bootstrap.min.css "$dst"/bootstrap/
cp "$src"/bootstrap/dist/js/bootstrap.bundle.min.js "$dst"/bootstrap/
cp "$src"/bootstrap-icons/font/bootstrap-icons.min.css "$dst"/bootstrap-icons/
cp "$src"/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$src"/bootstrap-icons/font/fonts/bootstrap-icons.woff "$dst"/bootstrap-icons/fonts/
cp "$src"/htmx.org/dist/htmx.min.js "$dst"/htmx/
cp "$src"/alpinejs/dist/cdn.min.js "$dst"/alpinejs/alpine.min.js
cp "$src"/chart.js/dist/chart.umd.min.js "$dst"/chartjs/
cp "$src"/pretendard/dist/web/variable/pretendardvariable.css "$dst"/pretendard/
cp "$src"/pretendard/dist/web/variable/woff2/PretendardVariable.woff2 "$dst"/pretendard/woff2/
for f in bootstrap/LICENSE bootstrap-icons/LICENSE htmx.org/LICENSE alpinejs/LICENSE.md chart.js/LICENSE.md pretendard/LICENSE; do
    [ -f "$src/$f" ] && cp "$src/$f" "$dst/$(dirname "$f" | tr / _)-$(basename "$f")" || true
done
