/**
 * The whole product with the real CLIs. A person starts a real Claude Code lead with `team-agent claude` in their
 * terminal and asks it for a team; the lead's (scripted) model runs `team-agent quick-start` and two
 * `team-agent send`s through Claude Code's shell tool. Our runtime starts one real Codex and one real Claude Code
 * worker (their first-start screens handled by our policy), delivers each task into its CLI, the workers' models
 * call our `report_result` MCP tool, and each result reaches the lead exactly once; when both workers have
 * ended their turns, the all-idle reminder reaches the lead once.
 *
 * Everything the models say comes from the scripted endpoint; every assertion reads what the CLIs really sent it
 * (the request log), our event log, or the live screens.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { reapProcesses } from "@team-agent/coordinator";
import {
  type LoggedRequest,
  lastPrompt,
  onPrompt,
  promptsContaining,
  type ScriptedModel,
  startScriptedModel,
  toolResultsSincePrompt,
} from "@team-agent/scripted-model";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";
import { diagnostics } from "./helpers/diagnostics.js";
import { type LeadPane, openLeadPane, waitUntil } from "./helpers/lead-pane.js";
import { killProcessesOfHome } from "./helpers/processes.js";
import { createSandbox, type Sandbox, writeRoleDocs } from "./helpers/sandbox.js";

const setup = inject("realClis");
const versions = setup.ok ? `codex ${setup.clis.codexVersion}, claude-code ${setup.clis.claudeVersion}` : "";
const run = randomBytes(3).toString("hex").toUpperCase();
const TOKENS = {
  build: `BUILD-TEAM-${run}`,
  codexTask: `TASK-CODEX-${run}`,
  claudeTask: `TASK-CLAUDE-${run}`,
  codexResult: `RESULT-CODEX-${run}`,
  claudeResult: `RESULT-CLAUDE-${run}`,
};
const REMINDER = "All nodes idle";

/** Requests from the lead's conversation (its prompt that started it all is in every one of them). */
const fromLead = (entry: LoggedRequest) =>
  entry.request !== null &&
  entry.request.api === "messages" &&
  promptsContaining(entry.request, TOKENS.build).length > 0;

function latestLeadRequest(model: ScriptedModel): LoggedRequest {
  const all = model.requests.filter((entry) => fromLead(entry) && (entry.request?.tools.length ?? 0) > 0);
  const last = all.at(-1);
  if (!last?.request) throw new Error("the lead has sent no request yet");
  return last;
}

function events(box: Sandbox): { ts: string; event: string; agent_id?: string; status?: string; outcome?: string }[] {
  const text = readFileSync(join(box.workspace, ".team", "logs", "events.jsonl"), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function daemonTicks(box: Sandbox): number {
  try {
    return (JSON.parse(readFileSync(box.daemonStats, "utf8")) as { ticks: number }).ticks;
  } catch {
    return 0; // not written yet, or caught mid-write
  }
}

function classify(box: Sandbox, provider: string, screen: string): string {
  const out = execFileSync("team-agent", ["screen", "classify", "--provider", provider, "--json", "-"], {
    input: screen,
    env: box.env,
    encoding: "utf8",
  });
  return (JSON.parse(out) as { kind: string }).kind;
}

function teamScreen(box: Sandbox, window: string): string {
  return execFileSync("tmux", ["-L", box.teamSocket, "capture-pane", "-p", "-t", `team-lead-e2e:${window}`], {
    encoding: "utf8",
  });
}

describe.skipIf(!setup.ok)(`a real Claude Code lead and a Codex + Claude Code team (${versions})`, () => {
  let model: ScriptedModel;
  let box: Sandbox;
  let lead: LeadPane;

  beforeAll(async () => {
    if (!setup.ok) return;
    model = await startScriptedModel();
    box = createSandbox(setup.clis, model, "lead");
    const ws = box.workspace;
    writeRoleDocs(ws, "roles", "lead-e2e", [
      { name: "coder-codex", provider: "codex", model: "scripted-test-model", prompt: "You implement tasks." },
      { name: "coder-claude", provider: "claude", prompt: "You review tasks." },
    ]);
    const report = (summary: string) => ({ tool: /report_result$/, input: { status: "success", summary } });
    model.setScript([
      onPrompt(
        TOKENS.build,
        [
          { shell: `team-agent quick-start --workspace ${ws} ${ws}/roles --json` },
          {
            shell: `team-agent send --workspace ${ws} --json coder-codex "${TOKENS.codexTask}: implement the greeting"`,
          },
          {
            shell: `team-agent send --workspace ${ws} --json coder-claude "${TOKENS.claudeTask}: review the greeting"`,
          },
          { text: "Both tasks are out; I will wait for the results." },
        ],
        "lead",
      ),
      onPrompt(TOKENS.codexTask, [report(`${TOKENS.codexResult} greeting implemented`), { text: "Done." }], "codex"),
      onPrompt(TOKENS.claudeTask, [report(`${TOKENS.claudeResult} greeting reviewed`), { text: "Done." }], "claude"),
    ]);
    lead = openLeadPane(box, box.leadFolder);
  });

  afterAll(async () => {
    if (!setup.ok) return;
    try {
      execFileSync("team-agent", ["shutdown", "--workspace", box.workspace, "--json"], {
        env: box.env,
        stdio: "ignore",
      });
    } catch {
      // no team came up; the sweep below still runs
    }
    lead?.kill();
    try {
      execFileSync("tmux", ["-L", box.teamSocket, "kill-server"], { stdio: "ignore" });
    } catch {
      // already gone
    }
    await reapProcesses(box.workspace, 5_000);
    killProcessesOfHome(box.home);
    await model?.close();
    rmSync(box.root, { recursive: true, force: true });
  });

  it("the lead builds the team, sends both tasks, and receives each result once and the all-idle reminder once", async () => {
    onTestFailed(() => {
      process.stdout.write(`${diagnostics(box, lead, model)}\n`);
    });
    await lead.submit("team-agent claude");
    await waitUntil(
      "the lead's input prompt",
      () => classify(box, "claude_code", lead.screen()) === "input_ready",
      60_000,
    );
    await lead.submit(`${TOKENS.build}: build a team from ./roles and give each worker its task.`);

    // The lead's model ran quick-start, then both sends, through Claude Code's shell tool.
    const afterSends = await model.waitForRequest(
      (entry) => entry.rule === "lead" && entry.step === 3,
      180_000,
      "the lead's turn after quick-start and both sends",
    );
    const outputs = toolResultsSincePrompt(afterSends.request as NonNullable<LoggedRequest["request"]>).map(
      (result) => result.output,
    );
    expect(outputs).toHaveLength(3);
    expect(outputs[0]).toContain('"ready_signal"');
    expect(outputs[1]).toContain('"status": "submitted"');
    expect(outputs[2]).toContain('"status": "submitted"');

    // Both workers came up through our first-start policy: each trust screen was answered by it (inside
    // quick-start, or by the daemon when it looked first) before quick-start reported ready, and nothing had to be
    // reported to the lead.
    const readyAt = Date.parse(
      (await model.waitForRequest((entry) => entry.rule === "lead" && entry.step === 1, 1_000)).at,
    );
    const log = events(box);
    const answeredAt = new Map<string, number>();
    for (const event of log) {
      const answered =
        (event.event === "quick_start.trust_auto_answer_attempted" && event.status === "answered") ||
        (event.event === "runtime.trust_prompt_seen" && event.outcome === "answered");
      if (answered && event.agent_id && !answeredAt.has(event.agent_id)) {
        answeredAt.set(event.agent_id, Date.parse(event.ts));
      }
    }
    expect([...answeredAt.keys()].sort()).toEqual(["coder-claude", "coder-codex"]);
    for (const at of answeredAt.values()) expect(at).toBeLessThan(readyAt);
    expect(log.some((event) => event.event === "runtime.prompt_reported")).toBe(false);

    // Each worker's model got its task once and called report_result, and our MCP server accepted it.
    for (const [rule, task] of [
      ["codex", TOKENS.codexTask],
      ["claude", TOKENS.claudeTask],
    ] as const) {
      const done = await model.waitForRequest(
        (entry) => entry.rule === rule && entry.step === 1,
        90_000,
        `${rule}'s turn after report_result`,
      );
      const request = done.request as NonNullable<LoggedRequest["request"]>;
      expect(promptsContaining(request, task)).toHaveLength(1);
      expect(toolResultsSincePrompt(request)[0]?.output).toMatch(/"ok":\s*true/);
    }

    // Both results reach the lead, then the all-idle reminder.
    await model.waitForRequest(
      (entry) =>
        fromLead(entry) && lastPrompt(entry.request as NonNullable<LoggedRequest["request"]>).includes(REMINDER),
      150_000,
      "the all-idle reminder in the lead's conversation",
    );
    // Four more daemon ticks must not repeat anything.
    const settledAt = model.requests.length;
    const ticksAt = daemonTicks(box);
    await waitUntil("four more daemon ticks", () => daemonTicks(box) >= ticksAt + 4, 60_000);
    const final = latestLeadRequest(model).request as NonNullable<LoggedRequest["request"]>;
    expect(promptsContaining(final, TOKENS.codexResult)).toHaveLength(1);
    expect(promptsContaining(final, TOKENS.claudeResult)).toHaveLength(1);
    expect(promptsContaining(final, REMINDER)).toHaveLength(1);
    expect(model.requests.slice(settledAt).filter(fromLead)).toHaveLength(0);

    // The screens the runtime reads still classify as the pinned versions draw them: every CLI idle at its prompt.
    expect(classify(box, "codex", teamScreen(box, "coder-codex"))).toBe("input_ready");
    expect(classify(box, "claude_code", teamScreen(box, "coder-claude"))).toBe("input_ready");
    expect(classify(box, "claude_code", lead.screen())).toBe("input_ready");
  });
});
