/** Helpers for the spec tests: fixture copies, line lookups, directory snapshots. */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../../src/errors.js";
import { thrownBy } from "../helpers/errors.js";
import type { TempDirs } from "../helpers/temp-dir.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/spec/", import.meta.url));
export const EXAMPLE_DIR = join(FIXTURES, "example");
export const EXAMPLE_SPEC = join(EXAMPLE_DIR, "team.spec.yaml");
export const TEAM_DOC_FIXTURE = join(FIXTURES, "team-doc");

export function exampleText(): string {
  return readFileSync(EXAMPLE_SPEC, "utf8");
}

/** Copies the example spec dir (spec + prompt files) into `dir`, optionally replacing the spec text. */
export function writeExampleSpec(dir: string, text = exampleText()): string {
  cpSync(EXAMPLE_DIR, dir, { recursive: true });
  const path = join(dir, "team.spec.yaml");
  writeFileSync(path, text);
  return path;
}

/** A workspace with the team doc fixture at `<ws>/.team/current`; returns both paths. */
export function makeTeamDocWorkspace(temp: TempDirs): { workspace: string; teamDir: string } {
  const workspace = temp.make("spec-ws-");
  const teamDir = join(workspace, ".team", "current");
  cpSync(TEAM_DOC_FIXTURE, teamDir, { recursive: true });
  return { workspace, teamDir };
}

/** 1-based line of the first line containing `needle` (so tests do not hard-code line numbers). */
export function lineContaining(text: string, needle: string, from = 1): number {
  const lines = text.split("\n");
  for (let index = from - 1; index < lines.length; index += 1) {
    if ((lines[index] as string).includes(needle)) return index + 1;
  }
  throw new Error(`no line contains ${JSON.stringify(needle)}`);
}

/** Every file and dir below `root` with size, mtime and mode, to prove an operation wrote nothing. */
export function snapshotTree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = statSync(path);
      entries[path] = `${stats.isDirectory() ? "d" : "f"} ${stats.size} ${stats.mtimeMs} ${stats.mode}`;
      if (stats.isDirectory()) walk(path);
    }
  };
  walk(root);
  return entries;
}

/** Runs `fn`, expecting a ValidationError, and returns it. */
export function catchValidation(fn: () => unknown): ValidationError {
  const error = thrownBy(fn, "a ValidationError");
  if (error instanceof ValidationError) return error;
  throw error;
}
