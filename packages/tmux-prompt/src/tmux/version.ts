/**
 * Which tmux is installed: `tmux -V` is asked once per binary and cached; `requireTmux` turns "missing" and "too
 * old" into errors that say what to install.
 */
import { TeamRuntimeError } from "@team-agent/core-state";
import { execa } from "execa";

export interface TmuxVersion {
  /** What `tmux -V` printed, e.g. `tmux 3.3a`. */
  raw: string;
  major: number;
  minor: number;
  /** The letter of a patch release (`a` in 3.3a), or null. */
  patch: string | null;
  /**
   * A build from source (`tmux master`, `tmux next-3.5`) or a vendor build without a number (`tmux openbsd-7.4`).
   * Versions without a number count as newer than any release.
   */
  development: boolean;
}

/** Parses `tmux -V` output or a bare version such as `3.3a`; null when it is not a tmux version at all. */
export function parseTmuxVersion(text: string): TmuxVersion | null {
  const raw = text.trim();
  const body = raw.startsWith("tmux ") ? raw.slice(5).trim() : raw;
  const numbered = /^(?:next-)?(\d+)\.(\d+)([a-z])?(?:-rc\d*)?$/.exec(body);
  if (numbered !== null) {
    return {
      raw,
      major: Number(numbered[1]),
      minor: Number(numbered[2]),
      patch: numbered[3] ?? null,
      development: body.startsWith("next-"),
    };
  }
  if (raw.startsWith("tmux ") && /^(master|openbsd-[\d.]+)$/.test(body)) {
    return { raw, major: Number.POSITIVE_INFINITY, minor: 0, patch: null, development: true };
  }
  return null;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b` (patch letters count). */
export function compareTmuxVersions(a: TmuxVersion, b: TmuxVersion): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor - b.minor;
  return (a.patch ?? "").localeCompare(b.patch ?? "");
}

const detected = new Map<string, Promise<TmuxVersion>>();

/** `tmux -V` for this binary, asked once per process (a failure is not cached, so installing tmux fixes it). */
export function detectTmuxVersion(binary = "tmux"): Promise<TmuxVersion> {
  let pending = detected.get(binary);
  if (pending === undefined) {
    pending = askVersion(binary);
    detected.set(binary, pending);
    pending.catch(() => detected.delete(binary));
  }
  return pending;
}

async function askVersion(binary: string): Promise<TmuxVersion> {
  const result = await execa(binary, ["-V"], { reject: false, timeout: 5_000, stdin: "ignore" });
  if (result.exitCode !== 0) {
    const why = result.exitCode === undefined ? `${binary} was not found or could not run` : result.stderr.trim();
    throw new TeamRuntimeError(
      "tmux_missing",
      `tmux is not available: ${why || `\`${binary} -V\` failed`}`,
      "Install tmux 3.2 or newer (for example `apt install tmux` or `brew install tmux`) and make sure it is on PATH.",
    );
  }
  const version = parseTmuxVersion(result.stdout);
  if (version === null) {
    throw new TeamRuntimeError(
      "tmux_version_unknown",
      `cannot read the tmux version from \`${binary} -V\` output ${JSON.stringify(result.stdout.trim())}`,
      "Install a released tmux (3.2 or newer) and retry.",
    );
  }
  return version;
}

/** The installed version, or an error naming what is installed and what is needed. */
export async function requireTmux(minimum: string, binary = "tmux"): Promise<TmuxVersion> {
  const needed = parseTmuxVersion(minimum);
  if (needed === null) throw new TypeError(`requireTmux: ${JSON.stringify(minimum)} is not a tmux version`);
  const version = await detectTmuxVersion(binary);
  if (compareTmuxVersions(version, needed) < 0) {
    throw new TeamRuntimeError(
      "tmux_too_old",
      `tmux ${minimum} or newer is required, but ${binary} is ${version.raw}`,
      `Upgrade tmux to ${minimum} or newer (for example \`apt install tmux\` or \`brew upgrade tmux\`) and retry.`,
    );
  }
  return version;
}
