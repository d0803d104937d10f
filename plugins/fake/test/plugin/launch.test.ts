import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { mcpConfigJson, resolveCliEntry } from "../../src/launch.js";
import { defaultProjectsRoot, isSessionId } from "../../src/transcript/paths.js";
import { teamServerLaunch, tempDir, workerSpec } from "../helpers/env.js";

const flag = (argv: string[], name: string) => {
  const at = argv.indexOf(name);
  return at < 0 ? undefined : argv[at + 1];
};

describe("buildLaunch", () => {
  it("runs this package's CLI with the current Node, the workspace, agent id, MCP config and a fresh session id", () => {
    const ws = tempDir();
    const mcp = teamServerLaunch("/tmp/calls.jsonl", "dev");
    const plan = plugin.buildLaunch(workerSpec(ws), mcp);
    const entry = resolveCliEntry();
    expect(plan.argv.slice(0, 1 + entry.nodeArgs.length)).toEqual([process.execPath, ...entry.nodeArgs]);
    expect(plan.argv[0]).toBe(plugin.command);
    expect(flag(plan.argv, "--workspace")).toBe(ws);
    expect(flag(plan.argv, "--agent-id")).toBe("dev");
    expect(JSON.parse(flag(plan.argv, "--mcp-config")!)).toEqual({
      mcpServers: { team_orchestrator: { type: "stdio", command: mcp.command, args: mcp.args, env: mcp.env } },
    });
    expect(flag(plan.argv, "--session-id")).toBe(plan.predeterminedSessionId);
    expect(isSessionId(plan.predeterminedSessionId)).toBe(true);
    expect(flag(plan.argv, "--projects-root")).toBe(defaultProjectsRoot(ws));
    expect(plan.env).toEqual({ TEAM_AGENT_ID: "dev", TEAM_AGENT_WORKSPACE: ws });
    expect(plan.argv).not.toContain("--trust-prompt");
    expect(plugin.buildLaunch(workerSpec(ws), mcp).predeterminedSessionId).not.toBe(plan.predeterminedSessionId);
  });

  it("profile settings add a script and the trust prompt; a managed config dir holds the transcripts", () => {
    const ws = tempDir();
    const configDir = join(tempDir(), "provider-config", "dev");
    const plan = plugin.buildLaunch(
      workerSpec(ws, {
        providerConfigDir: configDir,
        profileSettings: { SCRIPT: "/x/script.json", TRUST_PROMPT: "true" },
      }),
      teamServerLaunch("/tmp/calls.jsonl", "dev"),
    );
    expect(flag(plan.argv, "--script")).toBe("/x/script.json");
    expect(plan.argv).toContain("--trust-prompt");
    expect(flag(plan.argv, "--projects-root")).toBe(join(configDir, "projects"));
  });

  it("buildResume continues a session; anything but a UUID is refused with resume_unavailable", () => {
    const ws = tempDir();
    const mcp = teamServerLaunch("/tmp/calls.jsonl", "dev");
    const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const plan = plugin.buildResume(workerSpec(ws), mcp, id);
    expect(flag(plan.argv, "--resume")).toBe(id);
    expect(plan.argv).not.toContain("--session-id");
    expect(plan.predeterminedSessionId).toBe(id);
    for (const bad of ["", "../../etc/passwd", "not-a-uuid"]) {
      expect(() => plugin.buildResume(workerSpec(ws), mcp, bad)).toThrow(
        expect.objectContaining({ code: "resume_unavailable" }),
      );
    }
  });

  it("the MCP config is Claude Code's mcpServers shape", () => {
    const json = mcpConfigJson({
      name: "team_orchestrator",
      command: "tam",
      args: ["mcp"],
      env: { TEAM_AGENT_ID: "w" },
    });
    expect(JSON.parse(json)).toEqual({
      mcpServers: { team_orchestrator: { type: "stdio", command: "tam", args: ["mcp"], env: { TEAM_AGENT_ID: "w" } } },
    });
  });
});

describe("resolveCliEntry", () => {
  it("from source: the TypeScript entry through tsx with the source condition", () => {
    const entry = resolveCliEntry();
    expect(entry.mode).toBe("source");
    expect(entry.file.endsWith(join("src", "cli", "main.ts"))).toBe(true);
    expect(existsSync(entry.file)).toBe(true);
    expect(entry.nodeArgs).toEqual([
      "--conditions=source",
      "--import",
      expect.stringMatching(/^file:.*tsx/),
      entry.file,
    ]);
  });

  it("from a build: dist/cli/main.js next to the compiled module", () => {
    const compiled = pathToFileURL("/opt/pkg/dist/launch.js").href;
    expect(resolveCliEntry(compiled)).toEqual({
      nodeArgs: ["/opt/pkg/dist/cli/main.js"],
      file: "/opt/pkg/dist/cli/main.js",
      mode: "built",
    });
  });
});

describe("probe", () => {
  it("is installed, has a version and needs no credentials", async () => {
    expect(await plugin.probe.isInstalled()).toBe(true);
    expect(await plugin.probe.version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await plugin.probe.authHint()).toMatchObject({ status: "present" });
  });
});
