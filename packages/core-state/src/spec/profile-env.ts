/**
 * Credential profiles `<team dir>/profiles/<name>.env` (real) and `<name>.example.env` (template). Values may be
 * secrets: callers may test them and compare them, but must never put them in messages, logs or events.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isSafeId } from "../ids.js";

export interface ProfileFile {
  name: string;
  path: string;
  /** True when only the template exists (no real credentials). */
  isExample: boolean;
  values: ReadonlyMap<string, string>;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** KEY=VALUE lines; blank and `#` lines skipped, `export ` allowed, one pair of matching outer quotes removed. */
export function parseEnvText(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("export ")) line = line.slice("export ".length).trimStart();
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    const key = line.slice(0, equals).trim();
    if (!ENV_KEY.test(key)) continue;
    values.set(key, unquote(line.slice(equals + 1).trim()));
  }
  return values;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}

export function profilePaths(teamDocDir: string, name: string): { real: string; example: string } {
  const dir = join(teamDocDir, "profiles");
  return { real: join(dir, `${name}.env`), example: join(dir, `${name}.example.env`) };
}

/** The real profile if present, else its template; undefined when neither exists or the name is not a safe id. */
export function findProfile(teamDocDir: string, name: string): ProfileFile | undefined {
  if (!isSafeId(name)) return undefined;
  const { real, example } = profilePaths(teamDocDir, name);
  for (const [path, isExample] of [
    [real, false],
    [example, true],
  ] as const) {
    if (existsSync(path)) return { name, path, isExample, values: parseEnvText(readFileSync(path, "utf8")) };
  }
  return undefined;
}

/** Non-empty value of the first key present, for "does the profile define MODEL" style checks. */
export function profileValue(profile: ProfileFile | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = profile?.values.get(key);
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
