/**
 * How to start one of our own Node programs (the coordinator daemon, the fake agent CLI) as a child process so that
 * the child runs the same code as its parent: the compiled `.js` next to a compiled module, or the TypeScript source
 * through tsx next to a source module (tests and dev checkouts), never a stale build.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TeamRuntimeError } from "./errors.js";

export interface NodeEntry {
  /** Arguments for `process.execPath` before the program's own flags. */
  nodeArgs: string[];
  /** The file that runs. */
  file: string;
  mode: "built" | "source";
}

function tsxLoaderUrl(): string | null {
  try {
    return import.meta.resolve("tsx");
  } catch {
    try {
      const require = createRequire(import.meta.url);
      return pathToFileURL(join(require.resolve("tsx/package.json"), "..", "dist", "loader.mjs")).href;
    } catch {
      return null;
    }
  }
}

/** `…/pkg/src/cli/main.ts` → `…/pkg/dist/cli/main.js` (the build mirrors src/ into dist/). */
function builtTwin(sourceFile: string): string {
  const marker = `${sep}src${sep}`;
  const at = sourceFile.lastIndexOf(marker);
  const mirrored =
    at < 0 ? sourceFile : `${sourceFile.slice(0, at)}${sep}dist${sep}${sourceFile.slice(at + marker.length)}`;
  return mirrored.replace(/\.ts$/, ".js");
}

/**
 * The program `relativeStem` (e.g. `cli/main`, without extension) beside the module at `moduleUrl`.
 * Throws `node_entry_missing` when a source module has neither tsx nor a build to fall back on.
 */
export function resolveNodeEntry(moduleUrl: string, relativeStem: string): NodeEntry {
  const here = fileURLToPath(moduleUrl);
  const fromSource = here.endsWith(".ts");
  const file = join(dirname(here), `${relativeStem}${fromSource ? ".ts" : ".js"}`);
  if (!fromSource) return { nodeArgs: [file], file, mode: "built" };
  const loader = tsxLoaderUrl();
  // `source` makes our workspace packages resolve to their TypeScript too (their `exports` carry that condition).
  if (loader !== null) return { nodeArgs: ["--conditions=source", "--import", loader, file], file, mode: "source" };
  const built = builtTwin(file);
  if (existsSync(built)) return { nodeArgs: [built], file: built, mode: "built" };
  throw new TeamRuntimeError(
    "node_entry_missing",
    `Cannot run ${file}: running TypeScript needs tsx, and the build ${built} does not exist.`,
    "Run `npm run build`, or install tsx.",
  );
}
