/**
 * `team-agent profile init|show|doctor` through the real bin: files and modes, never overwriting, redaction of
 * every secret in every output, and the smoke request against a local HTTP server standing in for a compatible API.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, teamAgent } from "../helpers/cli.js";

const KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const URL_PASSWORD = "hunter2pass";
const QUERY_SECRET = "qs-Zx81kLm29QpR";

const workspaces: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "ta-profile-"));
  workspaces.push(dir);
  return dir;
}

const profilesDir = (ws: string) => join(ws, ".team", "current", "profiles");

function writeProfile(ws: string, name: string, lines: string[]): void {
  mkdirSync(profilesDir(ws), { recursive: true });
  writeFileSync(join(profilesDir(ws), `${name}.env`), `${lines.join("\n")}\n`, { mode: 0o600 });
}

function writeRole(ws: string, provider: string, profile: string): void {
  const agents = join(ws, ".team", "current", "agents");
  mkdirSync(agents, { recursive: true });
  writeFileSync(
    join(agents, "coder.md"),
    `---\nname: coder\nrole: Engineer\nprovider: ${provider}\nauth_mode: compatible_api\nprofile: ${profile}\n---\nWrite code.\n`,
  );
}

function expectNoSecrets(run: CliRun): void {
  for (const secret of [KEY, URL_PASSWORD, QUERY_SECRET]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/** A stand-in API: records each request and answers with `status` and a body that echoes the bearer token. */
async function fakeApi(status: number): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: JSON.parse(body || "{}") as Record<string, unknown>,
      });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: `rejected token ${request.headers.authorization ?? ""}` }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://apiuser:${URL_PASSWORD}@127.0.0.1:${port}`, received };
}

describe("team-agent profile init", () => {
  it("writes a 0600 profile, its example and the agents' boundary notes, and never overwrites", async () => {
    const ws = workspace();
    const created = await teamAgent(["profile", "init", "myapi", "--auth-mode", "compatible_api", "--json"], {
      cwd: ws,
    });
    expect(created.code).toBe(0);
    const data = created.json<Record<string, unknown>>();
    expect(data).toMatchObject({
      ok: true,
      profile: "myapi",
      auth_mode: "compatible_api",
      created_profile: true,
      created_template: true,
      secret_written: false,
      raw_file_read_allowed_for_agents: false,
      safe_inspection_command: "team-agent profile show myapi --workspace . --json",
    });
    const real = join(profilesDir(ws), "myapi.env");
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readFileSync(real, "utf8")).toMatch(/^AUTH_MODE=compatible_api$/m);
    expect(readFileSync(real, "utf8")).toMatch(/^BASE_URL=$/m);
    expect(readFileSync(join(profilesDir(ws), "myapi.example.env"), "utf8")).toMatch(/^API_KEY=$/m);
    expect(readFileSync(join(profilesDir(ws), "AGENTS.md"), "utf8")).toContain("never open");
    expect(readFileSync(join(profilesDir(ws), "CLAUDE.md"), "utf8")).toContain("team-agent profile show");

    writeFileSync(real, `AUTH_MODE=compatible_api\nAPI_KEY=${KEY}\n`);
    const again = await teamAgent(["profile", "init", "myapi", "--auth-mode", "official_api", "--json"], { cwd: ws });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ created_profile: false, created_template: false });
    expect(readFileSync(real, "utf8")).toContain(KEY);
    expectNoSecrets(again);
  });

  it("puts profiles in the team folder --team names", async () => {
    const ws = workspace();
    mkdirSync(join(ws, "teams", "alpha", "agents"), { recursive: true });
    const run = await teamAgent(["profile", "init", "p1", "--team", "teams/alpha", "--json"], { cwd: ws });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      path: join(ws, "teams", "alpha", "profiles", "p1.env"),
      safe_inspection_command: "team-agent profile show p1 --team teams/alpha --json",
    });
  });

  it("refuses an unknown auth mode and an unsafe name with exit 2", async () => {
    const ws = workspace();
    const mode = await teamAgent(["profile", "init", "p", "--auth-mode", "magic"], { cwd: ws });
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("unknown --auth-mode");
    const name = await teamAgent(["profile", "init", "../escape"], { cwd: ws });
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("not allowed");
  });
});

describe("team-agent profile show", () => {
  it("never prints a secret: keys are present/missing, URLs lose userinfo and query, free text is redacted", async () => {
    const ws = workspace();
    writeProfile(ws, "myapi", [
      "AUTH_MODE=compatible_api",
      `BASE_URL=https://apiuser:${URL_PASSWORD}@api.example.test/v1?api_key=${QUERY_SECRET}#frag`,
      `export API_KEY="${KEY}"`,
      "MODEL=glm-4.6",
      "SESSION_TOKEN=",
      `NOTE=use Bearer ${QUERY_SECRET}abcdefgh and token=${QUERY_SECRET}`,
    ]);
    const json = await teamAgent(["profile", "show", "myapi", "--json"], { cwd: ws });
    expect(json.code).toBe(0);
    expectNoSecrets(json);
    expect(json.json()).toMatchObject({
      profile: "myapi",
      credential_present: true,
      auth_mode: "compatible_api",
      values: {
        BASE_URL: { present: true, redacted: false, value: "https://[redacted]@api.example.test/v1" },
        API_KEY: { present: true, redacted: true },
        MODEL: { present: true, redacted: false, value: "glm-4.6" },
        SESSION_TOKEN: { present: false, redacted: true },
      },
      secret_keys_present: ["API_KEY"],
      missing_common: [],
      secret_values_printed: false,
      safe_for_agent_context: true,
    });
    const text = await teamAgent(["profile", "show", "myapi"], { cwd: ws });
    expect(text.code).toBe(0);
    expectNoSecrets(text);
    expect(text.stdout).toMatch(/API_KEY\s+\[redacted\] \(set\)/);
    expect(text.stdout).toMatch(/SESSION_TOKEN\s+\(empty\)/);
  });

  it("falls back to the example file (no credential) and fails for an unknown profile", async () => {
    const ws = workspace();
    mkdirSync(profilesDir(ws), { recursive: true });
    writeFileSync(join(profilesDir(ws), "tmpl.example.env"), "AUTH_MODE=official_api\nAPI_KEY=\nMODEL=\n");
    const example = await teamAgent(["profile", "show", "tmpl", "--json"], { cwd: ws });
    expect(example.json()).toMatchObject({ credential_present: false, missing_common: ["API_KEY", "MODEL"] });
    const missing = await teamAgent(["profile", "show", "nope", "--json"], { cwd: ws });
    expect(missing.code).toBe(1);
    expect(missing.json()).toMatchObject({ ok: false, error: { code: "profile_missing" } });
    expect(missing.json<{ error: { action: string } }>().error.action).toContain("team-agent profile init nope");
  });
});

describe("team-agent profile doctor", () => {
  it("passes when the compatible API answers the one-token request (Anthropic shape for a claude_code role)", async () => {
    const ws = workspace();
    const api = await fakeApi(200);
    writeRole(ws, "claude_code", "myapi");
    writeProfile(ws, "myapi", [
      "AUTH_MODE=compatible_api",
      `BASE_URL=${api.base}/?api_key=${QUERY_SECRET}`,
      `API_KEY=${KEY}`,
      "MODEL=glm-4.6",
    ]);
    const run = await teamAgent(["profile", "doctor", "myapi", "--json"], { cwd: ws });
    expect(run.code).toBe(0);
    expectNoSecrets(run);
    expect(run.json()).toMatchObject({
      ok: true,
      missing_required: [],
      smoke: { status: "smoke_passed", api: "anthropic_messages", http_status: 200 },
    });
    expect(api.received).toHaveLength(1);
    const request = api.received[0] as Received;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`/v1/messages?api_key=${QUERY_SECRET}`);
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.body).toEqual({ model: "glm-4.6", max_tokens: 1, messages: [{ role: "user", content: "ping" }] });
  });

  it("fails with exit 1 and the HTTP status when the API refuses, without echoing the key", async () => {
    const ws = workspace();
    const api = await fakeApi(401);
    writeRole(ws, "codex", "myapi");
    writeProfile(ws, "myapi", ["AUTH_MODE=compatible_api", `BASE_URL=${api.base}/v1`, `API_KEY=${KEY}`, "MODEL=m1"]);
    const run = await teamAgent(["profile", "doctor", "myapi", "--json"], { cwd: ws });
    expect(run.code).toBe(1);
    expectNoSecrets(run);
    expect(run.json()).toMatchObject({
      ok: false,
      error: { code: "profile_check_failed" },
      smoke: { status: "smoke_failed", reason: "http_error", http_status: 401, api: "openai_chat_completions" },
    });
    expect(api.received[0]?.url).toBe("/v1/chat/completions");
    expect(run.json<{ smoke: { body: string } }>().smoke.body).toContain("[REDACTED]");
    const text = await teamAgent(["profile", "doctor", "myapi"], { cwd: ws });
    expect(text.code).toBe(1);
    expectNoSecrets(text);
    expect(text.stdout).toContain("HTTP 401");
  });

  it("reports the missing values of a blank template without sending anything, and honours the skip switches", async () => {
    const ws = workspace();
    const api = await fakeApi(200);
    expect((await teamAgent(["profile", "init", "blank", "--auth-mode", "compatible_api"], { cwd: ws })).code).toBe(0);
    const blank = await teamAgent(["profile", "doctor", "blank", "--json"], { cwd: ws });
    expect(blank.code).toBe(1);
    expect(blank.json()).toMatchObject({
      missing_required: ["BASE_URL", "API_KEY"],
      smoke: { status: "smoke_skipped" },
    });

    writeRole(ws, "claude_code", "off");
    writeProfile(ws, "off", [
      "AUTH_MODE=compatible_api",
      `BASE_URL=${api.base}`,
      `API_KEY=${KEY}`,
      "MODEL=m",
      "PROFILE_SMOKE=off",
    ]);
    const byProfile = await teamAgent(["profile", "doctor", "off", "--json"], { cwd: ws });
    expect(byProfile.json()).toMatchObject({
      ok: true,
      smoke: { status: "smoke_skipped", reason: "skipped_by_profile" },
    });
    const byFlag = await teamAgent(["profile", "doctor", "off", "--no-smoke", "--json"], { cwd: ws });
    expect(byFlag.json()).toMatchObject({ ok: true, smoke: { status: "smoke_skipped", reason: "skipped_by_flag" } });
    expect(api.received).toHaveLength(0);
  });
});
