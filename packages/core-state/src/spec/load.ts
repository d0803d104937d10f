/**
 * Reads `team.spec.yaml` (or JSON) into a validated TeamSpec. Loading never writes anything.
 * Floats and inline `#` comments parse per YAML 1.2 (the `yaml` package), unlike the original's hand-written
 * reader; see `yaml-source.ts` for the differences.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ValidationError } from "../errors.js";
import { type DeprecationOutputs, reportDeprecatedOptIns } from "./deprecation.js";
import { isPlainObject } from "./guards.js";
import type { TeamSpec } from "./schema.js";
import { SPEC_INVALID, validateTeamSpec } from "./validate.js";
import { parseYamlSource } from "./yaml-source.js";

export interface ParseTeamSpecOptions extends DeprecationOutputs {
  /** Base for relative `system_prompt.file` paths; defaults to the directory of `file`. */
  specDir?: string;
}

export function loadTeamSpec(path: string, options: ParseTeamSpecOptions = {}): TeamSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const message = `Cannot read ${path}: ${describeFsError(error)}`;
    throw new ValidationError(message, [{ pointer: "", message, file: path }], {
      code: "spec_unreadable",
      action: `Check that ${path} exists and is a readable file, then rerun the command.`,
      cause: error,
    });
  }
  return parseTeamSpecText(text, path, options);
}

/** Parses spec text that came from `file` (used in messages and as the default base for prompt files). */
export function parseTeamSpecText(text: string, file: string, options: ParseTeamSpecOptions = {}): TeamSpec {
  const parsed = parseYamlSource(text);
  if (!parsed.ok) {
    const at = parsed.line === undefined ? "" : ` at line ${parsed.line}`;
    const message = `Invalid YAML in ${file}${at}: ${parsed.reason}`;
    throw new ValidationError(message, [{ pointer: "", message: parsed.reason, file, ...lineField(parsed.line) }], {
      code: "spec_invalid_yaml",
      action: `Fix the YAML syntax in ${file}${at}, then rerun the command.`,
    });
  }
  if (!isPlainObject(parsed.value)) {
    const message = `${file} must contain a YAML object`;
    throw new ValidationError(
      message,
      [{ pointer: "", message: "must be an object", file, ...lineField(parsed.lineOf("")) }],
      {
        code: SPEC_INVALID,
        action: `Make the top level of ${file} a map with version, team, leader, agents, ... and rerun the command.`,
      },
    );
  }
  const spec = validateTeamSpec(parsed.value, {
    file,
    specDir: options.specDir ?? dirname(resolve(file)),
    lineOf: parsed.lineOf,
  });
  reportDeprecatedOptIns(spec, options);
  return spec;
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

const FS_ERROR_WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
};

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FS_ERROR_WORDS[code] !== undefined) return `${FS_ERROR_WORDS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
