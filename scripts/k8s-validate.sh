#!/usr/bin/env bash
# Renders every kustomization of deploy/k8s (base/ and each overlays/*/) and checks every object,
# and deploy/k8s/secret.example.yaml, against the schema of its kind, offline once its tools are
# cached. CI runs it. Exit code 0 when everything is valid; 1, with the object and field at fault,
# otherwise.
#
# Rendering: `kubectl kustomize` (kubectl's built-in kustomize, v5 or later: what `kubectl apply -k`
# uses), else a `kustomize` v5 on PATH, else kustomize v5.5.0 downloaded from its GitHub release
# into the cache and checked against the SHA-256 pinned below.
#
# Checking: deploy/k8s/validate/validate.mjs on Node.js 20 or later (kubernetes-models asks for 22
# in its package.json; it runs on 20, the version this project's machines have, and npm only
# warns), with the npm packages pinned by deploy/k8s/validate/package-lock.json (exact versions and
# sha512 hashes, verified by `npm ci`; no install scripts run), installed once into the cache.
# The schemas come from those packages: kubernetes-models (generated from the Kubernetes API's
# OpenAPI specification) and @kubernetes-models/prometheus-operator (the operator's CRDs:
# ServiceMonitor, PodMonitor). No kind is skipped: an object with no schema fails, and so does a
# field its kind does not have.
#
# Why not kubeconform: it and its schema files are downloaded from GitHub, which this project's CI
# machines cannot reach (they reach package registries only); the npm registry can be reached
# wherever `npm ci` works.
#
# Cache: .tools/k8s-validate (the repository's .gitignore keeps .tools/ out of git), or
# $K8S_VALIDATE_TOOLS.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly KUSTOMIZE_VERSION=5.5.0
say() { echo "==> $*" >&2; }
fail() { echo "k8s-validate: $*" >&2; exit 1; }
sha256() { if command -v sha256sum >/dev/null; then sha256sum | cut -d' ' -f1; else shasum -a 256 | cut -d' ' -f1; fi; }
major() { grep -o 'v[0-9][0-9]*' | head -1 | tr -d v; }

tools="${K8S_VALIDATE_TOOLS:-$PWD/.tools/k8s-validate}"
mkdir -p "$tools"

# --- the renderer -------------------------------------------------------------------------------
kustomize_sha256() {
    # SHA-256 of kustomize_v5.5.0_<os>_<arch>.tar.gz, from the release's checksums.txt.
    case "$1" in
        linux_amd64) echo 6703a3a70a0c47cf0b37694030b54f1175a9dfeb17b3818b623ed58b9dbc2a77 ;;
        linux_arm64) echo b4170d1acb8cfacace9f72884bef957ff56efdcd4813b66e7604aabc8b57e93d ;;
        darwin_amd64) echo 874224e75229821b1e571aefa45703789b77336302a34692eac65adbe0dc1cee ;;
        *) return 1 ;;
    esac
}

download_kustomize() {
    local os arch platform want archive url
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    case "$(uname -m)" in
        x86_64 | amd64) arch=amd64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) arch=$(uname -m) ;;
    esac
    platform="${os}_${arch}"
    want=$(kustomize_sha256 "$platform") \
        || fail "no kubectl or kustomize v5 found, and no pinned kustomize download for $platform: install kubectl (1.27 or later) or kustomize v5"
    archive="$tools/kustomize_v${KUSTOMIZE_VERSION}_${platform}.tar.gz"
    url="https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/kustomize_v${KUSTOMIZE_VERSION}_${platform}.tar.gz"
    say "downloading kustomize v$KUSTOMIZE_VERSION ($platform) from $url"
    curl -fsSL --retry 3 -o "$archive.part" "$url" \
        || { rm -f "$archive.part"; fail "could not download $url (no kubectl or kustomize v5 on PATH either)"; }
    local got
    got=$(sha256 < "$archive.part")
    [[ "$got" == "$want" ]] || { rm -f "$archive.part"; fail "kustomize archive SHA-256 is $got, expected $want: refusing to use it"; }
    mv "$archive.part" "$archive"
    tar -xzf "$archive" -C "$tools" kustomize
    mv "$tools/kustomize" "$tools/kustomize-$KUSTOMIZE_VERSION"
}

if command -v kubectl >/dev/null && [[ "$(kubectl version --client 2>/dev/null | grep -i '^kustomize version' | major)" -ge 5 ]]; then
    render=(kubectl kustomize)
    say "rendering with kubectl kustomize ($(kubectl version --client 2>/dev/null | grep -i '^kustomize version'))"
elif command -v kustomize >/dev/null && [[ "$(kustomize version 2>/dev/null | major)" -ge 5 ]]; then
    render=(kustomize build)
    say "rendering with kustomize build ($(kustomize version))"
else
    [[ -x "$tools/kustomize-$KUSTOMIZE_VERSION" ]] || download_kustomize
    render=("$tools/kustomize-$KUSTOMIZE_VERSION" build)
    say "rendering with $tools/kustomize-$KUSTOMIZE_VERSION build"
fi

# --- the checker --------------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null \
    || fail "Node.js 20 or later and npm are needed on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || fail "Node.js $(node --version) is too old: 20 or later is needed"

src=deploy/k8s/validate
want=$(cat "$src/package.json" "$src/package-lock.json" | sha256)
if [[ ! -d "$tools/node_modules" || "$(cat "$tools/installed.sha256" 2>/dev/null)" != "$want" ]]; then
    say "installing the schema packages into $tools (npm ci, pinned by $src/package-lock.json)"
    rm -f "$tools/installed.sha256"
    cp "$src/package.json" "$src/package-lock.json" "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) \
        || fail "npm ci failed in $tools (is the npm registry reachable?)"
    echo "$want" > "$tools/installed.sha256"
else
    say "schema packages already in $tools"
fi
# Next to its node_modules, so that Node.js and TypeScript resolve the packages from there.
cp "$src/validate.mjs" "$tools/validate.mjs"

# --- render -------------------------------------------------------------------------------------
# Every component must be in some overlay: a component is not rendered on its own, so one that no
# overlay includes would never be checked.
for component in deploy/k8s/components/*/; do
    component=${component%/}
    grep -qs "components/$(basename "$component")\$" deploy/k8s/overlays/*/kustomization.yaml \
        || fail "$component is included by no overlay, so nothing would check it"
done

targets=(deploy/k8s/base)
for overlay in deploy/k8s/overlays/*/; do
    targets+=("${overlay%/}")
done
rm -rf "$tools/rendered"
mkdir -p "$tools/rendered"
inputs=()
for dir in "${targets[@]}"; do
    name=${dir#deploy/k8s/}
    out="$tools/rendered/${name//\//-}.yaml"
    if ! "${render[@]}" "$dir" > "$out" 2> "$tools/render.log"; then
        cat "$tools/render.log" >&2
        fail "$dir does not render (above)"
    fi
    say "rendered $dir: $(grep -c '^kind:' "$out") objects"
    inputs+=("$name=$out")
done
inputs+=("secret.example.yaml=deploy/k8s/secret.example.yaml")

# --- check --------------------------------------------------------------------------------------
say "checking every object against the schema of its kind (unknown kinds and fields are errors)"
node "$tools/validate.mjs" "${inputs[@]}" || fail "the manifests above are invalid"
say "all Kubernetes manifests are valid"
