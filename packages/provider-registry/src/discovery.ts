/**
 * Finds provider plugin packages and loads them into a ProviderRegistry (D5). Three sources, in this order of
 * precedence (the first plugin to claim a name keeps it):
 *   1. built-ins: dependencies of the runtime's own package.json whose package.json has a `teamAgent` manifest;
 *   2. explicit paths from user config: plugin package folders or entry files;
 *   3. third-party packages named `team-agent-provider-*` / `@<scope>/team-agent-provider-*` in the node_modules
 *      folders from a start folder upwards (the nearest copy of a package wins, as in Node's own lookup).
 * One broken plugin never stops the others: its failure is recorded in `registry.problems`.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TeamRuntimeError } from "@team-agent/core-state";
import type { ProviderPlugin } from "./contract.js";
import { DEFAULT_CONDITIONS, processConditions, resolvePackageEntry } from "./package-entry.js";
import {
  namesOf,
  type ProviderOrigin,
  type ProviderProblem,
  ProviderRegistry,
  type ProviderSource,
} from "./registry.js";
import {
  checkProviderManifest,
  checkProviderPlugin,
  MANIFEST_INVALID_ACTION,
  type ProviderManifest,
} from "./schema.js";

export const THIRD_PARTY_PREFIX = "team-agent-provider-";

export interface DiscoverProvidersOptions {
  /** The installed runtime's package.json (path or file: URL); its dependencies with a manifest are the built-ins. */
  runtimePackageJson?: string | URL | null;
  /** Folder the upward node_modules search starts from (default `process.cwd()`); null turns the search off. */
  searchFrom?: string | null;
  /** Explicit plugin package folders or entry files, from user config. */
  paths?: readonly string[];
  /** Base folder for relative `paths` (default `process.cwd()`). */
  baseDir?: string;
  /**
   * Extra package.json `exports` conditions, e.g. `["source"]` to load TypeScript sources in a dev checkout. The
   * defaults (`node`, `import`, `default`) and this process's own `--conditions` always apply.
   */
  conditions?: readonly string[];
  /** Also apply this process's own `--conditions` (default true). */
  inheritProcessConditions?: boolean;
}

/** A plugin found on disk, not yet imported. */
export interface ProviderCandidate {
  origin: Exclude<ProviderOrigin, "inline">;
  /** Package folder (symlinks resolved); null for an entry file outside any manifest-bearing package. */
  packageDir: string | null;
  /** Set for an explicit entry file: imported as is instead of resolving the package's exports. */
  entryFile: string | null;
  /** Package name when known, else the path: how messages name this candidate. */
  label: string;
}

export interface CandidateSearch {
  candidates: ProviderCandidate[];
  problems: ProviderProblem[];
}

type Json = Record<string, unknown>;

function problem(
  label: string,
  origin: ProviderOrigin,
  providerNames: readonly string[],
  code: string,
  message: string,
  action: string,
  cause?: unknown,
): ProviderProblem {
  return {
    package: label,
    origin,
    providerNames,
    error: new TeamRuntimeError(code, `${label}: ${message}`, action, cause === undefined ? {} : { cause }),
  };
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function realpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function readJson(file: string): { ok: true; value: Json } | { ok: false; reason: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, reason: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, reason: `${file} is not a JSON object` };
    }
    return { ok: true, value: value as Json };
  } catch (error) {
    return { ok: false, reason: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}

/** Names a package.json manifest claims, even a malformed one (for `get()` of a broken plugin). */
function manifestNames(packageJson: Json | null): string[] {
  const manifest = packageJson?.teamAgent as { provider?: unknown; aliases?: unknown } | undefined;
  return typeof manifest === "object" && manifest !== null
    ? namesOf({ name: manifest.provider, aliases: manifest.aliases })
    : [];
}

/** The folders Node would look in for `node_modules/<name>`, from `dir` upwards. */
function nodeModulesDirs(dir: string): string[] {
  const dirs: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    if (path.basename(current) !== "node_modules") dirs.push(path.join(current, "node_modules"));
    const parent = path.dirname(current);
    if (parent === current) return dirs;
    current = parent;
  }
}

function findInstalledPackage(name: string, fromDir: string): string | null {
  for (const nodeModules of nodeModulesDirs(fromDir)) {
    const dir = path.join(nodeModules, ...name.split("/"));
    if (isDir(dir)) return realpath(dir);
  }
  return null;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** `team-agent-provider-x` and `@scope/team-agent-provider-x`. */
export function isThirdPartyPluginName(name: string): boolean {
  const bare = name.startsWith("@") ? name.split("/")[1] : name;
  return (bare?.startsWith(THIRD_PARTY_PREFIX) ?? false) && bare!.length > THIRD_PARTY_PREFIX.length;
}

function builtinCandidates(runtimePackageJson: string | URL, found: CandidateSearch): void {
  const file =
    runtimePackageJson instanceof URL || runtimePackageJson.startsWith("file:")
      ? fileURLToPath(runtimePackageJson)
      : path.resolve(runtimePackageJson);
  const runtime = readJson(file);
  if (!runtime.ok) {
    found.problems.push(
      problem(
        file,
        "builtin",
        [],
        "provider_runtime_unreadable",
        runtime.reason,
        "Reinstall Team Agent; its package.json must be readable.",
      ),
    );
    return;
  }
  const deps = {
    ...(runtime.value.optionalDependencies as Json | undefined),
    ...(runtime.value.dependencies as Json | undefined),
  };
  for (const name of Object.keys(deps).sort()) {
    const dir = findInstalledPackage(name, path.dirname(file));
    if (dir === null) continue; // not installed (optional); nothing claims a name from it
    const packageJson = readJson(path.join(dir, "package.json"));
    if (packageJson.ok && packageJson.value.teamAgent !== undefined) {
      found.candidates.push({ origin: "builtin", packageDir: dir, entryFile: null, label: name });
    }
  }
}

function nodeModulesCandidates(searchFrom: string, found: CandidateSearch): void {
  const seen = new Set<string>();
  for (const nodeModules of nodeModulesDirs(searchFrom)) {
    const names: string[] = [];
    for (const entry of listDir(nodeModules)) {
      if (entry.startsWith("@")) {
        for (const scoped of listDir(path.join(nodeModules, entry))) names.push(`${entry}/${scoped}`);
      } else names.push(entry);
    }
    for (const name of names) {
      if (!isThirdPartyPluginName(name) || seen.has(name)) continue;
      seen.add(name); // nearer node_modules shadow farther ones
      const dir = realpath(path.join(nodeModules, ...name.split("/")));
      found.candidates.push({ origin: "node_modules", packageDir: dir, entryFile: null, label: name });
    }
  }
}

/** The nearest package.json above `file` that carries a `teamAgent` manifest, if any. */
function manifestPackageAbove(file: string): string | null {
  let current = path.dirname(file);
  for (;;) {
    const packageJson = readJson(path.join(current, "package.json"));
    if (packageJson.ok) return packageJson.value.teamAgent === undefined ? null : current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function explicitCandidates(paths: readonly string[], baseDir: string, found: CandidateSearch): void {
  for (const given of paths) {
    const target = path.resolve(baseDir, given);
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(target);
    } catch {
      found.problems.push(
        problem(
          given,
          "explicit",
          [],
          "provider_path_missing",
          `plugin path ${target} does not exist`,
          "Fix or remove the path in the explicit plugin paths of your Team Agent config.",
        ),
      );
      continue;
    }
    if (stats.isDirectory()) {
      found.candidates.push({ origin: "explicit", packageDir: realpath(target), entryFile: null, label: given });
    } else {
      const entryFile = realpath(target);
      const dir = manifestPackageAbove(entryFile);
      found.candidates.push({ origin: "explicit", packageDir: dir, entryFile, label: given });
    }
  }
}

/** Finds plugin candidates without importing anything (cheap; `team-agent doctor` can list them). */
export function findProviderCandidates(options: DiscoverProvidersOptions = {}): CandidateSearch {
  const found: CandidateSearch = { candidates: [], problems: [] };
  if (options.runtimePackageJson) builtinCandidates(options.runtimePackageJson, found);
  if (options.paths?.length) explicitCandidates(options.paths, options.baseDir ?? process.cwd(), found);
  const searchFrom = options.searchFrom === undefined ? process.cwd() : options.searchFrom;
  if (searchFrom !== null) nodeModulesCandidates(searchFrom, found);
  // The same folder reached twice (a built-in also listed explicitly, a symlinked workspace) loads once.
  const seen = new Set<string>();
  found.candidates = found.candidates.filter((candidate) => {
    const key = candidate.entryFile ?? candidate.packageDir ?? candidate.label;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return found;
}

export type LoadedCandidate =
  | { ok: true; plugin: ProviderPlugin; source: ProviderSource }
  | { ok: false; problem: ProviderProblem };

/** Imports one candidate and checks its manifest and default export; never throws. */
export async function loadProviderCandidate(
  candidate: ProviderCandidate,
  conditions: Iterable<string> = DEFAULT_CONDITIONS,
): Promise<LoadedCandidate> {
  const { origin } = candidate;
  let label = candidate.label;
  const reject = (
    providerNames: readonly string[],
    code: string,
    message: string,
    action: string,
    cause?: unknown,
  ): LoadedCandidate => ({ ok: false, problem: problem(label, origin, providerNames, code, message, action, cause) });
  let packageJson: Json | null = null;
  let identity: { name: string; version: string | null; manifest: ProviderManifest } | null = null;

  if (candidate.packageDir !== null) {
    const read = readJson(path.join(candidate.packageDir, "package.json"));
    if (!read.ok) {
      return reject(
        [],
        "provider_package_unreadable",
        read.reason,
        "Reinstall the plugin package, or fix the path that points to it.",
      );
    }
    packageJson = read.value;
    if (typeof packageJson.name === "string" && packageJson.name !== "") label = packageJson.name;
    if (packageJson.teamAgent === undefined) {
      return reject(
        [],
        "provider_manifest_missing",
        `package.json has no "teamAgent" manifest, so it is not a Team Agent provider plugin`,
        MANIFEST_INVALID_ACTION,
      );
    }
    const manifest = checkProviderManifest(packageJson, label);
    if (!manifest.ok) {
      const providerNames = manifestNames(packageJson);
      return { ok: false, problem: { package: label, origin, providerNames, error: manifest.error } };
    }
    identity = manifest.value;
  }
  const claimed = manifestNames(packageJson);

  let entry: string;
  if (candidate.entryFile !== null) entry = candidate.entryFile;
  else {
    const resolved = resolvePackageEntry(candidate.packageDir!, packageJson!, conditions);
    if (!resolved.ok) {
      return reject(
        claimed,
        "provider_entry_missing",
        resolved.reason,
        "Build or reinstall the plugin package so its package.json entry points to an existing module.",
      );
    }
    entry = resolved.file;
  }

  let loaded: unknown;
  try {
    const namespace = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    loaded = namespace.default;
  } catch (error) {
    return reject(
      claimed,
      "provider_import_failed",
      `importing ${entry} failed: ${(error as Error)?.message ?? String(error)}`,
      "Fix the error in the plugin module (run its tests), or uninstall the plugin.",
      error,
    );
  }
  const checked = checkProviderPlugin(loaded, label);
  if (!checked.ok) {
    return {
      ok: false,
      problem: { package: label, origin, providerNames: [...claimed, ...namesOf(loaded)], error: checked.error },
    };
  }
  const plugin = checked.value;
  if (identity !== null) {
    const mismatch = manifestMismatch(identity.manifest, plugin);
    if (mismatch !== null) {
      return reject(
        [...claimed, plugin.name],
        "provider_manifest_mismatch",
        mismatch,
        "Make package.json teamAgent.provider (and aliases, if listed) equal the plugin's name (and aliases).",
      );
    }
  }
  return {
    ok: true,
    plugin,
    source: {
      origin,
      packageName: identity?.name ?? null,
      packageVersion: identity?.version ?? null,
      packageDir: candidate.packageDir,
      entry,
    },
  };
}

function manifestMismatch(manifest: ProviderManifest, plugin: ProviderPlugin): string | null {
  if (manifest.provider !== plugin.name) {
    return `package.json teamAgent.provider is "${manifest.provider}" but the plugin's name is "${plugin.name}"`;
  }
  if (manifest.aliases !== undefined) {
    const listed = [...manifest.aliases].sort().join(", ");
    const actual = [...plugin.aliases].sort().join(", ");
    if (listed !== actual) {
      return `package.json teamAgent.aliases [${listed}] differ from the plugin's aliases [${actual}]`;
    }
  }
  return null;
}

/** Finds, imports and validates every plugin; returns a registry whose `problems` lists what failed. */
export async function discoverProviders(options: DiscoverProvidersOptions = {}): Promise<ProviderRegistry> {
  const inherited = options.inheritProcessConditions === false ? [] : processConditions();
  const conditions = new Set([...DEFAULT_CONDITIONS, ...inherited, ...(options.conditions ?? [])]);
  const found = findProviderCandidates(options);
  const registry = new ProviderRegistry();
  for (const item of found.problems) registry.addProblem(item);
  // Import in parallel, register in discovery order so precedence does not depend on timing.
  const loaded = await Promise.all(found.candidates.map((candidate) => loadProviderCandidate(candidate, conditions)));
  for (const result of loaded) {
    if (result.ok) registry.add(result.plugin, result.source);
    else registry.addProblem(result.problem);
  }
  return registry;
}
