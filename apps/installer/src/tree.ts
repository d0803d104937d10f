/**
 * The runtime the installer installs is its own dependency tree: the node_modules folder npx filled for it, which
 * holds the exact `@team-agent/cli` it pins and everything that brings. Here: finding that folder, naming its
 * content (a short hash of every package's name, version and place), and copying it without the network.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { InstallerError } from "./envelope.js";

export interface RuntimeTree {
  /** The node_modules folder to copy. */
  nodeModules: string;
  cliVersion: string;
}

const CLI_MANIFEST = join("@team-agent", "cli", "package.json");

/**
 * The node_modules folder holding the `@team-agent/cli` this module resolves. Node resolves it to its real path (a
 * workspace link in a checkout), so the folder is found by Node's own lookup order from this module, checking that
 * the entry there is the same package; a nested copy is lifted to the outermost node_modules, which holds the rest.
 */
export function locateRuntimeTree(moduleUrl: string = import.meta.url): RuntimeTree {
  let resolved: string;
  try {
    resolved = realpathSync(createRequire(moduleUrl).resolve("@team-agent/cli/package.json"));
  } catch (error) {
    throw new InstallerError(
      "runtime_missing",
      `@team-agent/cli is not installed next to the installer (${(error as Error).message})`,
      "Run the installer through npx (`npx @team-agent/installer@latest install`) so npm brings its dependencies.",
    );
  }
  const cliVersion = (JSON.parse(readFileSync(resolved, "utf8")) as { version: string }).version;
  for (let dir = dirname(fileURLToPath(moduleUrl)); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", CLI_MANIFEST);
    if (existsSync(candidate) && realpathSync(candidate) === resolved) {
      return { nodeModules: outermostNodeModules(join(dir, "node_modules")), cliVersion };
    }
    if (dirname(dir) === dir) break;
  }
  throw new InstallerError(
    "runtime_missing",
    `cannot find the node_modules folder that holds ${resolved}`,
    "Run the installer through npx (`npx @team-agent/installer@latest install`).",
  );
}

function outermostNodeModules(path: string): string {
  const parts = path.split(sep);
  const first = parts.indexOf("node_modules");
  return parts.slice(0, first + 1).join(sep) || path;
}

/** Package folders in a node_modules folder (`name` and `@scope/name`), skipping npm's own files and caches. */
function packageDirs(nodeModules: string): string[] {
  let names: string[];
  try {
    names = readdirSync(nodeModules);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name.startsWith(".")) return [];
    const path = join(nodeModules, name);
    if (!name.startsWith("@")) return [path];
    try {
      return readdirSync(path)
        .filter((child) => !child.startsWith("."))
        .map((child) => join(path, child));
    } catch {
      return [];
    }
  });
}

export interface TreeFingerprint {
  /** How many packages the tree holds. */
  packages: number;
  /** 10 hex digits of sha256 over every `place=name@version`, sorted. */
  hash: string;
}

/** Names the tree's content: two trees with the same packages in the same places get the same hash. */
export function treeFingerprint(nodeModules: string): TreeFingerprint {
  const lines: string[] = [];
  const seen = new Set<string>();
  const visit = (folder: string) => {
    for (const dir of packageDirs(folder)) {
      let real: string;
      try {
        real = realpathSync(dir);
        const manifest = JSON.parse(readFileSync(join(real, "package.json"), "utf8")) as {
          name?: string;
          version?: string;
        };
        lines.push(`${relative(nodeModules, dir)}=${manifest.name ?? "?"}@${manifest.version ?? "?"}`);
      } catch {
        continue; // not a package (a stray folder or a dangling link)
      }
      if (seen.has(real)) continue; // a link cycle
      seen.add(real);
      visit(join(dir, "node_modules"));
    }
  };
  visit(nodeModules);
  lines.sort();
  return { packages: lines.length, hash: createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 10) };
}

export interface CopyStats {
  files: number;
  links: number;
}

/** Where a real folder being copied lands: links into it are re-created as links to the copy. */
interface CopyRoot {
  real: string;
  dest: string;
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}${sep}`);
}

/**
 * Copies `source` into `dest` (which must not exist). A symbolic link to somewhere inside what is being copied stays
 * a (relative) link, so `.bin` entries keep working; a link to anything outside is replaced by a copy of its target,
 * so the copy depends on nothing outside it (workspace links in a checkout). Caches (`node_modules/.cache`) are
 * left out; a dangling link is kept as it is.
 */
export function copyTree(source: string, dest: string): CopyStats {
  const stats: CopyStats = { files: 0, links: 0 };
  const roots: CopyRoot[] = [{ real: realpathSync(source), dest }];
  const copyDir = (from: string, to: string) => {
    mkdirSync(to, { mode: statSync(from).mode & 0o7777 });
    const insideNodeModules = from.split(sep).pop() === "node_modules";
    for (const name of readdirSync(from)) {
      if (insideNodeModules && name === ".cache") continue;
      copyEntry(join(from, name), join(to, name));
    }
  };
  const copyEntry = (from: string, to: string) => {
    const info = lstatSync(from);
    if (info.isDirectory()) return copyDir(from, to);
    if (info.isFile()) {
      copyFileSync(from, to);
      stats.files++;
      return;
    }
    if (!info.isSymbolicLink()) return; // sockets, fifos: nothing a package needs
    let real: string;
    try {
      real = realpathSync(from);
    } catch {
      symlinkSync(readlinkSync(from), to);
      stats.links++;
      return;
    }
    const root = roots.filter((each) => within(real, each.real)).sort((a, b) => b.real.length - a.real.length)[0];
    if (root !== undefined) {
      symlinkSync(relative(dirname(to), join(root.dest, relative(root.real, real))), to);
      stats.links++;
      return;
    }
    if (statSync(real).isDirectory()) {
      roots.push({ real, dest: to });
      copyDir(real, to);
    } else {
      copyFileSync(real, to);
      stats.files++;
    }
  };
  copyDir(source, dest);
  return stats;
}
