/** Shared test inputs: our recorded rollouts, a worker spec factory, and a TOML basic-string decoder. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";

const ROLLOUTS = new URL("../fixtures/rollouts/", import.meta.url);

export const VERSION = "0.169.0";

/** Path of a recorded rollout (`codex-0.169.0-<what>.jsonl`). */
export function rolloutPath(what: string): string {
  return fileURLToPath(new URL(`codex-${VERSION}-${what}.jsonl`, ROLLOUTS));
}

export function rolloutText(what: string): string {
  return readFileSync(rolloutPath(what), "utf8");
}

export function rolloutRecords(what: string): Record<string, unknown>[] {
  return rolloutText(what)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The first line's session meta payload of a recorded rollout. */
export function rolloutMeta(what: string): { id: string; cwd: string; timestamp: string; originator: string } {
  const first = rolloutRecords(what)[0] as {
    payload: { id: string; cwd: string; timestamp: string; originator: string };
  };
  return first.payload;
}

/** `turn_id`s of the `event_msg` records of one type, in file order. */
export function eventTurnIds(what: string, type: string): string[] {
  return rolloutRecords(what)
    .filter((r) => r.type === "event_msg" && (r.payload as { type?: string }).type === type)
    .map((r) => (r.payload as { turn_id: string }).turn_id);
}

export function workerSpec(overrides: Partial<WorkerLaunchSpec> = {}): WorkerLaunchSpec {
  return {
    teamId: "alpha",
    agentId: "dev-1",
    role: "implementer",
    workspace: "/work/space",
    model: "gpt-5.5",
    authMode: "subscription",
    tools: ["fs_read", "fs_write", "fs_list", "execute_bash", "mcp_team"],
    systemPrompt: "You are dev-1, the implementer.",
    dangerousAutoApprove: false,
    providerConfigDir: null,
    profileSettings: {},
    ...overrides,
  };
}

export const MCP: McpServerLaunch = {
  name: "team_orchestrator",
  command: "/usr/bin/node",
  args: ["/opt/team-agent/mcp-server.js", "--workspace", "/work/space"],
  env: { TEAM_AGENT_WORKSPACE: "/work/space" },
};

/** Decodes a TOML basic string literal (`"…"`), per the TOML 1.0 escape rules; throws on anything invalid. */
export function decodeTomlBasicString(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2)
    throw new Error(`not a basic string: ${literal}`);
  const body = literal.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '"') throw new Error(`unescaped quote at ${i}`);
    if ((code < 0x20 && ch !== "\t") || code === 0x7f)
      throw new Error(`raw control character U+${code.toString(16)} at ${i}`);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = body.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw new Error(`lone surrogate at ${i}`);
      out += ch + body[i + 1];
      i++;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) throw new Error(`lone surrogate at ${i}`);
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
    if (e !== undefined && simple[e] !== undefined) out += simple[e];
    else if (e === "u" || e === "U") {
      const len = e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) throw new Error(`bad \\${e} escape at ${i}`);
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`not a scalar value: ${hex}`);
      out += String.fromCodePoint(cp);
      i += len;
    } else throw new Error(`bad escape \\${e ?? ""} at ${i}`);
  }
  return out;
}

/** The value after `key=` of the `-c` argument for `key`, or undefined. */
export function configValue(argv: readonly string[], key: string): string | undefined {
  for (let i = 0; i + 1 < argv.length; i++) {
    if (argv[i] === "-c" && argv[i + 1]!.startsWith(`${key}=`)) return argv[i + 1]!.slice(key.length + 1);
  }
  return undefined;
}

/** Every `-c` key in argv, in order. */
export function configKeys(argv: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i + 1 < argv.length; i++) if (argv[i] === "-c") keys.push(argv[i + 1]!.split("=")[0]!);
  return keys;
}
