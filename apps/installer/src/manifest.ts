/**
 * The install manifest (`<data>/install-manifest.json`): everything install and add-provider wrote — files with the
 * hash of what was written, files they replaced with where the old copy is, folders they had to create, whole
 * folders that are theirs, links, and their edits to the user config — so that uninstall can undo exactly that.
 * The journal keeps the manifest's entries while a command runs and applies the recording rules.
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { InstallerError } from "./envelope.js";

const entrySchema = z.discriminatedUnion("kind", [
  /** A folder that did not exist; removed at uninstall when it is empty again. */
  z.object({ kind: z.literal("dir"), path: z.string() }),
  /** A folder whose whole content is ours (a runtime version, the providers prefix). */
  z.object({ kind: z.literal("tree"), path: z.string() }),
  /** A file that did not exist, with the hash of what we wrote. */
  z.object({ kind: z.literal("file"), path: z.string(), sha256: z.string() }),
  /** A file that existed: its earlier content is in `backup`. */
  z.object({ kind: z.literal("replaced"), path: z.string(), sha256: z.string(), backup: z.string() }),
  z.object({ kind: z.literal("symlink"), path: z.string(), target: z.string() }),
  /** Our `provider_paths` in the user config; `created` when the file did not exist, else `backup` holds it. */
  z.object({
    kind: z.literal("config"),
    path: z.string(),
    created: z.boolean(),
    backup: z.string().nullable(),
    provider_paths: z.array(z.string()),
  }),
]);

export type ManifestEntry = z.infer<typeof entrySchema>;
export type ConfigEntry = Extract<ManifestEntry, { kind: "config" }>;

const providerSchema = z.object({
  /** npm package name. */
  package: z.string(),
  /** Provider name from its `teamAgent` manifest. */
  provider: z.string(),
  /** What was passed to add-provider. */
  spec: z.string(),
  /** The installed package folder, as written to `provider_paths`. */
  path: z.string(),
});

export type InstalledProvider = z.infer<typeof providerSchema>;

export const manifestSchema = z.object({
  manifest_version: z.literal(1),
  installer_version: z.string(),
  cli_version: z.string(),
  /** The Node baked into the shim. */
  node: z.string(),
  runtime: z.object({
    root: z.string(),
    /** Folder name `current` points at. */
    active: z.string(),
    /** The one earlier version kept for rollback. */
    previous: z.string().nullable(),
  }),
  shim: z.string(),
  skill_dirs: z.array(z.string()),
  providers: z.array(providerSchema),
  entries: z.array(entrySchema),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function readManifest(file: string): Manifest | null {
  return readJsonFile(file, manifestSchema, {
    code: "manifest_invalid",
    what: "an install manifest",
    action: `Restore ${file} (uninstall needs it to know what to remove), or delete it and install again.`,
  });
}

/**
 * A JSON file checked against `schema`; null when it does not exist. Anything else wrong (unreadable, not JSON, the
 * wrong shape) is an InstallerError with `code` that names the file, the first problem and `action`.
 */
export function readJsonFile<T>(
  file: string,
  schema: z.ZodType<T>,
  problem: { code: string; what: string; action: string },
): T | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InstallerError(problem.code, `${file} is not JSON: ${(error as Error).message}`, problem.action);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join(".") || "(root)";
  throw new InstallerError(problem.code, `${file} is not ${problem.what}: ${where}: ${issue?.message}`, problem.action);
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

export function writeManifest(file: string, manifest: Manifest): void {
  writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

export function sha256File(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** The folders `mkdir -p dir` would create, outermost first. */
export function missingDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  return missing;
}

export type WriteOutcome = "created" | "updated" | "replaced" | "unchanged";

/** The manifest entries of one run, with the rules for recording what it writes. */
export class Journal {
  readonly entries: ManifestEntry[];

  constructor(entries: readonly ManifestEntry[] = []) {
    this.entries = entries.map((entry) => structuredClone(entry));
  }

  find(path: string): ManifestEntry | undefined {
    return this.entries.find((entry) => entry.path === path);
  }

  forget(path: string): void {
    const at = this.entries.findIndex((entry) => entry.path === path);
    if (at >= 0) this.entries.splice(at, 1);
  }

  /** `mkdir -p`, recording each folder it creates. */
  ensureDir(dir: string): string[] {
    const created = missingDirs(dir);
    mkdirSync(dir, { recursive: true });
    for (const path of created) this.recordDir(path);
    return created;
  }

  /**
   * Creates a folder that is wholly ours when it is missing (its missing parents are recorded as plain folders);
   * an existing one is left as it is.
   */
  ensureTree(dir: string): void {
    const created = missingDirs(dir);
    if (created.length === 0) return;
    mkdirSync(dir, { recursive: true });
    for (const path of created.slice(0, -1)) this.recordDir(path);
    this.recordTree(dir);
  }

  recordDir(path: string): void {
    if (!this.find(path)) this.entries.push({ kind: "dir", path });
  }

  recordTree(path: string): void {
    if (!this.find(path)) this.entries.push({ kind: "tree", path });
  }

  recordSymlink(path: string, target: string): void {
    const known = this.find(path);
    if (known?.kind === "symlink") known.target = target;
    else if (!known) this.entries.push({ kind: "symlink", path, target });
  }

  /**
   * Records that we wrote `path` (content hash `hash`), having first copied its earlier content to `backup`. A path
   * we already own only gets its new hash, and a backup of our own earlier content is ours to remove; a path we do
   * not own becomes `replaced` (restored from the backup at uninstall) or, when it is new, `file`.
   */
  recordWrite(path: string, hash: string, backup: string | null): void {
    const known = this.find(path);
    if (known?.kind === "file" || known?.kind === "replaced") {
      known.sha256 = hash;
      if (backup !== null) this.entries.push({ kind: "file", path: backup, sha256: sha256File(backup) ?? "" });
      return;
    }
    if (backup !== null) this.entries.push({ kind: "replaced", path, sha256: hash, backup });
    else this.entries.push({ kind: "file", path, sha256: hash });
  }

  /**
   * Writes `content` to `path` unless it is already there: a missing file is created (with its folders), our own
   * file is updated, someone else's is first copied to `<path>.backup-<stamp>`.
   */
  writeFile(path: string, content: string, options: { mode?: number; stamp: string }): WriteOutcome {
    const hash = sha256(content);
    const existing = sha256File(path);
    if (existing === hash) return "unchanged";
    if (existing === null) {
      this.ensureDir(dirname(path));
      writeFileAtomic(path, content, options.mode);
      this.recordWrite(path, hash, null);
      return "created";
    }
    const ours = this.find(path) !== undefined;
    const backup = ours ? null : `${path}.backup-${options.stamp}`;
    if (backup !== null) copyFileSync(path, backup);
    writeFileAtomic(path, content, options.mode);
    this.recordWrite(path, hash, backup);
    return ours ? "updated" : "replaced";
  }
}

/** `20260102T030405Z`: the suffix of backup names. */
export function fileStamp(date: Date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
