/**
 * Markdown front matter: a YAML map between a leading `---` line and the next `---` line.
 *
 * Rules (spec 01 §6): CRLF is normalised to LF first; no leading `---` line means no metadata and the whole text
 * is the body; a missing closing line is "unterminated"; a block that is not a map is rejected; the body is what
 * follows the closing line with leading newlines removed.
 * Two conscious fixes over the original: the closing marker must be a whole `---` line (the original stopped at
 * any `\n---`, e.g. inside `----`), and an empty block (`---\n---\n`) means empty metadata (the original reported
 * it as unterminated).
 */
import { ValidationError } from "../errors.js";
import { isPlainObject } from "./guards.js";
import { parseYamlSource } from "./yaml-source.js";

export interface FrontMatter {
  meta: Record<string, unknown>;
  body: string;
  /** 1-based line in the file of a front matter field (`/name`), when there is front matter. */
  lineOf: (pointer: string) => number | undefined;
}

const OPENING = "---\n";
const CLOSING_LINE = /^---[ \t]*$/m;

export function parseFrontMatter(text: string, path: string): FrontMatter {
  const normalized = text.replaceAll("\r\n", "\n");
  if (!normalized.startsWith(OPENING)) return { meta: {}, body: normalized, lineOf: () => undefined };
  const rest = normalized.slice(OPENING.length);
  const closing = CLOSING_LINE.exec(rest);
  if (closing === null) {
    throw frontMatterError(path, "unterminated front matter", "Close the front matter with a `---` line.");
  }
  const block = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length).replace(/^\n+/, "");
  // The block starts on line 2 of the file.
  const parsed = parseYamlSource(block, 1);
  if (!parsed.ok) {
    const at = parsed.line === undefined ? "" : ` at line ${parsed.line}`;
    throw frontMatterError(
      path,
      `invalid front matter YAML${at}: ${parsed.reason}`,
      "Fix the YAML between the `---` lines.",
      parsed.line,
    );
  }
  const value = parsed.value ?? {};
  if (!isPlainObject(value)) {
    throw frontMatterError(path, "front matter must be a YAML object", "Write the front matter as `key: value` lines.");
  }
  return { meta: value, body, lineOf: parsed.lineOf };
}

function frontMatterError(path: string, problem: string, action: string, line?: number): ValidationError {
  return new ValidationError(
    `${path}: ${problem}`,
    [{ pointer: "", message: problem, file: path, ...(line === undefined ? {} : { line }) }],
    {
      code: "front_matter_invalid",
      action: `${action} (${path})`,
    },
  );
}
