/**
 * The pinned real CLIs, installed on demand with npm into a cache folder this package owns (never part of the
 * root `npm ci`: together they are about 800 MB). The pins live in package.json `realCliPins`; changing one
 * installs the new version on the next run, and the tests then check the new CLI's screens for real.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PACKAGE_DIR = new URL("../..", import.meta.url).pathname;

export interface RealClis {
  /** The folder holding `codex` and `claude`. */
  binDir: string;
  codexVersion: string;
  claudeVersion: string;
  /** Where they were installed. */
  cacheDir: string;
  /** True when this run installed them (false: reused from the cache). */
  installed: boolean;
}

export type RealCliSetup = { ok: true; clis: RealClis } | { ok: false; reason: string };

export const CODEX_PACKAGE = "@openai/codex";
export const CLAUDE_PACKAGE = "@anthropic-ai/claude-code";

export function readPins(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as {
    realCliPins?: Record<string, string>;
  };
  const pins = manifest.realCliPins ?? {};
  for (const name of [CODEX_PACKAGE, CLAUDE_PACKAGE]) {
    if (!/^\d+\.\d+\.\d+$/.test(pins[name] ?? "")) {
      throw new Error(`package.json realCliPins must pin ${name} to an exact version (x.y.z), got ${pins[name]}`);
    }
  }
  return pins;
}

/** `$TEAM_AGENT_REAL_CLI_CACHE`, else `.cache/real-clis` in this package. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEAM_AGENT_REAL_CLI_CACHE || join(PACKAGE_DIR, ".cache", "real-clis");
}

/** The version each CLI prints, reduced to x.y.z ("codex-cli 0.169.0", "2.1.332 (Claude Code)"). */
function printedVersion(bin: string): string | null {
  try {
    const out = execFileSync(bin, ["--version"], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function versionsAt(binDir: string): { codex: string | null; claude: string | null } {
  return { codex: printedVersion(join(binDir, "codex")), claude: printedVersion(join(binDir, "claude")) };
}

/**
 * Installs (or reuses) the pinned CLIs. A failed npm install is a plain `{ok: false, reason}` (no registry, no
 * disk): the suite then skips and says why. A CLI that installs but reports another version than its pin is an
 * error, never a skip.
 */
export function ensureRealClis(log: (line: string) => void = () => {}): RealCliSetup {
  const pins = readPins();
  const codexPin = pins[CODEX_PACKAGE] as string;
  const claudePin = pins[CLAUDE_PACKAGE] as string;
  const dir = join(cacheRoot(), `codex-${codexPin}_claude-code-${claudePin}`);
  const binDir = join(dir, "node_modules", ".bin");
  const check = () => {
    const found = versionsAt(binDir);
    if (found.codex === codexPin && found.claude === claudePin) return true;
    if (found.codex !== null || found.claude !== null) {
      throw new Error(
        `the CLIs in ${dir} report codex ${found.codex}, claude ${found.claude}; the pins are ${codexPin} and ` +
          `${claudePin}. Remove ${dir} and run again.`,
      );
    }
    return false;
  };
  if (existsSync(binDir) && check()) {
    return {
      ok: true,
      clis: { binDir, codexVersion: codexPin, claudeVersion: claudePin, cacheDir: dir, installed: false },
    };
  }
  // Install into a staging folder and rename it into place, so an interrupted install never looks complete.
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "package.json"), `${JSON.stringify({ name: "real-clis", private: true }, null, 2)}\n`);
  const specs = [`${CODEX_PACKAGE}@${codexPin}`, `${CLAUDE_PACKAGE}@${claudePin}`];
  log(`installing ${specs.join(" and ")} into ${dir} (about 800 MB, once per version)`);
  const started = Date.now();
  try {
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", ...specs], {
      cwd: staging,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15 * 60_000,
      encoding: "utf8",
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim().split("\n").slice(-5).join(" | ");
    return { ok: false, reason: `npm install ${specs.join(" ")} failed: ${stderr || String(error)}` };
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!check()) throw new Error(`npm installed ${specs.join(" ")} into ${dir}, but their --version did not answer`);
  return {
    ok: true,
    clis: { binDir, codexVersion: codexPin, claudeVersion: claudePin, cacheDir: dir, installed: true },
  };
}
