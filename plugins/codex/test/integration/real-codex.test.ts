/**
 * End to end with the REAL Codex CLI (skipped when it is not installed; see test/helpers/codex-harness.ts):
 * our -c overrides as Codex parses them, and workers started from our launch plans in a private tmux server,
 * talking to a local model endpoint, with messages delivered by tmux-prompt and sessions found by our capture.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isoNow } from "@team-agent/core-state";
import { readTurnState } from "@team-agent/idle-predicate";
import { always } from "@team-agent/scripted-model";
import { injectText } from "@team-agent/tmux-prompt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildLaunch, buildResume, developerInstructions } from "../../src/launch/build.js";
import { mcpOverrides } from "../../src/launch/mcp.js";
import { CODEX_PASTE_STRATEGY, CODEX_SIGNATURES } from "../../src/screen/signatures.js";
import { captureCodexSession } from "../../src/transcripts/capture.js";
import { codexFaults } from "../../src/transcripts/faults.js";
import { codexTranscriptReader } from "../../src/transcripts/reader.js";
import {
  CODEX_BIN,
  codexAvailable,
  type Harness,
  pretendNewerVersion,
  startHarness,
  waitUntil,
} from "../helpers/codex-harness.js";
import { MCP, workerSpec } from "../helpers/fixtures.js";

const available = codexAvailable();
const COMPOSER = /Ask Codex to do anything/;

describe.skipIf(!available)("Codex parses our config overrides exactly", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "ta-codex-cfg-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const codex = (args: string[]) =>
    execFileSync(CODEX_BIN, args, {
      encoding: "utf8",
      env: { ...process.env, CODEX_HOME: home, HOME: home },
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    });

  it("developer_instructions arrive as the exact prompt text, quotes, backslashes and newlines included", () => {
    const worker = workerSpec({ systemPrompt: 'Line "one" \\ two\n\ttabbed\r\nthree \u0007 ünï 😀 end' });
    const argv = buildLaunch("codex", worker, MCP).argv;
    const i = argv.findIndex((a) => a.startsWith("developer_instructions="));
    const items = JSON.parse(codex(["debug", "prompt-input", "-c", argv[i]!])) as {
      type: string;
      role?: string;
      content?: { text?: string }[];
    }[];
    const texts = items.filter((x) => x.type === "message" && x.role === "developer").flatMap((x) => x.content ?? []);
    expect(texts.map((c) => c.text)).toContain(developerInstructions(worker));
  });

  it("the MCP server entry has our command, args, identity env and timeouts", () => {
    const worker = workerSpec();
    const mcp = { ...MCP, args: ["/opt/x.js", "--workspace", 'a "quoted" dir\\'], env: { EXTRA: "v=1;2" } };
    const got = JSON.parse(codex(["mcp", "get", "team_orchestrator", "--json", ...mcpOverrides(worker, mcp)]));
    expect(got).toMatchObject({
      name: "team_orchestrator",
      enabled: true,
      transport: {
        type: "stdio",
        command: "/usr/bin/node",
        args: ["/opt/x.js", "--workspace", 'a "quoted" dir\\'],
        env: {
          EXTRA: "v=1;2",
          TEAM_AGENT_ID: "dev-1",
          TEAM_AGENT_OWNER_TEAM_ID: "alpha",
          TEAM_AGENT_WORKSPACE: "/work/space",
        },
      },
      startup_timeout_sec: 30,
      tool_timeout_sec: 600,
    });
  });
});

describe.skipIf(!available)("workers from our launch plans in tmux", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const capture = (agentId: string, spawnedAt: string, exclude: string[] = []) =>
    captureCodexSession({
      agentId,
      spawnCwd: h.workspace,
      spawnedAt,
      predeterminedSessionId: null,
      excludeSessionIds: exclude,
      authMode: "compatible_api",
      roots: { codexHome: h.codexHome },
      now: isoNow(),
    });

  const send = async (pane: string, text: string) => {
    const result = await injectText(h.client, pane, text, {
      bufferName: "ta-it",
      strategy: CODEX_PASTE_STRATEGY,
      signatures: CODEX_SIGNATURES,
    });
    // One Enter, one second after the paste, is enough: Codex did not take it for part of the paste.
    expect(result, JSON.stringify(result.attempts)).toMatchObject({ ok: true, submitted: true, submitPresses: 1 });
  };

  const completions = (path: string) => readFileSync(path, "utf8").split('"type":"task_complete"').length - 1;

  it("starts without the update offer, starts the team MCP server, delivers, captures and reads idle", async () => {
    pretendNewerVersion(h.codexHome);
    h.setScript([always([{ text: "Done with the task." }])]);
    const spawnedAt = isoNow();
    const pane = await h.start("dev-1", buildLaunch(CODEX_BIN, h.worker("dev-1"), h.mcp()));
    const ready = await h.waitForScreen(pane, COMPOSER);
    expect(ready).not.toMatch(/Update now/);

    const started = await waitUntil("the MCP server to start", () => {
      try {
        return readFileSync(h.mcpLog, "utf8").includes('"method":"initialize"') ? readFileSync(h.mcpLog, "utf8") : null;
      } catch {
        return null;
      }
    });
    expect(JSON.parse(started.split("\n")[0]!)).toEqual({
      started: true,
      agent: "dev-1",
      team: "rec",
      workspace: h.workspace,
      argv: ["--workspace", h.workspace],
    });

    expect(await capture("dev-1", spawnedAt)).toBeNull(); // no rollout before the first message
    await send(pane, "Please do the task.");
    const found = await waitUntil("the rollout with one completed turn", async () => {
      const c = await capture("dev-1", spawnedAt);
      return c && completions(c.rollout_path) === 1 ? c : null;
    });
    expect(found).toMatchObject({ captured_via: "fs_watch", attribution_confidence: "high", spawn_cwd: h.workspace });
    const text = readFileSync(found.rollout_path, "utf8");
    expect(readTurnState(codexTranscriptReader, text).state).toBe("idle");
    expect(codexFaults(text)).toEqual([]);
  });

  it("two workers in one workspace each capture their own session", async () => {
    h.setScript([always([{ text: "ok" }])]);
    const spawnedAt = isoNow();
    const a = await h.start("dev-a", buildLaunch(CODEX_BIN, h.worker("dev-a"), h.mcp()));
    const b = await h.start("dev-b", buildLaunch(CODEX_BIN, h.worker("dev-b"), h.mcp()));
    await h.waitForScreen(a, COMPOSER);
    await h.waitForScreen(b, COMPOSER);
    await send(b, "You are second to start the turn.");
    await send(a, "You are first to start the turn.");
    const [ca, cb] = await waitUntil("both rollouts", async () => {
      const pair = [await capture("dev-a", spawnedAt), await capture("dev-b", spawnedAt)];
      const [first, second] = pair;
      return first && second && completions(first.rollout_path) === 1 && completions(second.rollout_path) === 1
        ? ([first, second] as const)
        : null;
    });
    expect(ca.session_id).not.toBe(cb.session_id);
    expect(readFileSync(ca.rollout_path, "utf8")).toContain("You are first to start the turn.");
    expect(readFileSync(cb.rollout_path, "utf8")).toContain("You are second to start the turn.");
    // With its own session excluded, dev-a must not be handed dev-b's.
    expect(await capture("dev-a", spawnedAt, [ca.session_id!])).toBeNull();
  });

  it("resumes a captured session with the same options", async () => {
    h.setScript([always([{ text: "First answer." }])]);
    const spawnedAt = isoNow();
    const worker = h.worker("dev-r");
    const first = await h.start("dev-r", buildLaunch(CODEX_BIN, worker, h.mcp()));
    await h.waitForScreen(first, COMPOSER);
    await send(first, "Remember the word pineapple.");
    const captured = await waitUntil("the first turn", async () => {
      const c = await capture("dev-r", spawnedAt);
      return c && completions(c.rollout_path) === 1 ? c : null;
    });
    await h.client.sendKeys(first, ["/exit"], { literal: true });
    await new Promise((r) => setTimeout(r, CODEX_PASTE_STRATEGY.delayBeforeSubmitMs));
    await h.client.sendKeys(first, ["Enter"]);
    await waitUntil("the first Codex to exit", async () => !(await h.client.paneExists(first)), 20_000);

    h.setScript([always([{ text: "Second answer." }])]);
    const resumed = await h.start("dev-r2", buildResume(CODEX_BIN, worker, h.mcp(), captured.session_id!));
    // "Resuming session…" shows first; the earlier conversation appears once it is loaded.
    await h.waitForScreen(resumed, /Remember the word pineapple\.[\s\S]*First answer\./);
    await h.waitForScreen(resumed, COMPOSER);
    await send(resumed, "What was the word?");
    const resumedPath = await waitUntil("a second completed turn in the session", async () => {
      const c = await capture("dev-r", spawnedAt);
      return c?.session_id === captured.session_id && completions(c.rollout_path) >= 2 ? c.rollout_path : null;
    });
    expect(readFileSync(resumedPath, "utf8")).toContain("What was the word?");
  });
});
