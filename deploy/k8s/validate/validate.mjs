// Checks rendered Kubernetes manifests against the API's schemas, offline. Run by
// scripts/k8s-validate.sh, which installs this folder's pinned packages next to a copy of this file:
//   node validate.mjs NAME=FILE.yaml [NAME=FILE.yaml ...]
//
// Two checks per object, because neither catches everything:
//  1. JSON schema (types, enums, required fields, formats): the validator that kubernetes-models
//     (Kubernetes' OpenAPI schemas) and @kubernetes-models/prometheus-operator (the operator's CRD
//     schemas) compile for each kind.
//  2. Unknown fields: those schemas allow any extra property, as the API's OpenAPI does, so a
//     misspelled `readinesProbe` would pass and be dropped by the API server. Each object is also
//     type-checked by TypeScript against the same packages' interfaces, whose excess-property
//     check rejects a field the kind does not have, at any depth (like kubeconform -strict).
// An object of a kind with no schema here is an error, never skipped. Exit code 0 when every object
// passes, 1 otherwise; each problem is printed as `NAME: Kind/name: path: message`.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));

// Where the model (schema and interface) of an apiVersion's group lives. The core group ("v1")
// is the folder v1; the others are named after the group. Add a package here for other CRDs.
function modelModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") {
    return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  }
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

const problems = [];
const objects = [];

for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf("=");
  const [name, file] = at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, arg];
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      problems.push(`${name}: document ${index + 1}: YAML: ${doc.errors[0].message.split("\n")[0]}`);
      return;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) {
      return; // an empty document, e.g. after a trailing `---`
    }
    objects.push({ name, object });
  });
}

function label({ name, object }) {
  return `${name}: ${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
}

// 1. JSON schema, and which objects have a model at all.
const typed = [];
for (const entry of objects) {
  const { object } = entry;
  if (typeof object !== "object" || Array.isArray(object) || typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problems.push(`${label(entry)}: not a Kubernetes object (apiVersion and kind are required)`);
    continue;
  }
  if (typeof object.metadata?.name !== "string" || object.metadata.name === "") {
    problems.push(`${label(entry)}: metadata.name is required`);
  }
  const module = modelModule(object.apiVersion, object.kind);
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" && error?.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      throw error;
    }
  }
  if (typeof Model !== "function") {
    problems.push(`${label(entry)}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    for (const detail of error.errors ?? [{ instancePath: "", message: error.message }]) {
      const where = detail.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(object)";
      const allowed = detail.params?.allowedValues ? ` (${detail.params.allowedValues.join(", ")})` : "";
      problems.push(`${label(entry)}: ${where}: ${detail.message}${allowed}`);
    }
  }
  typed.push({ ...entry, module });
}

// 2. Unknown fields: one TypeScript file, each object a constant of its kind's interface, written
// line by line so a diagnostic's line gives back the object and the field's path.
const lines = [];
const lineInfo = []; // per line: { entry, path }
function emit(text, entry, where) {
  lines.push(text);
  lineInfo.push({ entry, where });
}
function write(value, indent, prefix, entry, where, suffix) {
  const pad = "  ".repeat(indent);
  if (Array.isArray(value)) {
    emit(`${pad}${prefix}[`, entry, where);
    value.forEach((item, i) => write(item, indent + 1, "", entry, `${where}[${i}]`, i < value.length - 1 ? "," : ""));
    emit(`${pad}]${suffix}`, entry, where);
  } else if (value !== null && typeof value === "object") {
    emit(`${pad}${prefix}{`, entry, where);
    const keys = Object.keys(value);
    keys.forEach((key, i) => {
      const child = where === "" ? key : `${where}.${key}`;
      write(value[key], indent + 1, `${JSON.stringify(key)}: `, entry, child, i < keys.length - 1 ? "," : "");
    });
    emit(`${pad}}${suffix}`, entry, where);
  } else {
    emit(`${pad}${prefix}${JSON.stringify(value)}${suffix}`, entry, where);
  }
}
typed.forEach((entry, i) => {
  emit(`import type { I${entry.object.kind} as T${i} } from ${JSON.stringify(entry.module)};`, entry, "");
  write(entry.object, 0, `export const o${i}: T${i} = `, entry, "", ";");
});

const checkFile = path.join(here, "manifests.check.ts");
writeFileSync(checkFile, lines.join("\n") + "\n");
const program = ts.createProgram([checkFile], {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
});
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
  if (diagnostic.file?.fileName !== checkFile || diagnostic.start === undefined) {
    problems.push(`type check: ${message}`);
    continue;
  }
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const { entry, where } = lineInfo[line];
  problems.push(`${label(entry)}: ${where || "(object)"}: ${message}`);
}

const kinds = new Set(typed.map(({ object }) => `${object.apiVersion} ${object.kind}`));
if (problems.length > 0) {
  for (const problem of problems) {
    console.error(`  ${problem}`);
  }
  console.error(`${problems.length} problem(s) in ${objects.length} objects`);
  process.exit(1);
}
console.log(`${objects.length} objects valid (${kinds.size} kinds: ${[...kinds].sort().join(", ")})`);
