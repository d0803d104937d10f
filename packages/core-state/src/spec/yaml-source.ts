/**
 * Parses YAML text with the `yaml` package and keeps a way back from JSON pointers to 1-based source lines.
 *
 * Dialect note: this is YAML 1.2 (core schema), not the original's hand-written reader. Differences a user can
 * notice: `1.5` is a float (the original kept a string), `0x10` is 16 and `1_000` a string (the original: a string
 * and 1000), and ` # ...` after a value is a comment (the original kept it as part of the value). JSON text
 * (starting with `{` or `[`) is valid YAML 1.2 and goes through the same parser. Duplicate keys are an error.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { pointerSegments } from "./issues.js";

export type YamlParseResult =
  | { ok: true; value: unknown; lineOf: (pointer: string) => number | undefined }
  | { ok: false; line: number | undefined; reason: string };

/** `lineOffset` shifts reported lines, for YAML embedded in a larger file (front matter starts on line 2). */
export function parseYamlSource(text: string, lineOffset = 0): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const [error] = doc.errors;
  if (error !== undefined) {
    const line = error.linePos?.[0]?.line;
    return { ok: false, line: line === undefined ? undefined : line + lineOffset, reason: firstLine(error.message) };
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + lineOffset;
  let value: unknown;
  try {
    // Alias expansion is bounded: a document that would explode ("billion laughs") throws here.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, line: undefined, reason: error instanceof Error ? error.message : String(error) };
  }
  const root = doc.contents;
  return {
    ok: true,
    value,
    lineOf: (pointer) => (root === null ? undefined : lineOfPointer(root, pointer, lineAt)),
  };
}

/**
 * Line of the node a pointer names. When the path stops early (a missing field), the line of the deepest node
 * that exists — the parent's key — so the user lands next to where the field belongs. Map entries report the
 * line of their key.
 */
function lineOfPointer(root: Node, pointer: string, lineAt: (offset: number) => number): number | undefined {
  let node: unknown = root;
  let line = root.range ? lineAt(root.range[0]) : undefined;
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === segment);
      if (pair === undefined) return line;
      const keyRange = (pair.key as Node | null)?.range;
      if (keyRange) line = lineAt(keyRange[0]);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item === undefined || !/^\d+$/.test(segment)) return line;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

function firstLine(message: string): string {
  const [head = message] = message.split("\n");
  return head.replace(/\s+at line \d+, column \d+:?\s*$/, "").trim();
}
