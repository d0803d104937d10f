import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SessionCaptureContext } from "@team-agent/provider-registry";
import { describe, expect, it } from "vitest";
import { captureSession, FALLBACK_LIMIT } from "../../src/transcripts/capture.js";
import { summarizeHead } from "../../src/transcripts/head.js";
import { projectDirNames } from "../../src/transcripts/project-dir.js";
import { SESSION_A, SESSION_B, TRANSCRIPTS, tempDir } from "../helpers.js";

const SPAWN = "2026-05-01T10:00:00.000Z";
const NOW = "2026-05-01T10:00:30.000Z";
const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

interface Setup {
  root: string;
  ws: string;
  dir: string;
  legacyDir: string;
  context(overrides?: Partial<SessionCaptureContext>): SessionCaptureContext;
}

function setup(): Setup {
  const root = tempDir();
  const ws = join(tempDir(), "my_ws");
  mkdirSync(ws);
  // `my_ws`: the current form replaces `_`, the legacy form keeps it.
  const names = projectDirNames(ws);
  const dir = join(root, names[0]!);
  const legacyDir = join(root, names.at(-1)!);
  return {
    root,
    ws,
    dir,
    legacyDir,
    context: (overrides = {}) => ({
      agentId: "dev-1",
      spawnCwd: ws,
      spawnedAt: SPAWN,
      predeterminedSessionId: null,
      excludeSessionIds: [],
      authMode: "subscription",
      roots: { claude_projects_root: root },
      now: NOW,
      ...overrides,
    }),
  };
}

/** Writes a transcript: optional prompt text, cwd and first timestamp; mtime set explicitly. */
function transcript(
  dir: string,
  id: string,
  options: { prompt?: string | null; cwd?: string | null; timestamp?: string; mtime?: Date } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.jsonl`);
  const base = {
    sessionId: id,
    ...(options.cwd === null ? {} : { cwd: options.cwd }),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  };
  const records: object[] = [{ type: "permission-mode", permissionMode: "default", ...base }];
  if (options.prompt !== null)
    records.push({ type: "user", message: { role: "user", content: options.prompt ?? "hi" }, ...base });
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const mtime = options.mtime ?? at(SPAWN, 5);
  utimesSync(path, mtime, mtime);
  return path;
}

describe("capture by predetermined session id", () => {
  it("nothing until the transcript holds a prompt, then fs_watch / high with that id", async () => {
    const s = setup();
    const ctx = s.context({ predeterminedSessionId: SESSION_A });
    expect(await captureSession(ctx)).toBeNull();
    transcript(s.dir, SESSION_A, { cwd: s.ws, prompt: null });
    expect(await captureSession(ctx)).toBeNull();
    const path = transcript(s.dir, SESSION_A, { cwd: s.ws, timestamp: at(SPAWN, 3).toISOString() });
    expect(await captureSession(ctx)).toEqual({
      session_id: SESSION_A,
      rollout_path: path,
      captured_at: NOW,
      captured_via: "fs_watch",
      attribution_confidence: "high",
      spawn_cwd: s.ws,
    });
  });

  it("is found in the legacy project dir too", async () => {
    const s = setup();
    expect(s.legacyDir).not.toBe(s.dir);
    const path = transcript(s.legacyDir, SESSION_A, { cwd: s.ws });
    expect((await captureSession(s.context({ predeterminedSessionId: SESSION_A })))?.rollout_path).toBe(path);
  });

  it("is not attributed when another agent owns the id or the cwd differs", async () => {
    const s = setup();
    transcript(s.dir, SESSION_A, { cwd: s.ws });
    expect(
      await captureSession(s.context({ predeterminedSessionId: SESSION_A, excludeSessionIds: [SESSION_A] })),
    ).toBeNull();
    transcript(s.dir, SESSION_B, { cwd: "/somewhere/else" });
    expect(await captureSession(s.context({ predeterminedSessionId: SESSION_B }))).toBeNull();
  });

  it("a predetermined id that is not a UUID is never turned into a path", async () => {
    const s = setup();
    transcript(s.dir, "evil", { cwd: s.ws });
    expect(await captureSession(s.context({ predeterminedSessionId: "../evil" }))).toBeNull();
  });
});

describe("capture by scanning the project dirs", () => {
  it("needs the agent named in a prompt: score ≥ 2 → high, 1 → medium, 0 → nothing", async () => {
    const s = setup();
    transcript(s.dir, uuid(1), { cwd: s.ws, prompt: "Hello there" });
    expect(await captureSession(s.context())).toBeNull();
    transcript(s.dir, uuid(2), { cwd: s.ws, prompt: "Read agents/dev-1.md first" });
    expect(await captureSession(s.context())).toMatchObject({ session_id: uuid(2), attribution_confidence: "medium" });
    transcript(s.dir, uuid(3), { cwd: s.ws, prompt: "Your agent id: DEV-1", mtime: at(SPAWN, 1) });
    expect(await captureSession(s.context())).toMatchObject({
      session_id: uuid(3),
      captured_via: "fs_watch",
      attribution_confidence: "high",
    });
  });

  it("equal scores: the later start wins", async () => {
    const s = setup();
    transcript(s.dir, uuid(1), { cwd: s.ws, prompt: "team_agent_id=dev-1", timestamp: at(SPAWN, 2).toISOString() });
    transcript(s.dir, uuid(2), { cwd: s.ws, prompt: "worker `dev-1`", timestamp: at(SPAWN, 4).toISOString() });
    expect((await captureSession(s.context()))?.session_id).toBe(uuid(2));
  });

  it("skips other cwds, excluded ids, and starts outside spawn−2 s .. now+5 s; no cwd counts as the same", async () => {
    const s = setup();
    const prompt = "You are Team Agent worker dev-1";
    transcript(s.dir, uuid(1), { cwd: "/other", prompt });
    transcript(s.dir, uuid(2), { cwd: s.ws, prompt });
    transcript(s.dir, uuid(3), { cwd: s.ws, prompt, timestamp: at(SPAWN, -3).toISOString() });
    transcript(s.dir, uuid(4), { cwd: s.ws, prompt, timestamp: at(NOW, 6).toISOString() });
    const ctx = s.context({ excludeSessionIds: [uuid(2)] });
    expect(await captureSession(ctx)).toBeNull();
    transcript(s.dir, uuid(5), { cwd: null, prompt, timestamp: at(SPAWN, -1).toISOString() });
    expect((await captureSession(ctx))?.session_id).toBe(uuid(5));
  });

  it("without a timestamp the file's mtime is the start", async () => {
    const s = setup();
    transcript(s.dir, uuid(1), { cwd: s.ws, prompt: "your agent id: dev-1", mtime: at(SPAWN, -10) });
    expect(await captureSession(s.context())).toBeNull();
    transcript(s.dir, uuid(2), { cwd: s.ws, prompt: "your agent id: dev-1", mtime: at(SPAWN, 10) });
    expect((await captureSession(s.context()))?.session_id).toBe(uuid(2));
  });
});

describe("compatible-API mtime fallback", () => {
  it("only for compatible_api, only when the strict search fails: newest non-empty file → no id, low", async () => {
    const s = setup();
    transcript(s.dir, uuid(1), { cwd: s.ws, prompt: "no agent named here", mtime: at(SPAWN, 3) });
    const path = transcript(s.dir, uuid(2), { cwd: s.ws, prompt: "nor here", mtime: at(SPAWN, 10) });
    expect(await captureSession(s.context())).toBeNull();
    expect(await captureSession(s.context({ authMode: "official_api" }))).toBeNull();
    expect(await captureSession(s.context({ authMode: "compatible_api" }))).toEqual({
      session_id: null,
      rollout_path: path,
      captured_at: NOW,
      captured_via: "fs_mtime_fallback",
      attribution_confidence: "low",
      spawn_cwd: s.ws,
    });
  });

  it("a strict match beats the fallback", async () => {
    const s = setup();
    transcript(s.dir, SESSION_A, { cwd: s.ws, mtime: at(SPAWN, 2) });
    transcript(s.dir, uuid(9), { cwd: s.ws, mtime: at(SPAWN, 20) });
    const ctx = s.context({ authMode: "compatible_api", predeterminedSessionId: SESSION_A });
    expect(await captureSession(ctx)).toMatchObject({ session_id: SESSION_A, captured_via: "fs_watch" });
  });

  it("mtime must lie within spawn−5 s .. now; empty files never count", async () => {
    const s = setup();
    const ctx = s.context({ authMode: "compatible_api" });
    transcript(s.dir, uuid(1), { mtime: at(SPAWN, -6) });
    transcript(s.dir, uuid(2), { mtime: at(NOW, 1) });
    mkdirSync(s.dir, { recursive: true });
    const empty = join(s.dir, `${uuid(3)}.jsonl`);
    writeFileSync(empty, "");
    utimesSync(empty, at(SPAWN, 1), at(SPAWN, 1));
    expect(await captureSession(ctx)).toBeNull();
    const edge = transcript(s.dir, uuid(4), { mtime: at(SPAWN, -5) });
    expect((await captureSession(ctx))?.rollout_path).toBe(edge);
  });

  it(`looks at the ${FALLBACK_LIMIT} newest files only, and follows a newer file on a later call`, async () => {
    const s = setup();
    const ctx = s.context({ authMode: "compatible_api" });
    transcript(s.dir, uuid(100), { mtime: at(SPAWN, 1) });
    for (let i = 0; i < FALLBACK_LIMIT; i++) transcript(s.dir, uuid(i), { mtime: at(NOW, 10 + i) });
    expect(await captureSession(ctx)).toBeNull();
    const later = s.context({ authMode: "compatible_api", now: at(NOW, 60).toISOString() });
    expect((await captureSession(later))?.rollout_path).toBe(join(s.dir, `${uuid(FALLBACK_LIMIT - 1)}.jsonl`));
  });
});

describe("capture of real recorded transcripts", () => {
  it.each(["turn-complete", "tool-use"])("%s: found by its predetermined id under its recorded cwd", async (what) => {
    const source = join(TRANSCRIPTS, `claude-code-2.1.332-${what}.jsonl`);
    const head = summarizeHead(readFileSync(source, "utf8"));
    expect(head.hasUserPrompt).toBe(true);
    const root = tempDir();
    const dir = join(root, projectDirNames(head.cwd!)[0]!);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${head.sessionId}.jsonl`);
    copyFileSync(source, path);
    const found = await captureSession({
      agentId: "dev-1",
      spawnCwd: head.cwd!,
      spawnedAt: head.timestamp!,
      predeterminedSessionId: head.sessionId,
      excludeSessionIds: [],
      authMode: "subscription",
      roots: { claude_projects_root: root },
      now: new Date(Date.parse(head.timestamp!) + 60_000).toISOString(),
    });
    expect(found).toMatchObject({ session_id: head.sessionId, rollout_path: path, attribution_confidence: "high" });
  });
});
