/**
 * Session capture over rollout files laid out like Codex does (`sessions/YYYY/MM/DD/rollout-…-<id>.jsonl`),
 * built from our recorded rollouts with their session meta adjusted per case.
 */
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionCaptureContext } from "@team-agent/provider-registry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureCodexSession, sessionsRoot } from "../../src/transcripts/capture.js";
import { datedDirEnd, newestRollouts } from "../../src/transcripts/rollout-files.js";
import { rolloutMeta, rolloutRecords } from "../helpers/fixtures.js";

let root: string;
let sessions: string;
let workspace: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "ta-codex-capture-")));
  sessions = join(root, "sessions");
  workspace = join(root, "workspace");
  mkdirSync(workspace, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const BASE = Date.parse(rolloutMeta("turn-complete").timestamp);
const at = (offsetMs: number) => new Date(BASE + offsetMs).toISOString();

interface Place {
  what?: string;
  id?: string;
  cwd?: string | null;
  timestamp?: string | null;
  originator?: string;
  /** Rewrites the identity line to name this agent. */
  agent?: string;
  dir?: string;
  nested?: boolean;
  /** Keep only the first N records. */
  records?: number;
}

let counter = 0;
function place(options: Place = {}): { id: string; path: string } {
  const records = rolloutRecords(options.what ?? "turn-complete");
  const first = records[0] as { payload: Record<string, unknown> };
  const id = options.id ?? `01a2135b-0000-7000-8000-${String(++counter).padStart(12, "0")}`;
  const payload: Record<string, unknown> = { ...first.payload, id, session_id: id, cwd: options.cwd ?? workspace };
  if (options.cwd === null) delete payload.cwd;
  if (options.timestamp !== undefined) payload.timestamp = options.timestamp ?? undefined;
  if (options.originator) payload.originator = options.originator;
  const head = options.nested ? { session_meta: { payload } } : { ...first, payload };
  let body = [head, ...records.slice(1)].slice(0, options.records ?? records.length).map((r) => JSON.stringify(r));
  if (options.agent)
    body = body.map((line) => line.replace(/team_agent_id=[A-Za-z0-9_-]+/g, `team_agent_id=${options.agent}`));
  const dir = join(sessions, options.dir ?? "2026/11/25");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rollout-2026-11-25T15-38-06-${id}.jsonl`);
  writeFileSync(path, `${body.join("\n")}\n`);
  return { id, path };
}

function context(overrides: Partial<SessionCaptureContext> = {}): SessionCaptureContext {
  return {
    agentId: "w-complete",
    spawnCwd: workspace,
    spawnedAt: at(-1000),
    predeterminedSessionId: null,
    excludeSessionIds: [],
    authMode: "compatible_api",
    roots: { sessions },
    now: at(30_000),
    ...overrides,
  };
}

describe("capturing a worker's rollout", () => {
  it("finds the rollout that names this agent, with high confidence", async () => {
    const mine = place();
    expect(await captureCodexSession(context())).toEqual({
      session_id: mine.id,
      rollout_path: mine.path,
      captured_at: at(30_000),
      captured_via: "fs_watch",
      attribution_confidence: "high",
      spawn_cwd: workspace,
    });
  });

  it("returns nothing while no rollout exists (Codex writes it with the first message)", async () => {
    expect(await captureCodexSession(context())).toBeNull();
    mkdirSync(sessions, { recursive: true });
    expect(await captureCodexSession(context())).toBeNull();
  });

  it("ignores rollouts of other cwds", async () => {
    place({ cwd: join(root, "elsewhere") });
    expect(await captureCodexSession(context())).toBeNull();
  });

  it("ignores excluded session ids (owned by other agents)", async () => {
    const taken = place();
    expect(await captureCodexSession(context({ excludeSessionIds: [taken.id] }))).toBeNull();
    const free = place({ timestamp: at(500) });
    expect((await captureCodexSession(context({ excludeSessionIds: [taken.id] })))?.session_id).toBe(free.id);
  });

  it("never takes a rollout that names another agent of the same workspace", async () => {
    place({ agent: "w-other" });
    expect(await captureCodexSession(context())).toBeNull();
    expect((await captureCodexSession(context({ agentId: "w-other" })))?.attribution_confidence).toBe("high");
  });

  it("two workers started together in one workspace each get their own", async () => {
    const a = place({ agent: "dev-a", timestamp: at(200) });
    const b = place({ agent: "dev-b", timestamp: at(100) });
    expect((await captureCodexSession(context({ agentId: "dev-a" })))?.session_id).toBe(a.id);
    expect((await captureCodexSession(context({ agentId: "dev-b" })))?.session_id).toBe(b.id);
  });

  it("the earliest of several candidates wins", async () => {
    place({ timestamp: at(900) });
    const early = place({ timestamp: at(100) });
    place({ timestamp: at(400) });
    expect((await captureCodexSession(context()))?.session_id).toBe(early.id);
  });

  it("a rollout naming this agent beats an earlier one without any identity line", async () => {
    place({ what: "mixed-session", timestamp: at(0) });
    const mine = place({ timestamp: at(800) });
    expect((await captureCodexSession(context()))?.session_id).toBe(mine.id);
  });

  it("prefers a predetermined session id", async () => {
    place({ timestamp: at(100) });
    const chosen = place({ timestamp: at(900) });
    expect((await captureCodexSession(context({ predeterminedSessionId: chosen.id })))?.session_id).toBe(chosen.id);
  });
});

describe("rollouts without an identity line (not started by this plugin)", () => {
  it("are a fallback with medium confidence for the TUI originator with a timestamp", async () => {
    const other = place({ what: "mixed-session", timestamp: at(0) });
    expect(await captureCodexSession(context())).toMatchObject({
      session_id: other.id,
      attribution_confidence: "medium",
    });
  });

  it("drop to low confidence for another originator", async () => {
    place({ what: "mixed-session", timestamp: at(0), originator: "codex_vscode" });
    expect((await captureCodexSession(context()))?.attribution_confidence).toBe("low");
  });

  it("drop to low confidence without a meta timestamp", async () => {
    place({ what: "mixed-session", timestamp: null });
    expect((await captureCodexSession(context()))?.attribution_confidence).toBe("low");
  });
});

describe("the time window", () => {
  it("rejects a session started more than 2 s before the spawn", async () => {
    place({ timestamp: at(0) });
    expect(await captureCodexSession(context({ spawnedAt: at(2500) }))).toBeNull();
    expect(await captureCodexSession(context({ spawnedAt: at(1500) }))).not.toBeNull();
  });

  it("rejects a meta timestamp more than 5 s after now", async () => {
    place({ timestamp: at(36_000) });
    expect(await captureCodexSession(context())).toBeNull();
    place({ timestamp: at(34_000) });
    expect(await captureCodexSession(context())).not.toBeNull();
  });

  it("rejects files last modified before the spawn window without reading them", async () => {
    place();
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await captureCodexSession(context({ spawnedAt: later, now: later }))).toBeNull();
  });

  it("refuses an invalid spawn time", async () => {
    await expect(captureCodexSession(context({ spawnedAt: "yesterday" }))).rejects.toMatchObject({
      code: "invalid_capture_context",
    });
  });
});

describe("partly written and older rollouts", () => {
  it("waits while only the session meta is written, then finds it", async () => {
    const { path } = place({ records: 1 });
    expect(await captureCodexSession(context())).toBeNull();
    const rest = rolloutRecords("turn-complete")
      .slice(1)
      .map((r) => JSON.stringify(r));
    appendFileSync(path, `${rest.join("\n")}\n`);
    expect((await captureCodexSession(context()))?.rollout_path).toBe(path);
  });

  it("skips a first line that is not complete yet", async () => {
    const dir = join(sessions, "2026/11/25");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "rollout-x-01a2135b-0000-7000-8000-000000000999.jsonl"), '{"type":"session_meta","payl');
    expect(await captureCodexSession(context())).toBeNull();
  });

  it("reads the older nested session_meta form", async () => {
    const old = place({ nested: true });
    expect((await captureCodexSession(context()))?.session_id).toBe(old.id);
  });

  it("takes the id from the file name when the meta has none", async () => {
    const { path } = place();
    const records = rolloutRecords("turn-complete");
    const meta = records[0] as { payload: Record<string, unknown> };
    const payload: Record<string, unknown> = { ...meta.payload, cwd: workspace };
    delete payload.id;
    delete payload.session_id;
    writeFileSync(path, `${[{ ...meta, payload }, ...records.slice(1)].map((r) => JSON.stringify(r)).join("\n")}\n`);
    expect((await captureCodexSession(context()))?.session_id).toMatch(/^01a2135b-0000-7000-8000-\d{12}$/);
  });

  it("ignores a rollout whose meta has no cwd", async () => {
    place({ cwd: null });
    expect(await captureCodexSession(context())).toBeNull();
  });

  it("reads a session meta line longer than one read chunk", async () => {
    const { path } = place();
    const records = rolloutRecords("turn-complete");
    const meta = records[0] as { payload: Record<string, unknown> };
    const id = path.slice(-42, -6);
    const payload = { ...meta.payload, id, cwd: workspace, base_instructions: { text: "y".repeat(200_000) } };
    writeFileSync(path, `${[{ ...meta, payload }, ...records.slice(1)].map((r) => JSON.stringify(r)).join("\n")}\n`);
    expect((await captureCodexSession(context()))?.session_id).toBe(id);
  });

  it("matches a spawn cwd given through a symlink", async () => {
    const link = join(root, "link-to-workspace");
    symlinkSync(workspace, link);
    place();
    expect((await captureCodexSession(context({ spawnCwd: link })))?.spawn_cwd).toBe(link);
  });
});

describe("where rollouts are looked for", () => {
  const env = (vars: Record<string, string>) => ({ env: vars, homeDir: "/home/u" });

  it("roots.sessions, else roots.codexHome, else CODEX_HOME, else ~/.codex", () => {
    expect(sessionsRoot({ sessions: "/s", codexHome: "/h" }, env({ CODEX_HOME: "/c" }))).toBe("/s");
    expect(sessionsRoot({ codexHome: "/h" }, env({ CODEX_HOME: "/c" }))).toBe("/h/sessions");
    expect(sessionsRoot({}, env({ CODEX_HOME: "/c" }))).toBe("/c/sessions");
    expect(sessionsRoot({}, env({}))).toBe("/home/u/.codex/sessions");
  });

  it("uses CODEX_HOME from the plugin's environment when no root is given", async () => {
    const mine = place();
    const found = await captureCodexSession(context({ roots: {} }), env({ CODEX_HOME: root }));
    expect(found?.session_id).toBe(mine.id);
  });

  it("skips dated directories that end before the spawn, but not undated layouts", async () => {
    place({ dir: "2020/01/01" });
    expect(await captureCodexSession(context())).toBeNull();
    const flat = place({ dir: "imported" });
    expect((await captureCodexSession(context()))?.session_id).toBe(flat.id);
  });

  it("dated directory ends", () => {
    expect(datedDirEnd(["2026"])).toBe(Date.UTC(2027, 0, 1) + 86_400_000);
    expect(datedDirEnd(["2026", "11"])).toBe(Date.UTC(2026, 11, 1) + 86_400_000);
    expect(datedDirEnd(["2026", "11", "25"])).toBe(Date.UTC(2026, 10, 26) + 86_400_000);
    expect(datedDirEnd(["imported"])).toBeNull();
    expect(datedDirEnd([])).toBeNull();
  });

  it("looks at no more than the limit, newest first", async () => {
    for (let i = 0; i < 5; i++) place({ dir: `2026/11/${20 + i}` });
    const found = await newestRollouts(sessions, 0, 3);
    expect(found).toHaveLength(3);
    expect(found.every((f) => /2026\/11\/2[234]/.test(f.path))).toBe(true);
  });
});
