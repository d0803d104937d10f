#!/usr/bin/env node
// Publishing checks publint cannot make: the manifest fields every published workspace must carry, bins that start
// with a shebang, internal dependency ranges that the current versions satisfy (`^x.y.z`, or an exact `x.y.z` pin
// such as the installer's), and a rehearsal of `changeset version` in a temp copy of the manifests proving that a
// release rewrites both range forms. Prints one line per problem; exit 1 when there is any.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { listWorkspaces, repoRoot } from "./workspaces.mjs";

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];
// A published package cannot depend at runtime on a workspace that is never published.
const RUNTIME_FIELDS = new Set(["dependencies", "peerDependencies", "optionalDependencies"]);
const SHEBANG = "#!/usr/bin/env node";
const PINNING_PACKAGE = "@team-agent/cli";

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

function parseVersion(text) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match ? match.slice(1).map(Number) : null;
}

/** npm's caret rule for release versions: the left-most non-zero part is fixed, the rest may only grow. */
function caretAllows(base, version) {
  const [major, minor, patch] = base;
  const [vMajor, vMinor, vPatch] = version;
  if (major > 0) return vMajor === major && (vMinor > minor || (vMinor === minor && vPatch >= patch));
  if (minor > 0) return vMajor === 0 && vMinor === minor && vPatch >= patch;
  return vMajor === 0 && vMinor === 0 && vPatch === patch;
}

/** `{form: "^" | "exact", version}` for the two range forms the workspace uses, else null. */
function parseRange(range) {
  const caret = range.startsWith("^");
  const version = parseVersion(caret ? range.slice(1) : range);
  return version ? { form: caret ? "^" : "exact", version } : null;
}

/** Every dependency of one workspace on another: `{from, field, name, range}`. */
function internalEdges(manifests) {
  const names = new Set(manifests.map((manifest) => manifest.name));
  return manifests.flatMap((manifest) =>
    DEPENDENCY_FIELDS.flatMap((field) =>
      Object.entries(manifest[field] ?? {})
        .filter(([name]) => names.has(name))
        .map(([name, range]) => ({ from: manifest.name, field, name, range })),
    ),
  );
}

function rangeProblems(manifests) {
  const byName = new Map(manifests.map((manifest) => [manifest.name, manifest]));
  const problems = [];
  for (const { from, field, name, range } of internalEdges(manifests)) {
    const target = byName.get(name);
    const where = `${from} ${field}.${name} "${range}"`;
    const parsed = parseRange(range);
    const current = parseVersion(target.version);
    if (parsed === null) problems.push(`${where}: use ^x.y.z, or an exact x.y.z pin`);
    else if (current === null) problems.push(`${where}: ${name} has version "${target.version}", not x.y.z`);
    else if (parsed.form === "exact" ? range !== target.version : !caretAllows(parsed.version, current)) {
      problems.push(`${where}: does not match the workspace's ${name}@${target.version}`);
    }
    if (RUNTIME_FIELDS.has(field) && target.private) problems.push(`${where}: ${name} is private, never published`);
  }
  return problems;
}

/** The file a bin runs: the built one when it exists, else its `src/*.ts` source (tsc keeps a leading shebang). */
function binSource(dir, target) {
  const built = join(dir, target);
  if (existsSync(built)) return built;
  const source = join(dir, target.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
  return existsSync(source) ? source : null;
}

function exportsProblems(exportsField) {
  const problems = [];
  for (const [subpath, target] of Object.entries(exportsField)) {
    if (subpath === "./package.json") continue;
    const targets = typeof target === "string" ? { default: target } : target;
    for (const condition of ["types", "default"]) {
      if (typeof target === "string" && condition === "types") continue;
      if (!targets[condition]?.startsWith("./dist/")) {
        problems.push(`exports["${subpath}"].${condition} should point into ./dist/`);
      }
    }
  }
  return problems;
}

function manifestProblems({ dir, manifest }, rootManifest) {
  const problems = [];
  const need = (ok, message) => {
    if (!ok) problems.push(message);
  };
  for (const field of ["name", "description", "license"]) need(typeof manifest[field] === "string", `no "${field}"`);
  need(parseVersion(manifest.version ?? "") !== null, `"version" should be x.y.z, got ${manifest.version}`);
  need(manifest.type === "module", `"type" should be "module"`);
  need(
    manifest.engines?.node === rootManifest.engines.node,
    `engines.node should be "${rootManifest.engines.node}" like the root, got ${manifest.engines?.node}`,
  );
  need(manifest.publishConfig?.access === "public", `publishConfig.access should be "public" (scoped packages)`);
  need(manifest.exports !== undefined || manifest.bin !== undefined, `neither "exports" nor "bin": nothing to use`);
  if (typeof manifest.exports === "object" && manifest.exports !== null) {
    problems.push(...exportsProblems(manifest.exports));
    const root = manifest.exports["."];
    if (typeof root === "object" && root !== null) {
      need(manifest.main === root.default, `"main" should equal exports["."].default (${root.default})`);
      need(manifest.types === root.types, `"types" should equal exports["."].types (${root.types})`);
    }
  }
  const files = manifest.files ?? [];
  need(files.includes("dist") && files.includes("README.md"), `"files" should list dist and README.md`);
  for (const entry of files.filter((each) => each !== "dist")) need(existsSync(join(dir, entry)), `files: no ${entry}`);
  for (const [command, target] of Object.entries(manifest.bin ?? {})) {
    if (!/^\.\/dist\/.+\.js$/.test(target)) {
      problems.push(`bin.${command} should point to a .js file in ./dist/, got ${target}`);
      continue;
    }
    const file = binSource(dir, target);
    if (file === null) problems.push(`bin.${command}: neither ${target} nor its src/*.ts source exists`);
    else if (!readFileSync(file, "utf8").startsWith(`${SHEBANG}\n`)) {
      problems.push(`bin.${command}: ${relative(dir, file)} should start with "${SHEBANG}"`);
    }
  }
  return problems.map((problem) => `${manifest.name}: ${problem}`);
}

/**
 * Runs `changeset version` on a temp copy of the manifests with a patch changeset for the CLI and one of its workspace
 * dependencies, plus a private package that pins the CLI exactly (as the installer does). Afterwards the CLI's range
 * on that dependency must be `^new`, the pin must be the CLI's new version, and every internal range must still
 * match in its original form.
 */
function rehearseRelease(workspaces) {
  const cli = workspaces.find((workspace) => workspace.manifest.name === PINNING_PACKAGE);
  if (cli === undefined) return [`rehearsal: no ${PINNING_PACKAGE} workspace`];
  const names = new Set(workspaces.map((workspace) => workspace.manifest.name));
  const dependency = Object.keys(cli.manifest.dependencies ?? {}).find((name) => names.has(name));
  if (dependency === undefined) return [`rehearsal: ${PINNING_PACKAGE} has no workspace dependency`];

  const scratch = mkdtempSync(join(tmpdir(), "ta-publishing-"));
  try {
    const copy = (from, to = from) => {
      mkdirSync(dirname(join(scratch, to)), { recursive: true });
      writeFileSync(join(scratch, to), readFileSync(join(repoRoot, from)));
    };
    copy("package.json");
    copy(".changeset/config.json");
    const manifestPaths = workspaces.map((workspace) => join(relative(repoRoot, workspace.dir), "package.json"));
    for (const path of manifestPaths) copy(path);
    // Next to the CLI so the same workspace glob picks it up.
    const pinPath = join(dirname(relative(repoRoot, cli.dir)), "publishing-rehearsal-pin", "package.json");
    const pin = { name: "publishing-rehearsal-pin", version: "0.0.0", private: true };
    mkdirSync(dirname(join(scratch, pinPath)), { recursive: true });
    writeFileSync(
      join(scratch, pinPath),
      JSON.stringify({ ...pin, dependencies: { [PINNING_PACKAGE]: cli.manifest.version } }),
    );
    writeFileSync(
      join(scratch, ".changeset", "publishing-rehearsal.md"),
      `---\n"${PINNING_PACKAGE}": patch\n"${dependency}": patch\n---\n\nRehearsal.\n`,
    );

    const changeset = spawnSync(join(repoRoot, "node_modules", ".bin", "changeset"), ["version"], {
      cwd: scratch,
      encoding: "utf8",
    });
    if (changeset.status !== 0) {
      return [`rehearsal: changeset version failed:\n${changeset.stdout}${changeset.stderr}`];
    }
    const after = [...manifestPaths, pinPath].map((path) => readJson(join(scratch, path)));
    const versionOf = (name) => after.find((manifest) => manifest.name === name).version;
    const cliAfter = after.find((manifest) => manifest.name === PINNING_PACKAGE);
    const pinAfter = after.find((manifest) => manifest.name === pin.name);
    const problems = [];
    const expectRange = (what, actual, expected) => {
      if (actual !== expected) problems.push(`rehearsal: ${what} became "${actual}", expected "${expected}"`);
    };
    expectRange(
      `${PINNING_PACKAGE} dependencies.${dependency}`,
      cliAfter.dependencies[dependency],
      `^${versionOf(dependency)}`,
    );
    expectRange(
      `the exact pin on ${PINNING_PACKAGE}`,
      pinAfter.dependencies[PINNING_PACKAGE],
      versionOf(PINNING_PACKAGE),
    );
    if (versionOf(PINNING_PACKAGE) === cli.manifest.version) problems.push("rehearsal: the CLI was not bumped");
    const formBefore = new Map(
      internalEdges(workspaces.map((workspace) => workspace.manifest)).map((edge) => [
        `${edge.from} ${edge.field}.${edge.name}`,
        parseRange(edge.range)?.form,
      ]),
    );
    for (const edge of internalEdges(after)) {
      const key = `${edge.from} ${edge.field}.${edge.name}`;
      const before = formBefore.get(key);
      if (before !== undefined && parseRange(edge.range)?.form !== before) {
        problems.push(`rehearsal: ${key} changed form to "${edge.range}"`);
      }
    }
    problems.push(...rangeProblems(after).map((problem) => `rehearsal: ${problem}`));
    return problems;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const workspaces = listWorkspaces();
const rootManifest = readJson(join(repoRoot, "package.json"));
const problems = [
  ...workspaces.filter((workspace) => !workspace.manifest.private).flatMap((w) => manifestProblems(w, rootManifest)),
  ...rangeProblems(workspaces.map((workspace) => workspace.manifest)),
  ...rehearseRelease(workspaces),
];
for (const problem of problems) console.error(`publishing: ${problem}`);
console.log(`publishing: ${workspaces.length} workspaces checked, ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
