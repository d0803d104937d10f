/**
 * The user config the CLI reads third-party provider plugins from (D5: "an explicit path in user config"):
 * `${XDG_CONFIG_HOME:-~/.config}/team-agent/config.json` = `{"provider_paths": ["/abs/plugin/folder", ...]}`.
 * Other keys in the file are kept as they are. add-provider adds paths; uninstall takes exactly those out again,
 * and puts the user's own file back byte for byte when nothing else changed in it.
 */
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { type ConfigEntry, type Journal, readJsonFile, sha256File, writeFileAtomic } from "./manifest.js";

const userConfigSchema = z.looseObject({ provider_paths: z.array(z.string()).optional() });

export type UserConfig = z.infer<typeof userConfigSchema>;

/** The config file's content; null when it does not exist. */
export function readUserConfig(file: string): UserConfig | null {
  return readJsonFile(file, userConfigSchema, {
    code: "config_invalid",
    what: "a Team Agent user config",
    action: `Fix ${file} (it must be a JSON object, with "provider_paths" a list of folders) and retry.`,
  });
}

const render = (config: UserConfig): string => `${JSON.stringify(config, null, 2)}\n`;

/**
 * Adds `providerPath` to the config's `provider_paths` (no-op when it is listed), recording the edit in the journal:
 * the first edit of a file the user already had keeps a copy of it. Returns whether the file changed.
 */
export function addProviderPath(file: string, providerPath: string, journal: Journal, stamp: string): boolean {
  const config = readUserConfig(file);
  const paths = config?.provider_paths ?? [];
  if (paths.includes(providerPath)) return false;
  const known = journal.find(file);
  let entry: ConfigEntry;
  if (known?.kind === "config") {
    entry = known;
  } else {
    const backup = config === null ? null : `${file}.backup-${stamp}`;
    if (backup !== null) copyFileSync(file, backup);
    else journal.ensureDir(dirname(file));
    entry = { kind: "config", path: file, created: config === null, backup, provider_paths: [] };
    journal.entries.push(entry);
  }
  writeFileAtomic(file, render({ ...config, provider_paths: [...paths, providerPath] }));
  if (!entry.provider_paths.includes(providerPath)) entry.provider_paths.push(providerPath);
  return true;
}

/** `config` without `ours` in provider_paths (the key dropped when nothing is left in it). */
function withoutPaths(config: UserConfig, ours: readonly string[]): UserConfig {
  const { provider_paths: paths, ...rest } = config;
  const kept = (paths ?? []).filter((path) => !ours.includes(path));
  return kept.length > 0 ? { ...rest, provider_paths: kept } : rest;
}

export type ConfigUndo = "restored" | "removed" | "edited" | "absent";

/**
 * Takes our provider paths out of the config: a file we created goes when nothing else is left in it; the user's
 * own file comes back from its copy when the rest of it is unchanged, else only our paths are removed.
 */
export function undoConfigEntry(entry: ConfigEntry, dryRun: boolean): ConfigUndo {
  const current = readUserConfig(entry.path);
  const backupConfig = entry.backup !== null && sha256File(entry.backup) !== null ? readUserConfig(entry.backup) : null;
  if (current === null) {
    if (!dryRun && entry.backup !== null) rmSync(entry.backup, { force: true });
    return "absent";
  }
  const remaining = withoutPaths(current, entry.provider_paths);
  if (entry.created && Object.keys(remaining).length === 0) {
    if (!dryRun) rmSync(entry.path);
    return "removed";
  }
  if (backupConfig !== null && isDeepStrictEqual(remaining, withoutPaths(backupConfig, []))) {
    if (!dryRun) renameSync(entry.backup as string, entry.path);
    return "restored";
  }
  if (!dryRun) {
    writeFileAtomic(entry.path, render(remaining));
    if (entry.backup !== null) rmSync(entry.backup, { force: true });
  }
  return "edited";
}
