/**
 * `install` (the default): check the machine, put the runtime in place, switch `current`, write the `team-agent`
 * shim, install the lead's skill, and record all of it in the manifest. Each step is planned first from what is
 * on disk, so a dry run can show the plan and a second install with the same tree finds nothing to do.
 */
import { existsSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Check, check, findOnPath, machineChecks, readTextOrNull, renderChecks } from "../checks.js";
import { type CliCommand, type CommandResult, INSTALLER_VERSION, type InstallerContext } from "../context.js";
import { failure, InstallerError, success } from "../envelope.js";
import { fileStamp, Journal, type Manifest, readManifest, writeManifest } from "../manifest.js";
import { displayPath, type InstallerPaths } from "../paths.js";
import { runProcess } from "../process.js";
import { isRuntimeComplete, readCurrent, runtimeName, stageRuntime, switchCurrent } from "../runtime.js";
import { cliEntry, isOnPath, type PathAdvice, pathAdvice, renderShim } from "../shim.js";
import { installSkill, planSkill, type SkillTargets, skillChanges } from "../skill.js";
import { locateRuntimeTree, treeFingerprint } from "../tree.js";

interface Step {
  action: string;
  path: string;
  detail: string;
}

/** Where the shim lands relative to PATH: advice when its folder is not on PATH, a warning when it is shadowed. */
export function pathChecks(paths: InstallerPaths, env: NodeJS.ProcessEnv): { check: Check; advice: PathAdvice | null } {
  const bin = displayPath(paths.binDir, paths.home);
  if (!isOnPath(paths.binDir, env["PATH"])) {
    const advice = pathAdvice(paths.binDir, paths.home, env["SHELL"]);
    return {
      check: check("PATH", "warn", `${bin} is not on PATH`, `Add this line to ${advice.file}: ${advice.line}`),
      advice,
    };
  }
  const first = findOnPath("team-agent", env["PATH"]);
  if (first !== null && first !== paths.shim) {
    return {
      check: check(
        "PATH",
        "warn",
        `another team-agent (${first}) comes before ${displayPath(paths.shim, paths.home)} on PATH`,
        `Remove ${first} (e.g. \`npm uninstall -g @team-agent/cli\`) or put ${bin} earlier on PATH.`,
      ),
      advice: null,
    };
  }
  return { check: check("PATH", "ok", `${bin} is on PATH`), advice: null };
}

function shimStep(paths: InstallerPaths, shimText: string, previous: Manifest | null): Step | null {
  const existing = readTextOrNull(paths.shim);
  if (existing === shimText) return null;
  if (existing === null) return { action: "create", path: paths.shim, detail: "the team-agent command" };
  const ours = previous?.entries.some((entry) => entry.path === paths.shim) ?? false;
  return ours
    ? { action: "update", path: paths.shim, detail: "the team-agent command" }
    : { action: "replace", path: paths.shim, detail: "another team-agent command (kept as a backup)" };
}

function skillSteps(targets: SkillTargets): Step[] {
  return targets.flatMap((target) =>
    target.files
      .filter((file) => file.action !== "unchanged")
      .map((file) => ({
        action: file.action === "create" ? "create" : "update",
        path: join(target.dest, file.file),
        detail: file.action === "update" ? "the lead's skill (the old copy is kept as a backup)" : "the lead's skill",
      })),
  );
}

/** Runtime versions we installed other than the active one and the one kept for rollback. */
function staleRuntimes(previous: Manifest | null, runtimeRoot: string, keep: readonly (string | null)[]): string[] {
  return (previous?.entries ?? [])
    .filter((entry) => entry.kind === "tree" && dirname(entry.path) === runtimeRoot)
    .map((entry) => entry.path)
    .filter((path) => !keep.includes(basename(path)));
}

function renderInstall(
  headline: string,
  manifest: Manifest,
  paths: InstallerPaths,
  checks: readonly Check[],
  steps: readonly Step[],
  advice: PathAdvice | null,
): string {
  const show = (path: string) => displayPath(path, paths.home);
  const lines = [
    headline,
    `  runtime  ${show(join(manifest.runtime.root, manifest.runtime.active))}`,
    `  command  ${show(manifest.shim)} (Node ${manifest.node})`,
    `  skill    ${manifest.skill_dirs.map(show).join(", ")}`,
  ];
  if (steps.length > 0) lines.push("changes", ...steps.map((step) => `  ${step.action.padEnd(8)} ${show(step.path)}`));
  lines.push("checks", renderChecks(checks));
  if (advice !== null) lines.push(`PATH: add this line to ${advice.file}, then open a new shell:`, `  ${advice.line}`);
  return lines.join("\n");
}

export async function installCommand(context: InstallerContext): Promise<CommandResult> {
  const { io, options, paths } = context;
  const checks = await machineChecks(io.env, io.cwd);
  const nodeProblem = checks.find((each) => each.name === "node" && each.level === "fail");
  if (nodeProblem) {
    return {
      envelope: failure(new InstallerError("node_too_old", nodeProblem.detail, nodeProblem.action ?? ""), { checks }),
    };
  }
  const placement = pathChecks(paths, io.env);
  checks.push(placement.check);

  const tree = locateRuntimeTree();
  const sourceEntry = join(tree.nodeModules, "@team-agent", "cli", "dist", "bin.js");
  if (!existsSync(sourceEntry)) {
    throw new InstallerError(
      "runtime_incomplete",
      `${sourceEntry} is missing: the CLI next to the installer is not built`,
      "In a checkout run `npm run build` first; otherwise run `npx @team-agent/installer@latest install`.",
    );
  }
  const fingerprint = treeFingerprint(tree.nodeModules);
  const name = runtimeName(tree.cliVersion, fingerprint.hash);
  const runtimeDir = join(paths.runtimeRoot, name);
  const previous = readManifest(paths.manifestFile);
  const activeNow = readCurrent(paths.currentLink);
  const keptForRollback = activeNow !== null && activeNow !== name ? activeNow : (previous?.runtime.previous ?? null);
  const shimText = renderShim({ node: process.execPath, entry: cliEntry(paths.currentLink) });
  const sourceCli: CliCommand = { command: process.execPath, args: [sourceEntry] };
  const skillPlan = await planSkill(sourceCli, context);
  const stale = staleRuntimes(previous, paths.runtimeRoot, [name, keptForRollback]);

  const steps: Step[] = [];
  const runtimeReady = isRuntimeComplete(runtimeDir);
  if (!runtimeReady) {
    steps.push({
      action: "copy",
      path: runtimeDir,
      detail: `${fingerprint.packages} packages from ${tree.nodeModules}`,
    });
  }
  if (activeNow !== name) steps.push({ action: "link", path: paths.currentLink, detail: `current → ${name}` });
  const shim = shimStep(paths, shimText, previous);
  if (shim !== null) steps.push(shim);
  steps.push(...skillSteps(skillPlan));
  steps.push(...stale.map((path) => ({ action: "remove", path, detail: "an older runtime version" })));

  const next: Manifest = {
    manifest_version: 1,
    installer_version: INSTALLER_VERSION,
    cli_version: tree.cliVersion,
    node: process.execPath,
    runtime: { root: paths.runtimeRoot, active: name, previous: keptForRollback },
    shim: paths.shim,
    skill_dirs: skillPlan.map((target) => target.dest),
    providers: previous?.providers ?? [],
    entries: previous?.entries ?? [],
  };
  const data = (extra: Record<string, unknown>) => ({
    ...extra,
    version: tree.cliVersion,
    runtime_dir: runtimeDir,
    shim: paths.shim,
    skill_dirs: next.skill_dirs,
    manifest: paths.manifestFile,
    steps,
    checks,
    path_advice: placement.advice,
  });
  const nextActions = [
    "team-agent claude   (or: team-agent codex)",
    ...checks.flatMap((each) => (each.level === "fail" && each.action !== null ? [each.action] : [])),
  ];

  if (steps.length === 0 && previous !== null && isDeepStrictEqual(next, previous)) {
    const summary = `team-agent ${tree.cliVersion} already installed, nothing changed`;
    return {
      envelope: success(summary, data({ changed: false, dry_run: options.dryRun }), nextActions),
      text: `${renderInstall(summary, next, paths, checks, [], placement.advice)}\nnext: ${nextActions[0]}`,
    };
  }
  if (options.dryRun) {
    const summary = `would install team-agent ${tree.cliVersion} (${steps.length} change(s); dry run, nothing written)`;
    return {
      envelope: success(summary, data({ changed: false, dry_run: true }), nextActions),
      text: [
        summary,
        ...steps.map((step) => `  ${step.action.padEnd(8)} ${step.path}  (${step.detail})`),
        "checks",
        renderChecks(checks),
      ].join("\n"),
    };
  }

  const journal = new Journal(previous?.entries ?? []);
  const stamp = fileStamp();
  let skill = skillPlan;
  try {
    journal.ensureDir(paths.runtimeRoot);
    if (!runtimeReady) stageRuntime(tree.nodeModules, paths.runtimeRoot, name);
    journal.recordTree(runtimeDir);
    if (activeNow !== name) switchCurrent(paths.currentLink, name);
    journal.recordSymlink(paths.currentLink, name);
    journal.writeFile(paths.shim, shimText, { mode: 0o755, stamp });
    const shimCli: CliCommand = { command: paths.shim, args: [] };
    if (skillChanges(skillPlan) > 0) skill = await installSkill(shimCli, context, skillPlan, journal);
    for (const path of stale) {
      rmSync(path, { recursive: true, force: true });
      journal.forget(path);
    }
  } finally {
    // Also after a failed step, so uninstall can undo what was done; nothing was written if the folder is missing.
    if (existsSync(paths.dataDir)) writeManifest(paths.manifestFile, { ...next, entries: journal.entries });
  }

  const smoke = await runProcess(paths.shim, ["--version"], { env: io.env, cwd: io.cwd, timeoutMs: 60_000 });
  const reported = smoke.stdout.trim();
  if (smoke.code !== 0 || reported !== tree.cliVersion) {
    const why = smoke.failure ?? `exit ${smoke.code}: ${(smoke.stderr || smoke.stdout).trim().slice(-400)}`;
    const error = new InstallerError(
      "smoke_test_failed",
      `installed, but \`${paths.shim} --version\` did not answer ${tree.cliVersion} (${why})`,
      "Run `team-agent-installer doctor` to see what is wrong.",
    );
    return { envelope: failure(error, data({ changed: true, dry_run: false })) };
  }
  const summary = `installed team-agent ${tree.cliVersion}`;
  return {
    envelope: success(summary, data({ changed: true, dry_run: false, skill }), nextActions),
    text: `${renderInstall(summary, next, paths, checks, steps, placement.advice)}\nnext: ${nextActions[0]}`,
  };
}
