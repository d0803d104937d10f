/**
 * The leader passthrough `team-agent claude|codex`: the argument split and the plan are pure and tested on facts
 * (spec 04 §1.9); the real bin then runs a stand-in `codex` (a shell script on PATH) in the current "pane" and in a
 * session it creates on a private tmux server, including the double Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TeamAgentError } from "@team-agent/core-state";
import { afterEach, describe, expect, it } from "vitest";
import {
  type LeaderFacts,
  leaderSessionName,
  leaderShellScript,
  parseLeaderArgs,
  planLeader,
} from "../../src/commands/leader.js";
import { BIN, teamAgent } from "../helpers/cli.js";

const WORKSPACE = "/home/u/projects/my app";
const LEADER_ENV = {
  TEAM_AGENT_LEADER_PROVIDER: "codex",
  TEAM_AGENT_LEADER_SESSION_UUID: "0".repeat(32),
  TEAM_AGENT_MACHINE_FINGERPRINT: "box",
  TEAM_AGENT_WORKSPACE: WORKSPACE,
  TEAM_AGENT_TEAM_ID: "",
};

function facts(args: readonly string[], overrides: Partial<LeaderFacts> = {}): LeaderFacts {
  return {
    command: "codex",
    args: parseLeaderArgs(args),
    workspace: WORKSPACE,
    insideTmux: false,
    providerPath: "/usr/local/bin/codex",
    tmuxPath: "/usr/bin/tmux",
    sessionExists: false,
    interactive: true,
    leaderEnv: LEADER_ENV,
    callerPath: "/usr/local/bin:/usr/bin",
    tmuxServerArgs: [],
    statusFile: "/tmp/leader-x/exit-code",
    ...overrides,
  };
}

function errorOf(call: () => unknown): TeamAgentError {
  try {
    call();
  } catch (error) {
    if (error instanceof TeamAgentError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("arguments", () => {
  it("forwards provider flags untouched and consumes only the launcher's own", () => {
    expect(parseLeaderArgs(["--dangerously-bypass-approvals-and-sandbox", "hello"])).toMatchObject({
      forwarded: ["--dangerously-bypass-approvals-and-sandbox", "hello"],
      attach: false,
    });
    expect(parseLeaderArgs(["--attach", "--model", "x", "--confirm"])).toMatchObject({
      attach: true,
      confirm: true,
      forwarded: ["--model", "x"],
    });
    expect(parseLeaderArgs(["--attach-session=lead", "-m", "o"])).toMatchObject({
      attachSession: "lead",
      forwarded: ["-m", "o"],
    });
    expect(parseLeaderArgs(["--attach-session", "lead"]).attachSession).toBe("lead");
  });

  it("stops at a bare --, dropping it only when it comes first", () => {
    expect(parseLeaderArgs(["--", "--help"]).forwarded).toEqual(["--help"]);
    expect(parseLeaderArgs(["--model", "x", "--", "--confirm"])).toMatchObject({
      confirm: false,
      forwarded: ["--model", "x", "--", "--confirm"],
    });
    expect(parseLeaderArgs(["--help"]).help).toBe(true);
    expect(parseLeaderArgs(["--help", "x"]).help).toBe(false);
  });

  it("needs a session name after --attach-session", () => {
    expect(errorOf(() => parseLeaderArgs(["--attach-session"])).message).toContain("requires a tmux session name");
    expect(errorOf(() => parseLeaderArgs(["--attach-session", "--confirm"])).code).toBe("usage_error");
    expect(errorOf(() => parseLeaderArgs(["--attach-session="])).code).toBe("usage_error");
  });
});

describe("the plan", () => {
  it("inside tmux runs the provider right here with exactly the forwarded arguments and the lead's identity", () => {
    const plan = planLeader(facts(["--dangerously-bypass-approvals-and-sandbox", "hello"], { insideTmux: true }));
    expect(plan).toEqual({
      mode: "exec_provider",
      argv: ["codex", "--dangerously-bypass-approvals-and-sandbox", "hello"],
      env: LEADER_ENV,
      cwd: WORKSPACE,
    });
  });

  it("maps claude to provider claude_code", () => {
    const plan = planLeader(facts(["--dangerously-skip-permissions"], { command: "claude", insideTmux: false }));
    expect(plan.mode).toBe("new_tmux_session");
    if (plan.mode !== "new_tmux_session") return;
    expect(plan.session).toMatch(/^team-agent-leader-claude_code-my_app-[0-9a-f]{8}$/);
    expect(plan.argv).toContain("claude_code");
    expect(plan.shell).toContain("exec claude --dangerously-skip-permissions");
  });

  it("outside tmux creates the workspace's session, exporting the identity and the caller's PATH", () => {
    const plan = planLeader(facts(["--model", "gpt-5.5"]));
    expect(plan.mode).toBe("new_tmux_session");
    if (plan.mode !== "new_tmux_session") return;
    expect(plan.session).toContain("team-agent-leader-codex");
    expect(plan.shell).toContain("exec codex --model gpt-5.5");
    expect(plan.shell).toContain("TEAM_AGENT_LEADER_SESSION_UUID=00000000000000000000000000000000");
    expect(plan.shell).toContain("PATH=/usr/local/bin:/usr/bin");
    expect(plan.shell.startsWith("cd '/home/u/projects/my app' && export ")).toBe(true);
    expect(plan.argv.slice(0, 3)).toEqual(["tmux", "new-session", "-s"]);
    expect(plan).toMatchObject({ detached: false, statusFile: null });
  });

  it("without a terminal creates the session detached, its shell recording codex's exit code", () => {
    const plan = planLeader(facts(["--model", "gpt-5.5"], { interactive: false }));
    expect(plan).toMatchObject({ mode: "new_tmux_session", detached: true, statusFile: "/tmp/leader-x/exit-code" });
    if (plan.mode !== "new_tmux_session") return;
    expect(plan.argv.slice(0, 3)).toEqual(["tmux", "new-session", "-d"]);
    expect(plan.shell).toContain("codex --model gpt-5.5; printf");
    expect(plan.shell).toContain("> /tmp/leader-x/exit-code");
  });

  it("attaches to the workspace's session when it exists, on the chosen server", () => {
    const plan = planLeader(facts([], { sessionExists: true, tmuxServerArgs: ["-L", "sock"] }));
    expect(plan.mode).toBe("attach_existing");
    expect(plan.argv.slice(0, 5)).toEqual(["tmux", "-L", "sock", "attach-session", "-t"]);
  });

  it("attaches to a named session only with --confirm", () => {
    expect(errorOf(() => planLeader(facts(["--attach-session", "other"]))).message).toBe(
      "--attach-session requires --confirm",
    );
    const plan = planLeader(facts(["--attach-session", "other", "--confirm"], { insideTmux: true }));
    expect(plan).toMatchObject({ mode: "attach_session", argv: ["tmux", "attach-session", "-t", "other"] });
  });

  it("names a missing provider, and a missing tmux outside tmux", () => {
    expect(errorOf(() => planLeader(facts([], { providerPath: null }))).message).toBe(
      "Provider codex command 'codex' not found",
    );
    expect(errorOf(() => planLeader(facts([], { tmuxPath: null }))).code).toBe("tmux_missing");
    expect(planLeader(facts([], { tmuxPath: null, insideTmux: true })).mode).toBe("exec_provider");
  });

  it("derives a tmux-safe session name from the folder and a hash of the whole path", () => {
    expect(leaderSessionName("codex", "/a/my.app!")).toMatch(/^team-agent-leader-codex-my_app-[0-9a-f]{8}$/);
    expect(leaderSessionName("codex", "/a/...")).toMatch(/^team-agent-leader-codex-workspace-[0-9a-f]{8}$/);
    expect(leaderSessionName("codex", `/a/${"x".repeat(80)}`)).toMatch(new RegExp(`-${"x".repeat(48)}-[0-9a-f]{8}$`));
    expect(leaderSessionName("codex", "/a/app")).not.toBe(leaderSessionName("codex", "/b/app"));
  });

  it("quotes the script so a shell hands every argument over as written", () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ta-leader-quote-")));
    try {
      const args = ["it's", "$HOME", "a  b", "`x`", "tail;"];
      const script = leaderShellScript(dir, { ODD: "v'1 $x" }, [
        "sh",
        "-c",
        'printf "%s|" "$ODD" "$(pwd)" "$@"',
        "sh",
        ...args,
      ]);
      const out = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
      expect(out.stdout).toBe(`v'1 $x|${dir}|${args.join("|")}|`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real bin with a stand-in codex

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

interface Stage {
  workspace: string;
  bin: string;
  out: string;
  socket: string;
  env: Record<string, string>;
}

/** A workspace, a PATH dir with `codex` (the given script body), a private tmux socket for the lead's session. */
function stage(codexBody: string): Stage {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ta-leader-")));
  const workspace = join(root, "work");
  const bin = join(root, "bin");
  mkdirSync(workspace);
  mkdirSync(bin);
  writeFileSync(join(bin, "codex"), `#!/bin/sh\n${codexBody}\n`);
  chmodSync(join(bin, "codex"), 0o755);
  const socket = `ta-test-${randomBytes(6).toString("hex")}`;
  cleanups.push(() => {
    spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
    rmSync(join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    rmSync(root, { recursive: true, force: true });
  });
  const out = join(root, "out");
  const env = {
    PATH: `${bin}:${process.env["PATH"] ?? ""}`,
    OUT: out,
    TMUX: "",
    TMUX_PANE: "",
    TEAM_AGENT_LEADER_TMUX_SOCKET: socket,
  };
  return { workspace, bin, out, socket, env };
}

const RECORD =
  'printf "%s\\n" "$@" > "$OUT.args"; env | grep "^TEAM_AGENT_LEADER_\\|^TEAM_AGENT_WORKSPACE" | sort > "$OUT.env"; pwd > "$OUT.cwd"';

async function waitFor<T>(check: () => T | null | undefined | false, label: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("team-agent codex", () => {
  it("inside tmux runs codex in place with the arguments and the lead's identity, and exits with its code", async () => {
    const s = stage(`${RECORD}; exit 3`);
    const run = await teamAgent(["codex", "--dangerously-bypass-approvals-and-sandbox", "hello world"], {
      cwd: s.workspace,
      env: { ...s.env, TMUX: "/tmp/elsewhere,1,0" },
    });
    expect(run.code, run.stderr).toBe(3);
    expect(readFileSync(`${s.out}.args`, "utf8")).toBe("--dangerously-bypass-approvals-and-sandbox\nhello world\n");
    expect(readFileSync(`${s.out}.cwd`, "utf8").trim()).toBe(s.workspace);
    const env = readFileSync(`${s.out}.env`, "utf8");
    expect(env).toContain("TEAM_AGENT_LEADER_PROVIDER=codex\n");
    expect(env).toMatch(/TEAM_AGENT_LEADER_SESSION_UUID=[0-9a-f]{32}\n/);
    expect(env).toContain(`TEAM_AGENT_WORKSPACE=${s.workspace}\n`);
    expect(existsSync(join(s.workspace, ".team"))).toBe(false);
  });

  it("outside tmux runs codex in the workspace's session and ends it with codex", async () => {
    const s = stage(`${RECORD}; while [ ! -f "$OUT.release" ]; do sleep 0.05; done; exit 7`);
    const session = leaderSessionName("codex", s.workspace);
    const running = teamAgent(["codex", "--model", "gpt-5.5", "it's"], { cwd: s.workspace, env: s.env });
    await waitFor(() => existsSync(`${s.out}.cwd`), "codex to start");
    const sessions = spawnSync("tmux", ["-L", s.socket, "list-sessions", "-F", "#{session_name}"], {
      encoding: "utf8",
    });
    expect(sessions.stdout.trim().split("\n")).toEqual([session]);
    expect(readFileSync(`${s.out}.args`, "utf8")).toBe("--model\ngpt-5.5\nit's\n");
    expect(readFileSync(`${s.out}.env`, "utf8")).toContain("TEAM_AGENT_LEADER_PROVIDER=codex\n");
    writeFileSync(`${s.out}.release`, "");
    const run = await running;
    expect(run.code, run.stderr).toBe(7);
    expect(spawnSync("tmux", ["-L", s.socket, "has-session", "-t", `=${session}`]).status).not.toBe(0);
  });

  it("forwards the first Ctrl-C to codex and ends everything on the second", async () => {
    // The trap is set before the pid is written: the test's first Ctrl-C must not find a shell without it.
    const s = stage('trap \'echo INT >> "$OUT.sig"\' INT; echo $$ > "$OUT.pid"; while :; do sleep 0.05; done');
    const child = spawn(process.execPath, [...BIN.nodeArgs, "codex"], {
      cwd: s.workspace,
      env: { ...process.env, NO_COLOR: "1", ...s.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    cleanups.push(() => child.kill("SIGKILL"));
    const pid = Number(
      await waitFor(() => existsSync(`${s.out}.pid`) && readFileSync(`${s.out}.pid`, "utf8").trim(), "codex"),
    );
    child.kill("SIGINT");
    await waitFor(() => existsSync(`${s.out}.sig`), "the first Ctrl-C to reach codex");
    expect(alive(pid)).toBe(true);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    await waitFor(() => !alive(pid), "codex to be gone", 5_000);
    expect(spawnSync("tmux", ["-L", s.socket, "list-sessions"]).status).not.toBe(0);
  });

  it("says when codex is not installed, and shows its own help", async () => {
    const s = stage("exit 0");
    const missing = await teamAgent(["codex"], { cwd: s.workspace, env: { ...s.env, PATH: "/usr/bin:/bin" } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: Provider codex command 'codex' not found");
    const help = await teamAgent(["claude", "--help"], { cwd: s.workspace, env: s.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^usage: team-agent claude \[--attach --confirm \| --attach-session SESSION --confirm\]/,
    );
    expect(help.stdout).toContain("team-agent claude -- --help");
    const misuse = await teamAgent(["codex", "--attach-session", "x"], { cwd: s.workspace, env: s.env });
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain("--attach-session requires --confirm");
  });
});
