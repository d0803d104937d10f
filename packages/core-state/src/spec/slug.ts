/**
 * The original's team slug: letters and digits (any script, like Python's `isalnum`), `-` and `_` are kept, every
 * other character becomes `-`, outer `-`/`_` are trimmed, and an empty result is `team`.
 */
export function slug(text: string): string {
  const mapped = Array.from(text, (char) => (/^[\p{L}\p{N}_-]$/u.test(char) ? char : "-")).join("");
  const trimmed = mapped.replace(/^[-_]+|[-_]+$/g, "");
  return trimmed === "" ? "team" : trimmed;
}
