#!/usr/bin/env bash
# generate-client.sh — regenerate the .NET HTTP client (http-client/Generated) from the OpenAPI
# document client-api serves.
#
#   scripts/generate-client.sh           write http-client/openapi.json from client-api, then the client
#   scripts/generate-client.sh --check   regenerate the client from the checked-in document into a
#                                        temporary folder and fail if it differs from the committed one
#
# The document comes from an in-process client-api (the test OpenApiContractTests.
# TheCheckedInDocument_IsTheServedOne in write mode: it needs PostgreSQL's binaries, as the tests do);
# the test suite fails while the checked-in document is not the served one. The generator is Kiota,
# a pinned .NET tool installed into .tools/ on first use (from NuGet); it runs offline.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIOTA_VERSION=1.38.0
TOOLS=$ROOT/.tools/kiota-$KIOTA_VERSION
CHECK=0
case "${1:-}" in
--check) CHECK=1 ;;
"") ;;
-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "generate-client.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
esac
say() { printf '[generate-client] %s\n' "$*" >&2; }

if [[ ! -x "$TOOLS/kiota" ]]; then
    say "installing Kiota $KIOTA_VERSION into ${TOOLS#"$ROOT"/}"
    dotnet tool install --tool-path "$TOOLS" Microsoft.OpenApi.Kiota --version "$KIOTA_VERSION" >/dev/null
fi

if [[ $CHECK -eq 0 ]]; then
    say "writing http-client/openapi.json from an in-process client-api (builds the tests in Release)"
    dotnet build "$ROOT/tests/Metering.Tests.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
    METERING_UPDATE_OPENAPI=1 dotnet test "$ROOT/tests/Metering.Tests.csproj" -c Release --no-build -nologo \
        --filter "FullyQualifiedName~OpenApiContractTests.TheCheckedInDocument_IsTheServedOne" >/dev/null
fi

out=$ROOT/http-client/Generated
[[ $CHECK -eq 1 ]] && out=$(mktemp -d) && trap 'rm -rf "$out"' EXIT
say "generating the client with Kiota into ${out#"$ROOT"/}"
# Offline: no update check, no tutorial hints.
KIOTA_OFFLINE_ENABLED=true KIOTA_TUTORIAL_ENABLED=false "$TOOLS/kiota" generate \
    --language CSharp --openapi "$ROOT/http-client/openapi.json" --output "$out" \
    --class-name MeteringApiClient --namespace-name Metering.ApiClient.Generated \
    --exclude-backward-compatible --clean-output --log-level Error >/dev/null
# The lock file records where the document was read from: an absolute path that differs per clone.
sed -i -E 's#"descriptionLocation": "[^"]*"#"descriptionLocation": "../openapi.json"#' "$out/kiota-lock.json"

if [[ $CHECK -eq 1 ]]; then
    if ! diff -r -q "$ROOT/http-client/Generated" "$out" >&2; then
        say "http-client/Generated is not what Kiota makes of http-client/openapi.json: run scripts/generate-client.sh and commit"
        exit 1
    fi
    say "http-client/Generated is current"
else
    say "done: review and commit http-client/openapi.json and http-client/Generated"
fi
