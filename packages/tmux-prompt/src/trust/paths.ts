/**
 * Does a path shown on a trust prompt name this team's workspace? The screen may show the path whole, shortened in
 * the middle (`…` or `...`), or cut at the pane's right edge. Both sides are compared after resolving symlinks, so
 * an alias of the workspace matches and a link to somewhere else does not.
 */
import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, posix } from "node:path";
import { codePointLength } from "../screen/lines.js";
import { cleanedLine } from "../screen/trust-path.js";

export type RealpathFn = (path: string) => string;

export interface PathMatchOptions {
  /** The whole screen line the path was shown on; needed for the right-edge rule. */
  line?: string;
  /** Pane width in columns; the right-edge rule applies only when it is known. */
  paneWidth?: number;
  /** Injected for tests; defaults to the native realpath. */
  realpath?: RealpathFn;
  home?: string;
}

export type PathMatch =
  | { matched: true; rule: "exact" | "ellipsis" | "right_edge_cut" }
  | { matched: false; reason: "no_path_shown" | "workspace_dir_mismatch" };

const ELLIPSIS_RE = /…|\.\.\./u;
const WRAPPING_QUOTES_RE = /^(["'`])(.*)\1$/u;

const defaultRealpath: RealpathFn = (path) => realpathSync.native(path);

/** `~` and `~/x` expanded; every other string unchanged. */
function expandHome(path: string, options: { home?: string }): string {
  if (path === "~") return options.home ?? homedir();
  return path.startsWith("~/") ? posix.join(options.home ?? homedir(), path.slice(2)) : path;
}

function stripTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/u, "");
  return trimmed === "" ? "/" : trimmed;
}

/** The path as written, `~` expanded and normalised, without a trailing slash (no symlinks resolved). */
function literalPath(path: string, options: { home?: string }): string {
  return stripTrailingSlashes(posix.normalize(expandHome(path, options)));
}

/**
 * A non-strict realpath: the longest prefix that exists is resolved through its symlinks, the rest is kept as
 * written. No trailing slash. Relative paths are refused by the caller (a screen never shows a relative workspace).
 */
export function canonicalPath(path: string, options: { realpath?: RealpathFn; home?: string } = {}): string {
  const realpath = options.realpath ?? defaultRealpath;
  const absolute = literalPath(path, options);
  const parts = absolute.split("/").filter((part) => part !== "");
  for (let keep = parts.length; keep >= 0; keep--) {
    const prefix = `/${parts.slice(0, keep).join("/")}`;
    let resolved: string;
    try {
      resolved = realpath(prefix);
    } catch {
      continue;
    }
    const rest = parts.slice(keep);
    return stripTrailingSlashes(rest.length === 0 ? resolved : posix.join(resolved, ...rest));
  }
  return absolute;
}

/**
 * A path whose last segment may be cut short (`/home/u/pro`): the directory part is resolved, the partial segment
 * is kept as text, so a sibling that happens to exist under the cut name is never followed.
 */
function canonicalPartial(path: string, options: { realpath?: RealpathFn; home?: string }): string {
  const expanded = expandHome(path, options);
  if (expanded.endsWith("/")) {
    const dir = canonicalPath(expanded, options);
    return dir === "/" ? "/" : `${dir}/`;
  }
  const dir = posix.dirname(expanded);
  const base = posix.basename(expanded);
  const canonicalDir = canonicalPath(dir, options);
  return canonicalDir === "/" ? `/${base}` : `${canonicalDir}/${base}`;
}

/** The shown path without wrapping quotes and surrounding space; `undefined` when nothing path-like is left. */
export function cleanShownPath(shown: string | undefined): string | undefined {
  if (shown === undefined) return undefined;
  let text = shown.trim();
  const quoted = WRAPPING_QUOTES_RE.exec(text);
  if (quoted) text = (quoted[2] ?? "").trim();
  if (!(text.startsWith("/") || text === "~" || text.startsWith("~/"))) return undefined;
  return text;
}

/**
 * Forms of the workspace a shown path may be compared with: resolved through symlinks, and as configured (a TUI
 * shows the directory it was started in, which may be a symlink alias).
 */
function workspaceForms(workspace: string, options: { realpath?: RealpathFn; home?: string }): string[] {
  const canonical = canonicalPath(workspace, options);
  const literal = literalPath(workspace, options);
  return canonical === literal ? [canonical] : [canonical, literal];
}

/** Decides whether `shown` (as printed on the prompt) names `workspace`. */
export function matchShownPath(
  shown: string | undefined,
  workspace: string,
  options: PathMatchOptions = {},
): PathMatch {
  const path = cleanShownPath(shown);
  if (path === undefined) return { matched: false, reason: "no_path_shown" };
  if (!isAbsolute(expandHome(workspace, options))) {
    return { matched: false, reason: "workspace_dir_mismatch" };
  }
  const forms = workspaceForms(workspace, options);

  const ellipsis = ELLIPSIS_RE.exec(path);
  if (ellipsis) {
    // Decided here: an elided path never falls through to the other rules.
    const head = path.slice(0, ellipsis.index);
    const tail = path.slice(ellipsis.index + ellipsis[0].length);
    if (tail === "" || head === "") return { matched: false, reason: "workspace_dir_mismatch" };
    const heads = new Set([canonicalPartial(head, options), expandHome(head, options)]);
    for (const form of forms) {
      for (const candidate of heads) {
        // The head and tail must not overlap: the ellipsis stands for at least nothing, never for less.
        if (form.startsWith(candidate) && form.endsWith(tail) && candidate.length + tail.length <= form.length) {
          return { matched: true, rule: "ellipsis" };
        }
      }
    }
    return { matched: false, reason: "workspace_dir_mismatch" };
  }

  const canonicalShown = canonicalPath(path, options);
  if (forms.includes(canonicalShown)) return { matched: true, rule: "exact" };
  if (forms.includes(literalPath(path, options))) return { matched: true, rule: "exact" };

  // Cut at the right edge: only when the width is known and the path really runs into the last columns.
  const width = options.paneWidth;
  if (width !== undefined && width > 0 && options.line !== undefined) {
    const line = cleanedLine(options.line);
    if (line.endsWith(path) && codePointLength(line) >= width - 1) {
      const prefixes = new Set([canonicalPartial(path, options), expandHome(path, options)]);
      for (const form of forms) {
        for (const prefix of prefixes) {
          if (form.startsWith(prefix)) return { matched: true, rule: "right_edge_cut" };
        }
      }
    }
  }
  return { matched: false, reason: "workspace_dir_mismatch" };
}
