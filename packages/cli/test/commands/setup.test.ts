/**
 * Starting a team through the real bin: quick-start and its building blocks (preflight, start, launch, wait-ready).
 * Each test gets the coordinator's harness for its temp workspace and private tmux server (the CLI is pointed at that
 * server with TEAM_AGENT_TMUX_SOCKET), so the harness's cleanup stops every daemon, tmux server and worker the CLI
 * started. Workers run the fake provider.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TeamHarness } from "../../../coordinator/test/helpers/team-harness.js";
import { useTeamHarness } from "../../../coordinator/test/helpers/use-team-harness.js";
import { type CliRun, teamAgent } from "../helpers/cli.js";

const harnesses = useTeamHarness();

function roleDoc(name: string, extra: string[] = []): string {
  return [
    "---",
    `name: ${name}`,
    `role: ${name} worker`,
    "provider: fake",
    ...extra,
    "tools:",
    "  - fs_read",
    "  - mcp_team",
    "---",
    `You are ${name}.`,
    "",
  ].join("\n");
}

/** A harness workspace holding `roles/` with the given role docs (and TEAM.md when given). */
async function workspaceWith(docs: Record<string, string>): Promise<TeamHarness> {
  const harness = await harnesses.create();
  mkdirSync(join(harness.workspace, "roles"));
  for (const [file, text] of Object.entries(docs)) writeFileSync(join(harness.workspace, "roles", file), text);
  return harness;
}

/** A pane on the harness's tmux server standing in for the lead's, and the environment a shell in it would have. */
async function leadPane(harness: TeamHarness): Promise<{ paneId: string; env: Record<string, string> }> {
  const opened = await harness.tmux.newSession({ name: "lead", command: ["sleep", "600"], width: 80, height: 20 });
  if (!opened.ok || opened.paneId === null) throw new Error(`lead pane: ${opened.error}`);
  const socket = (
    await harness.tmux.run(["display-message", "-p", "-t", opened.paneId, "#{socket_path}"])
  ).stdout.trim();
  return { paneId: opened.paneId, env: { TMUX: `${socket},1,0`, TMUX_PANE: opened.paneId } };
}

function cli(harness: TeamHarness, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return teamAgent(args, {
    cwd: harness.workspace,
    timeoutMs: 150_000,
    // Never the test runner's own tmux pane: the caller is whatever the test says.
    env: { TEAM_AGENT_TMUX_SOCKET: harness.socketName, TMUX: "", TMUX_PANE: "", TEAM_AGENT_LEADER_PANE_ID: "", ...env },
  });
}

const TWO_WORKERS = { "dev.md": roleDoc("dev"), "qa.md": roleDoc("qa") };
const NO_LEAD_CHECK = { TEAM_AGENT_ALLOW_NO_LEADER: "1" };

describe("quick-start", () => {
  it("builds the team from loose role docs, starts it, and binds the caller's pane as the lead", async () => {
    const harness = await workspaceWith(TWO_WORKERS);
    const lead = await leadPane(harness);
    const run = await cli(harness, ["quick-start", "roles", "--name", "crew", "--json"], lead.env);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<Record<string, unknown>>();
    expect(result["summary"]).toMatch(/^team crew ready: 2 agent\(s\) in session team-crew \(coordinator pid \d+\)$/);
    expect(result["ready_signal"]).toMatch(/^quick-start completed/);
    const teamDir = join(harness.workspace, ".team", "current");
    expect(result).toMatchObject({
      ok: true,
      team: "crew",
      team_dir: teamDir,
      spec: join(teamDir, "team.spec.yaml"),
      agents: ["dev", "qa"],
      readiness: { process_started: true, cli_prompt_ready: true, mcp_ready: true },
      leader_receiver: { pane_id: lead.paneId },
      next_actions: ["Dispatch work with team-agent send, or return control to the user."],
    });
    expect(readFileSync(join(teamDir, "TEAM.md"), "utf8")).toContain("name: crew");
    expect(existsSync(join(teamDir, "agents", "qa.md"))).toBe(true);
    expect(existsSync(result["details_log"] as string)).toBe(true);
    expect(harness.runtime.store.leader.get("crew")).toMatchObject({
      pane_id: lead.paneId,
      claimed_via: "quick_start",
    });
    expect(await harness.tmux.hasSession("team-crew")).toBe(true);

    // Running it again would start over a live team: refused with what to do instead.
    const again = await cli(harness, ["quick-start", "roles", "--name", "crew", "--json"], lead.env);
    expect(again.code).toBe(1);
    expect(again.json()).toMatchObject({
      ok: false,
      step: "existing_runtime_state",
      team: "crew",
      session_name: "team-crew",
      running: true,
      error: { code: "existing_runtime_state" },
    });
  });

  it("has each worker's trust screen answered by the daemon alone, before it reports ready", async () => {
    // Workers whose fake CLI first asks whether to trust the workspace (its default option exits, as Claude Code's).
    const trusting = ["profile: trusting"];
    const harness = await workspaceWith({ "dev.md": roleDoc("dev", trusting), "qa.md": roleDoc("qa", trusting) });
    const profiles = join(harness.workspace, ".team", "current", "profiles");
    mkdirSync(profiles, { recursive: true });
    writeFileSync(join(profiles, "trusting.env"), "MODEL=fake-model\nTRUST_PROMPT=1\n", { mode: 0o600 });
    const run = await cli(harness, ["quick-start", "roles", "--name", "trusty", "--json"], NO_LEAD_CHECK);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const answered = harness.events("leader_panes.trust_auto_answered");
    const panes = ["dev", "qa"].map((id) => harness.runtime.store.agents.get("trusty", id)?.pane_id);
    expect(new Set(answered.map((event) => event["pane_id"]))).toEqual(new Set(panes));
    // A screen may be answered again once the retry delay (3 s) has passed (a CLI busy starting up drops keys), but
    // never twice at once, as when two processes answered the same dialog.
    answered.forEach((first, index) => {
      for (const later of answered.slice(index + 1)) {
        if (later["pane_id"] !== first["pane_id"] || later["capture_hash"] !== first["capture_hash"]) continue;
        expect(Date.parse(later.ts) - Date.parse(first.ts)).toBeGreaterThanOrEqual(3_000);
      }
    });
    // quick-start only read the policy's verdict: with the daemon live, it never pressed a key itself.
    expect(harness.events("quick_start.trust_auto_answer_attempted")).toEqual([]);
    for (const id of ["dev", "qa"]) {
      const pane = harness.runtime.store.agents.get("trusty", id)?.pane_id as string;
      expect((await harness.tmux.capturePane(pane)).text).toContain("❯");
    }
  });

  it("prints the summary and the ready signal for people", async () => {
    const harness = await workspaceWith({ ...TWO_WORKERS, "TEAM.md": "---\nname: texty\n---\n" });
    const run = await cli(harness, ["quick-start", "roles"], NO_LEAD_CHECK);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^team texty ready: 2 agent\(s\) in session team-texty/);
    expect(lines[1]).toMatch(/^quick-start completed; workers are ready/);
  });

  it("refuses outside a tmux pane before it writes anything", async () => {
    const harness = await workspaceWith(TWO_WORKERS);
    const run = await cli(harness, ["quick-start", "roles", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      ok: false,
      status: "refused",
      reason: "caller_pane_missing",
      caller_pane_id: "",
      error: { code: "caller_pane_missing" },
    });
    expect(existsSync(join(harness.workspace, ".team", "current"))).toBe(false);
  });

  it("tells the user to write role docs when the folder has none", async () => {
    const harness = await workspaceWith({ "team.spec.yaml": "version: 1\n" });
    const run = await cli(harness, ["quick-start", "roles"], NO_LEAD_CHECK);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*has no role definition files/m);
    expect(run.stderr).toMatch(/^action: Create one role file per worker.*team-agent quick-start <roles-dir>/m);
  });

  it("stops at preflight when a profile is blank, after creating it for the human to fill", async () => {
    const proxied = roleDoc("dev", ["auth_mode: compatible_api", "profile: proxy", "model: local-model"]);
    const harness = await workspaceWith({ "dev.md": proxied });
    const run = await cli(harness, ["quick-start", "roles", "--name", "blocked", "--json"], NO_LEAD_CHECK);
    expect(run.code).toBe(1);
    const result = run.json<Record<string, unknown>>();
    expect(result).toMatchObject({
      ok: false,
      step: "preflight",
      blockers: ["profiles: dev profile_required_values_missing profile=proxy missing=BASE_URL,API_KEY"],
      error: { code: "preflight_failed" },
    });
    expect(result["summary"]).toMatch(/^preflight found blockers: profiles: dev/);
    expect((result["next_actions"] as string[])[0]).toContain("team-agent profile show <name> --json");
    const profile = join(harness.workspace, ".team", "current", "profiles", "proxy.env");
    expect(statSync(profile).mode & 0o777).toBe(0o600);
    expect(readFileSync(profile, "utf8")).toContain("AUTH_MODE=compatible_api");
    expect(existsSync(result["details_log"] as string)).toBe(true);
    expect(await harness.tmux.hasSession("team-blocked")).toBe(false);
  });

  it("needs --yes for a team that auto-approves dangerous actions", async () => {
    const harness = await workspaceWith({
      ...TWO_WORKERS,
      "TEAM.md": "---\nname: risky\ndangerous_auto_approve: true\n---\n",
    });
    const run = await cli(harness, ["quick-start", "roles"], NO_LEAD_CHECK);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: quick-start requires --yes when dangerous_auto_approve is true");
    expect(await harness.tmux.hasSession("team-risky")).toBe(false);
  });
});

describe("building blocks", () => {
  /** A team folder (TEAM.md + agents/) inside the workspace, as quick-start would leave it. */
  async function teamFolder(workers: Record<string, string>): Promise<TeamHarness> {
    const harness = await harnesses.create();
    const dir = join(harness.workspace, ".team", "current", "agents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(harness.workspace, ".team", "current", "TEAM.md"), "---\nname: blocks\n---\n");
    for (const [name, text] of Object.entries(workers)) writeFileSync(join(dir, `${name}.md`), text);
    return harness;
  }

  it("preflight passes for fake workers and names a provider that is not installed", async () => {
    const harness = await teamFolder({ dev: roleDoc("dev") });
    const passed = await cli(harness, ["preflight", ".team/current", "--json"]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.json()).toMatchObject({
      ok: true,
      summary: "preflight passed",
      checks: { tmux: { ok: true }, providers: { ok: true }, profiles: { ok: true } },
      next_actions: [`team-agent start ${join(harness.workspace, ".team", "current")} --yes --json`],
    });

    writeFileSync(
      join(harness.workspace, ".team", "current", "agents", "cx.md"),
      roleDoc("cx").replace("fake", "codex"),
    );
    const failed = await cli(harness, ["preflight", ".team/current", "--json"], { PATH: "/usr/bin:/bin" });
    expect(failed.code).toBe(1);
    expect(failed.json()).toMatchObject({
      ok: false,
      blockers: ["providers: cx provider_not_installed command=codex"],
      checks: { providers: { ok: false } },
    });
  });

  it("preflight sends a compatible-API profile's smoke request before any worker starts", async () => {
    let status = 500;
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(status, { "content-type": "application/json" }).end('{"error":"model not loaded"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const harness = await teamFolder({ dev: roleDoc("dev", ["auth_mode: compatible_api", "profile: local"]) });
      const profiles = join(harness.workspace, ".team", "current", "profiles");
      mkdirSync(profiles, { recursive: true });
      const values = [
        "AUTH_MODE=compatible_api",
        "PROVIDER=claude_code",
        `BASE_URL=http://127.0.0.1:${port}`,
        "API_KEY=sk-local-secret-value",
        "MODEL=local-model",
      ];
      writeFileSync(join(profiles, "local.env"), `${values.join("\n")}\n`, { mode: 0o600 });

      const failed = await cli(harness, ["preflight", ".team/current", "--json"]);
      expect(failed.code).toBe(1);
      expect(failed.json()).toMatchObject({ ok: false, checks: { profile_smoke: { ok: false } } });
      expect(failed.stdout).toContain("profile_smoke_http_error");
      expect(failed.stdout).not.toContain("sk-local-secret-value");
      expect(requests).toEqual(["POST /v1/messages"]);

      status = 200;
      const passed = await cli(harness, ["preflight", ".team/current", "--json"]);
      expect(passed.code, passed.stdout).toBe(0);
      expect(passed.json()).toMatchObject({ checks: { profile_smoke: { ok: true } } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("launch --dry-run shows what would start and a real launch needs --yes", async () => {
    const harness = await teamFolder({ dev: roleDoc("dev") });
    expect((await cli(harness, ["preflight", ".team/current"])).code).toBe(0);
    const spec = join(harness.workspace, ".team", "current", "team.spec.yaml");
    const dry = await cli(harness, ["launch", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json()).toMatchObject({
      dry_run: true,
      spec,
      team: "blocks",
      agents: [{ id: "dev", provider: "fake", permission_mode: "restricted" }],
      safety: { dangerous_auto_approve: false, requires_explicit_yes: true, inherited_from_leader: false },
    });
    const refused = await cli(harness, ["launch", spec, "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: "confirmation_required" } });
    expect(await harness.tmux.hasSession("team-blocks")).toBe(false);
  });

  it("start launches without waiting, then wait-ready reports every worker ready", async () => {
    const harness = await teamFolder({ dev: roleDoc("dev"), qa: roleDoc("qa") });
    const started = await cli(harness, ["start", ".team/current", "--yes", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json()).toMatchObject({
      ok: true,
      summary: `compiled ${join(harness.workspace, ".team", "current")} and launched 2 agents`,
      team: "blocks",
      launch: { session_name: "team-blocks", tmux_socket: harness.socketName },
      next_actions: ["team-agent wait-ready --timeout 120 --json"],
    });
    const ready = await cli(harness, ["wait-ready", "--timeout", "60", "--json"]);
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.json()).toMatchObject({
      ok: true,
      summary: "workers ready",
      status: "ready",
      readiness: { process_started: true, cli_prompt_ready: true, mcp_ready: true, task_prompt_delivered: false },
      agents: [
        { agent_id: "dev", ready: true },
        { agent_id: "qa", ready: true },
      ],
    });
    expect((await cli(harness, ["wait-ready", "--timeout", "soon"])).code).toBe(2);
  });
});
