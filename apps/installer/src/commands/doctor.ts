/**
 * `doctor`: the machine checks, the installation's own state (runtime, command, PATH, skill), and, when installed,
 * the CLI's `team-agent doctor --json` (teams, store, provider plugins). Exit 1 when any check fails.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Check, check, machineChecks, renderChecks } from "../checks.js";
import { type CommandResult, describeFailure, type InstallerContext, runTeamAgent } from "../context.js";
import { failure, InstallerError, success } from "../envelope.js";
import { type Manifest, readManifest, sha256File } from "../manifest.js";
import { displayPath } from "../paths.js";
import { isRuntimeComplete, readCurrent } from "../runtime.js";
import { pathChecks } from "./install.js";

const REINSTALL = "Run `npx @team-agent/installer@latest install` again.";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installationChecks(manifest: Manifest, home: string): Check[] {
  const show = (path: string) => displayPath(path, home);
  const current = readCurrent(join(manifest.runtime.root, "current"));
  const runtimeDir = join(manifest.runtime.root, manifest.runtime.active);
  const runtime =
    current === manifest.runtime.active && isRuntimeComplete(runtimeDir)
      ? check("runtime", "ok", `${show(runtimeDir)} (team-agent ${manifest.cli_version})`)
      : check(
          "runtime",
          "fail",
          `current → ${current ?? "nothing"}; expected a complete ${show(runtimeDir)}`,
          REINSTALL,
        );
  const shimEntry = manifest.entries.find((entry) => entry.path === manifest.shim);
  const shimHash = sha256File(manifest.shim);
  const shim =
    shimHash === null || !isExecutable(manifest.shim)
      ? check("command", "fail", `${show(manifest.shim)} is missing or not executable`, REINSTALL)
      : shimEntry !== undefined && "sha256" in shimEntry && shimEntry.sha256 !== shimHash
        ? check("command", "warn", `${show(manifest.shim)} was changed after install`, REINSTALL)
        : check("command", "ok", show(manifest.shim));
  const missingSkills = manifest.skill_dirs.filter((dir) => !existsSync(join(dir, "SKILL.md")));
  const skill =
    missingSkills.length === 0
      ? check("skill", "ok", manifest.skill_dirs.map(show).join(", "))
      : check("skill", "fail", `no SKILL.md in ${missingSkills.map(show).join(", ")}`, REINSTALL);
  return [runtime, shim, skill];
}

export async function doctorCommand(context: InstallerContext): Promise<CommandResult> {
  const { io, paths } = context;
  const checks = await machineChecks(io.env, io.cwd);
  const manifest = readManifest(paths.manifestFile);
  let cliDoctor: Record<string, unknown> | null = null;
  if (manifest === null) {
    checks.push(check("install", "fail", `not installed (no manifest at ${paths.manifestFile})`, REINSTALL));
  } else {
    checks.push(...installationChecks(manifest, paths.home));
    checks.push(pathChecks({ ...paths, shim: manifest.shim, binDir: dirname(manifest.shim) }, io.env).check);
    if (existsSync(manifest.shim)) {
      const run = await runTeamAgent({ command: manifest.shim, args: [] }, ["doctor", "--json"], context, {
        timeoutMs: 120_000,
      });
      cliDoctor = run.envelope;
      checks.push(
        run.envelope === null
          ? check("team-agent doctor", "fail", `did not answer: ${describeFailure(run)}`, REINSTALL)
          : check(
              "team-agent doctor",
              run.envelope.ok ? "ok" : "fail",
              run.envelope.summary,
              run.envelope.ok ? null : (run.envelope.next_actions[0] ?? "Run `team-agent doctor`."),
            ),
      );
    }
  }
  const text = renderChecks(checks);
  const failed = checks.filter((each) => each.level === "fail");
  const data = { checks, team_agent_doctor: cliDoctor };
  if (failed.length === 0) {
    return { envelope: success(`doctor: ${checks.length} checks, none failed`, data), text };
  }
  const summary = `doctor: ${failed.length} of ${checks.length} checks failed (${failed.map((each) => each.name).join(", ")})`;
  const actions = failed.flatMap((each) => (each.action === null ? [] : [each.action]));
  const error = new InstallerError("doctor_checks_failed", summary, actions[0] ?? "Read the failed checks above.");
  return { envelope: failure(error, data, { summary, nextActions: actions }), text };
}
