import { mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { exitCodeFor, failure, success, usageError } from "../../src/envelope.js";
import { TeamRuntimeError, ValidationError } from "../../src/errors.js";
import {
  assertSafeId,
  isSafeId,
  newMessageId,
  newResultId,
  newWatcherId,
  sanitizeTeamFolderName,
} from "../../src/ids.js";
import { fileStamp, normalizeIso } from "../../src/time.js";
import {
  ensureWorkspace,
  findWorkspaceRoot,
  resolveExistingPath,
  workspaceLayout,
  workspaceOfTeamDocDir,
  writeSecretFile,
} from "../../src/workspace.js";
import { useTempDirs } from "../helpers/temp-dir.js";

const temp = useTempDirs();
let dir: string;
beforeEach(() => {
  dir = temp.make("ta-found-");
});

describe("ids (D8)", () => {
  it.each(["alpha", "dev-1", "A_b-9", "x".repeat(64)])("accepts %s", (id) => expect(isSafeId(id)).toBe(true));
  it.each(["", "-lead", "_x", "../etc", "a/b", "a b", "a.b", "x".repeat(65), "é", "a\u0000b"])("rejects %j", (id) => {
    expect(isSafeId(id)).toBe(false);
    expect(() => assertSafeId("agent", id, "/agents/0/id")).toThrow(ValidationError);
  });
  it("names the kind, the value and the rule", () => {
    try {
      assertSafeId("team", "../../etc");
      expect.unreachable();
    } catch (error) {
      const validation = error as ValidationError;
      expect(validation.code).toBe("invalid_id");
      expect(validation.message).toContain('invalid team id "../../etc"');
      expect(validation.action).toMatch(/team id/);
    }
  });
  it("generates prefixed 12-hex ids", () => {
    expect(newMessageId()).toMatch(/^msg_[0-9a-f]{12}$/);
    expect(newResultId()).toMatch(/^res_[0-9a-f]{12}$/);
    expect(newWatcherId()).toMatch(/^watch_[0-9a-f]{12}$/);
    expect(new Set(Array.from({ length: 1000 }, newMessageId)).size).toBe(1000);
  });
  it("sanitizes free team names into folder names", () => {
    expect(sanitizeTeamFolderName("my team!")).toBe("my_team");
    expect(sanitizeTeamFolderName("..//")).toBe("team");
    expect(sanitizeTeamFolderName("-ok.v2-")).toBe("ok.v2");
  });
});

describe("timestamps (D1)", () => {
  it("normalises the original's forms to fixed-width UTC with milliseconds and Z", () => {
    expect(normalizeIso("2026-05-27T07:37:33.234588+00:00")).toBe("2026-05-27T07:37:33.234Z");
    expect(normalizeIso("2026-05-27T07:37:33+00:00")).toBe("2026-05-27T07:37:33.000Z");
    expect(normalizeIso("2026-05-27T09:37:33.5+02:00")).toBe("2026-05-27T07:37:33.500Z");
    expect(() => normalizeIso("2026-05-27 07:37")).toThrow(RangeError);
    expect(fileStamp(() => new Date("2026-05-27T07:37:33.234Z"))).toBe("20260527T073733Z");
  });
});

describe("result envelope (D7)", () => {
  it("puts data beside ok/summary/next_actions", () => {
    const envelope = success("2 agents", { agents: ["a", "b"] }, ["team-agent status"]);
    expect(envelope).toEqual({
      ok: true,
      summary: "2 agents",
      agents: ["a", "b"],
      next_actions: ["team-agent status"],
    });
    expect(exitCodeFor(envelope)).toBe(0);
  });
  it("carries code, message and action on failure", () => {
    const envelope = failure(new TeamRuntimeError("lock_busy", "send is locked", "retry in a moment"), { team: "a" });
    expect(envelope).toMatchObject({
      ok: false,
      summary: "send is locked",
      team: "a",
      next_actions: ["retry in a moment"],
      error: { code: "lock_busy", message: "send is locked", action: "retry in a moment" },
    });
    expect(exitCodeFor(envelope)).toBe(1);
    expect(exitCodeFor(failure(usageError("unknown flag --x", "see --help")))).toBe(2);
    expect(failure(new Error("boom")).error?.code).toBe("internal_error");
  });
  it("refuses data that would shadow the fixed keys", () => {
    expect(() => success("x", { ok: false })).toThrow(/reserved key "ok"/);
  });
});

describe("workspace layout (D8)", () => {
  it("creates .team/ and its runtime dirs with mode 0700, tightening looser ones", () => {
    mkdirSync(join(dir, ".team"), { mode: 0o755 });
    const layout = ensureWorkspace(dir);
    for (const path of [layout.teamRoot, layout.runtimeDir, layout.logsDir, layout.artifactsDir]) {
      expect(statSync(path).mode & 0o777).toBe(0o700);
    }
    expect(layout.dbPath).toBe(join(resolveExistingPath(dir), ".team", "runtime", "team.db"));
    expect(layout.teamDocDir()).toMatch(/\.team\/current$/);
    expect(() => layout.teamDocDir("../escape")).toThrow(ValidationError);
    expect(() => layout.agentMcpConfigPath("a/b")).toThrow(ValidationError);
  });
  it("writes secret files 0600 atomically", () => {
    const path = join(dir, "secret.env");
    writeSecretFile(path, "API_KEY=x\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe("API_KEY=x\n");
  });
  it("resolves symlinked prefixes and finds the owning workspace", () => {
    const real = join(dir, "real");
    mkdirSync(join(real, ".team", "alpha", "agents"), { recursive: true });
    symlinkSync(real, join(dir, "link"));
    expect(resolveExistingPath(join(dir, "link", "not", "yet"))).toBe(join(resolveExistingPath(real), "not", "yet"));
    expect(findWorkspaceRoot(join(dir, "link", ".team", "alpha", "agents"))).toBe(resolveExistingPath(real));
    expect(workspaceOfTeamDocDir(join(real, ".team", "alpha"))).toBe(resolveExistingPath(real));
    expect(workspaceOfTeamDocDir(join(real, "docs"))).toBe(resolveExistingPath(real));
    expect(workspaceLayout(join(dir, "link")).root).toBe(resolveExistingPath(real));
    expect(findWorkspaceRoot(tmpdir())).toBeUndefined();
  });
});
