/**
 * `team-agent doctor` and `diagnose` through the real bin: the environment checks on an empty workspace (which doctor
 * must not create), a corrupt store and its repair, a live team's session/daemon/lead checks, the comms self-test on
 * a private tmux server, and orphan cleanup of daemons whose workspace is gone (only daemons this test made: the scan
 * is limited to its own temp folder).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DAEMON_ARGV_MARKER, stopCoordinator } from "@team-agent/coordinator";
import { discoverProviders } from "@team-agent/provider-registry";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_WORKERS, type DemoTeam, startDemoTeam } from "../../src/commands/demo.js";
import type { DoctorCheck } from "../../src/commands/doctor.js";
import { BIN, teamAgent } from "../helpers/cli.js";

const dirs: string[] = [];
const teams: DemoTeam[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const team of teams.splice(0)) await team.cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix = "ta-doctor-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

type DoctorJson = { ok: boolean; checks: DoctorCheck[]; error?: { code: string; action: string } };
const byName = (report: DoctorJson, name: string) => report.checks.find((each) => each.name === name);

describe("team-agent doctor", () => {
  it("checks node, tmux, providers and the store of an empty workspace without creating anything", async () => {
    const ws = tempDir();
    const run = await teamAgent(["doctor", "--json"], { cwd: ws });
    expect(run.code).toBe(0);
    const report = run.json<DoctorJson>();
    expect(report.ok).toBe(true);
    expect(byName(report, "node")).toMatchObject({ ok: true, detail: `v${process.versions.node}` });
    expect(byName(report, "tmux")?.detail).toMatch(/^tmux \d/);
    expect(byName(report, "provider fake")).toMatchObject({ ok: true });
    expect(byName(report, "store")?.detail).toContain("no team store yet");
    expect(readdirSync(ws)).toEqual([]);
  });

  it("fails on a corrupt store with the repair command, and --repair-store moves it aside", async () => {
    const ws = tempDir();
    mkdirSync(join(ws, ".team", "runtime"), { recursive: true });
    writeFileSync(join(ws, ".team", "runtime", "team.db"), "this is not a database, just text ".repeat(200));
    const broken = await teamAgent(["doctor"], { cwd: ws });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/FAIL\s+store\s+.*corrupt/);
    expect(broken.stderr).toContain("team-agent doctor --repair-store");

    const repaired = await teamAgent(["doctor", "--repair-store", "--json"], { cwd: ws });
    expect(repaired.code).toBe(0);
    const report = repaired.json<DoctorJson>();
    expect(byName(report, "store repair")?.detail).toContain("moved the corrupt store aside");
    expect(byName(report, "store")?.detail).toMatch(/schema v\d+/);
    expect(readdirSync(join(ws, ".team", "runtime")).some((name) => name.startsWith("team.db.corrupt-"))).toBe(true);

    const healthy = await teamAgent(["doctor", "--repair-store", "--json"], { cwd: ws });
    expect(byName(healthy.json<DoctorJson>(), "store repair")?.detail).toContain("nothing to repair");
  });

  it("checks a live team's session, daemon and lead pane, and names the fix for each", async () => {
    const registry = await discoverProviders({
      runtimePackageJson: new URL("../../package.json", import.meta.url),
      searchFrom: null,
    });
    const team = await startDemoTeam({
      registry,
      mcp: (ws) => ({ command: process.execPath, args: [...BIN.nodeArgs, "mcp", "--workspace", ws] }),
      workers: DEMO_WORKERS.slice(0, 1),
      lead: false,
    });
    teams.push(team);
    const id = team.team.team_id;

    const noLead = await teamAgent(["doctor", "--json"], { cwd: team.workspace });
    expect(noLead.code).toBe(1);
    const first = noLead.json<DoctorJson>();
    expect(byName(first, `team ${id}`)).toMatchObject({ ok: true });
    expect(byName(first, `team ${id}`)?.detail).toContain("coordinator running");
    expect(byName(first, `lead ${id}`)).toMatchObject({ ok: false });
    expect(byName(first, `lead ${id}`)?.action).toContain("team-agent claim-leader --confirm");
    expect(first.error?.code).toBe("doctor_checks_failed");

    const diagnosed = await teamAgent(["diagnose", "--json"], { cwd: team.workspace });
    expect(diagnosed.code).toBe(1);
    const diagnosis = diagnosed.json<{ issues: { kind: string }[]; teams: Record<string, { agents: unknown[] }> }>();
    expect(diagnosis.issues.map((issue) => issue.kind)).toEqual(["lead"]);
    expect(diagnosis.teams[id]?.agents).toHaveLength(1);

    const { bindLeader } = await import("@team-agent/coordinator");
    const worker = team.runtime.store.agents.list(id)[0];
    bindLeader(team.runtime, team.team, { paneId: worker?.pane_id as string, server: { socketName: team.socketName } });
    const healthy = await teamAgent(["doctor", "--json"], { cwd: team.workspace });
    expect(healthy.code).toBe(0);
    expect(byName(healthy.json<DoctorJson>(), `lead ${id}`)?.detail).toContain(worker?.pane_id as string);

    await stopCoordinator(team.runtime, team.team);
    const noDaemon = await teamAgent(["doctor", "--json"], { cwd: team.workspace });
    expect(noDaemon.code).toBe(1);
    const teamCheck = byName(noDaemon.json<DoctorJson>(), `team ${id}`);
    expect(teamCheck).toMatchObject({ ok: false });
    expect(teamCheck?.action).toContain(`team-agent restart --team ${id}`);
  }, 60_000);

  it("--comms delivers a message into a scratch agent on a private tmux server and leaves nothing behind", async () => {
    const ws = tempDir();
    const scratchRoot = tempDir("ta-doctor-tmp-");
    const socketDir = join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`);
    const commsSockets = () =>
      existsSync(socketDir) ? readdirSync(socketDir).filter((name) => name.startsWith("team-agent-comms-")) : [];
    const socketsBefore = commsSockets();
    const run = await teamAgent(["doctor", "--comms", "--json"], { cwd: ws, env: { TMPDIR: scratchRoot } });
    expect(run.code).toBe(0);
    const comms = byName(run.json<DoctorJson>(), "comms");
    expect(comms).toMatchObject({ ok: true });
    expect(comms?.detail).toContain("received and submitted");
    expect(readdirSync(scratchRoot).filter((name) => name.startsWith("team-agent-comms-"))).toEqual([]);
    expect(commsSockets()).toEqual(socketsBefore);
  }, 60_000);
});

describe("team-agent doctor --cleanup-orphans", () => {
  /** A process that looks like a daemon to `ps`; it says "ready" once its SIGTERM handling is in place. */
  async function fakeDaemon(workspace: string, ignoreSigterm: boolean): Promise<ChildProcess> {
    const body = `${ignoreSigterm ? "process.on('SIGTERM', () => {});" : ""} console.log('ready'); setInterval(() => {}, 1000);`;
    const child = spawn(
      process.execPath,
      ["-e", body, "--", DAEMON_ARGV_MARKER, "--workspace", workspace, "--team", "t"],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`fake daemon exited early (${code})`)));
    });
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });

  it("stops daemons whose workspace is gone (SIGKILL for one that ignores SIGTERM) and leaves the others", async () => {
    const root = tempDir("ta-orphans-");
    const alive = join(root, "alive");
    mkdirSync(alive);
    const polite = await fakeDaemon(join(root, "gone-1"), false);
    const stubborn = await fakeDaemon(join(root, "gone-2"), true);
    const healthy = await fakeDaemon(alive, false);
    const ws = tempDir();
    const run = await teamAgent(["doctor", "--cleanup-orphans", "--json"], {
      cwd: ws,
      env: { TEAM_AGENT_ORPHAN_SCAN_ROOT: root },
    });
    expect(run.code).toBe(0);
    const report = run.json<DoctorJson & { orphans: Record<string, unknown>[]; daemons_scanned: number }>();
    expect(report.daemons_scanned).toBe(3);
    const outcomes = Object.fromEntries(report.orphans.map((orphan) => [orphan["pid"], orphan]));
    expect(outcomes[polite.pid as number]).toMatchObject({ outcome: "killed", sigkill_required: false });
    expect(outcomes[stubborn.pid as number]).toMatchObject({ outcome: "killed", sigkill_required: true });
    expect(outcomes[healthy.pid as number]).toBeUndefined();
    await Promise.all([exited(polite), exited(stubborn)]);
    expect(polite.signalCode).toBe("SIGTERM");
    expect(stubborn.signalCode).toBe("SIGKILL");
    expect(healthy.exitCode === null && healthy.signalCode === null).toBe(true);
    expect(byName(report, "orphans")?.detail).toContain("2 orphaned");

    const again = await teamAgent(["doctor", "--cleanup-orphans", "--json"], {
      cwd: ws,
      env: { TEAM_AGENT_ORPHAN_SCAN_ROOT: root },
    });
    expect(again.code).toBe(0);
    expect(byName(again.json<DoctorJson>(), "orphans")?.detail).toBe("1 daemon(s), none orphaned");
  }, 60_000);
});
