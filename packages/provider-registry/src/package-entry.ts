/**
 * Finds the module file a plugin package exposes, the way Node would for `import("<package>")`: the `"."` entry of
 * package.json `exports` under a set of active conditions, else `main`, else `index.js`. We resolve by hand because
 * we import by file path (the package is not a dependency of whoever runs discovery) and Node has no public
 * "resolve from this folder with these conditions" API.
 */
import { statSync } from "node:fs";
import path from "node:path";

/** The conditions Node itself applies to `import()`. */
export const DEFAULT_CONDITIONS: readonly string[] = ["node", "import", "default"];

/**
 * Extra conditions this process runs with (`node --conditions=source`, `-C source`, also via NODE_OPTIONS), so a
 * dev run from TypeScript sources picks the same plugin entries as its own imports do.
 */
export function processConditions(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? "",
): string[] {
  const args = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (inline) found.push(inline[1]!);
    else if ((arg === "--conditions" || arg === "-C") && args[i + 1] !== undefined) found.push(args[++i]!);
  }
  return found;
}

export type EntryResolution = { ok: true; file: string; via: string } | { ok: false; reason: string };

function pickTarget(target: unknown, conditions: ReadonlySet<string>): string | null {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickTarget(item, conditions);
      if (picked !== null) return picked;
    }
    return null;
  }
  if (typeof target === "object" && target !== null) {
    // Object key order is the priority order, as in Node.
    for (const [key, value] of Object.entries(target)) {
      if (key !== "default" && !conditions.has(key)) continue;
      const picked = pickTarget(value, conditions);
      if (picked !== null) return picked;
    }
  }
  return null;
}

/** The `"."` target of an `exports` field: a string, an array, a conditions object, or a subpath map. */
function rootExport(exportsField: unknown): unknown {
  if (typeof exportsField !== "object" || exportsField === null || Array.isArray(exportsField)) return exportsField;
  const keys = Object.keys(exportsField);
  const isSubpathMap = keys.some((key) => key.startsWith("."));
  return isSubpathMap ? (exportsField as Record<string, unknown>)["."] : exportsField;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Resolves the import entry of the package in `packageDir` whose parsed package.json is `packageJson`. */
export function resolvePackageEntry(
  packageDir: string,
  packageJson: Record<string, unknown>,
  conditions: Iterable<string> = DEFAULT_CONDITIONS,
): EntryResolution {
  const active = new Set(conditions);
  if (packageJson.exports !== undefined) {
    const target = pickTarget(rootExport(packageJson.exports), active);
    const shown = [...active].join(", ");
    if (target === null) {
      return { ok: false, reason: `package.json "exports" has no "." entry for the conditions ${shown}` };
    }
    if (!target.startsWith("./")) {
      return { ok: false, reason: `package.json "exports" target ${JSON.stringify(target)} must start with "./"` };
    }
    const file = path.resolve(packageDir, target);
    if (!file.startsWith(path.resolve(packageDir) + path.sep)) {
      return { ok: false, reason: `package.json "exports" target ${JSON.stringify(target)} leaves the package folder` };
    }
    if (!isFile(file)) {
      return {
        ok: false,
        reason: `the "exports" entry ${target} (conditions ${shown}) does not exist; is the package built?`,
      };
    }
    return { ok: true, file, via: `exports ${target}` };
  }
  if (typeof packageJson.main === "string" && packageJson.main !== "") {
    const base = path.resolve(packageDir, packageJson.main);
    for (const file of [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, path.join(base, "index.js")]) {
      if (isFile(file)) return { ok: true, file, via: `main ${packageJson.main}` };
    }
    return { ok: false, reason: `the "main" entry ${packageJson.main} does not exist; is the package built?` };
  }
  const fallback = path.join(packageDir, "index.js");
  if (isFile(fallback)) return { ok: true, file: fallback, via: "index.js" };
  return { ok: false, reason: 'package.json has neither "exports" nor "main", and there is no index.js' };
}
