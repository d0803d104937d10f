import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SessionCaptureContext } from "@team-agent/provider-registry";
import { describe, expect, it } from "vitest";
import { captureFakeSession } from "../../src/transcript/capture.js";
import { defaultProjectsRoot, encodeProjectDir, projectDir, transcriptPath } from "../../src/transcript/paths.js";
import { tempDir } from "../helpers/env.js";

const SESSION = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const OTHER = "9b2d6a1e-0c4b-4e8e-8f5a-2d1c3b4a5e6f";
const NOW = "2026-03-01T12:00:10.000Z";

function context(workspace: string, overrides: Partial<SessionCaptureContext> = {}): SessionCaptureContext {
  return {
    agentId: "dev",
    spawnCwd: workspace,
    spawnedAt: "2026-03-01T12:00:00.000Z",
    predeterminedSessionId: SESSION,
    excludeSessionIds: [],
    authMode: "subscription",
    roots: {},
    now: NOW,
    ...overrides,
  };
}

function writeTranscript(path: string, records: object[]): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}

const userRecord = (sessionId: string, cwd: string, timestamp = "2026-03-01T12:00:05.000Z") => ({
  type: "user",
  uuid: "u1",
  sessionId,
  cwd,
  timestamp,
  message: { role: "user", content: "hi" },
});

describe("project dir encoding", () => {
  it("replaces every code point outside [A-Za-z0-9.-] with one dash", () => {
    expect(encodeProjectDir("/tmp/my ws_1/a.b-c")).toBe("-tmp-my-ws-1-a.b-c");
    expect(encodeProjectDir("/tmp/数据/😀")).toBe("-tmp-----");
  });
});

describe("captureFakeSession", () => {
  it("finds the predetermined session once it has a user message, with high confidence", async () => {
    const ws = tempDir();
    const path = transcriptPath(defaultProjectsRoot(ws), ws, SESSION);
    expect(await captureFakeSession(context(ws))).toBeNull(); // nothing written yet
    writeTranscript(path, [{ type: "summary", sessionId: SESSION }]);
    expect(await captureFakeSession(context(ws))).toBeNull(); // no user message yet
    writeTranscript(path, [userRecord(SESSION, ws)]);
    expect(await captureFakeSession(context(ws))).toEqual({
      session_id: SESSION,
      rollout_path: path,
      captured_at: NOW,
      captured_via: "predetermined_session_id",
      attribution_confidence: "high",
      spawn_cwd: ws,
    });
  });

  it("uses roots.projects, resolves a symlinked cwd, and refuses another cwd or an excluded id", async () => {
    const ws = tempDir();
    const root = tempDir();
    const link = join(tempDir(), "link");
    symlinkSync(ws, link);
    const path = transcriptPath(root, ws, SESSION);
    writeTranscript(path, [userRecord(SESSION, ws)]);
    expect(await captureFakeSession(context(link, { roots: { projects: root } }))).toMatchObject({
      rollout_path: path,
      spawn_cwd: ws,
    });
    expect(
      await captureFakeSession(context(ws, { roots: { projects: root }, excludeSessionIds: [SESSION] })),
    ).toBeNull();
    writeTranscript(path, [userRecord(SESSION, "/somewhere/else")]);
    expect(await captureFakeSession(context(ws, { roots: { projects: root } }))).toBeNull();
  });

  it("without a predetermined id, accepts exactly one fitting transcript (medium), never a guess between two", async () => {
    const ws = tempDir();
    const dir = projectDir(defaultProjectsRoot(ws), ws);
    const noPredetermined = context(ws, { predeterminedSessionId: null });
    writeTranscript(join(dir, `${SESSION}.jsonl`), [userRecord(SESSION, ws)]);
    // Too old (before spawn), so not a candidate.
    writeTranscript(join(dir, `${OTHER}.jsonl`), [userRecord(OTHER, ws, "2026-03-01T11:00:00.000Z")]);
    expect(await captureFakeSession(noPredetermined)).toMatchObject({
      session_id: SESSION,
      captured_via: "fs_scan",
      attribution_confidence: "medium",
    });
    // A second fitting transcript (no timestamp: its mtime counts) makes the answer ambiguous.
    writeTranscript(join(dir, `${OTHER}.jsonl`), [{ type: "user", message: { content: "x" } }]);
    const at = new Date("2026-03-01T12:00:06.000Z");
    utimesSync(join(dir, `${OTHER}.jsonl`), at, at);
    expect(await captureFakeSession(noPredetermined)).toBeNull();
    expect(await captureFakeSession({ ...noPredetermined, excludeSessionIds: [OTHER] })).toMatchObject({
      session_id: SESSION,
    });
  });
});
