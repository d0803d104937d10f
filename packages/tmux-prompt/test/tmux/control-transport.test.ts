import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ControlTransport } from "../../src/tmux/control-transport.js";
import { SpawnTransport } from "../../src/tmux/spawn-transport.js";
import { killTestServer, useTestTmux, waitUntil } from "../helpers/tmux-server.js";
import { TORTURE_ARGUMENTS } from "./torture.js";

const tmux = useTestTmux();

/** Session names on the test server, read with a spawned client (so the control connection is not involved). */
async function sessionNames(): Promise<string[]> {
  const result = await tmux().transport.run(["list-sessions", "-F", "#{session_name}"]);
  if (result.ok) return result.stdout.split("\n");
  if (/no server running/.test(result.stderr)) return [];
  throw new Error(`list-sessions failed: ${JSON.stringify(result)}`);
}

describe("ControlTransport", () => {
  it("answers 200 commands in order over one connection", async () => {
    const control = tmux().controlTransport();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => control.run(["display-message", "-p", "--", `n=${index}`])),
    );
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 200 }, (_, index) => `n=${index}`));
    expect(results.every((result) => result.ok && result.exitCode === 0)).toBe(true);
    expect(control.processesSpawned).toBe(1);
  });

  it("delegates stdin calls to a spawned process and keeps the connection for the rest", async () => {
    const control = tmux().controlTransport();
    for (let index = 0; index < 5; index += 1) {
      const loaded = await control.run(["load-buffer", "-b", `d${index}`, "-"], { input: `data ${index}` });
      expect(loaded.ok).toBe(true);
      expect((await control.run(["display-message", "-p", "ok"])).stdout).toBe("ok");
    }
    expect(control.processesSpawned).toBe(1 + 5);
    expect((await tmux().transport.run(["show-buffer", "-b", "d4"])).stdout).toBe("data 4");
  });

  it("round-trips hostile arguments unchanged through tmux's command parser", async () => {
    const control = tmux().controlTransport();
    for (const [index, value] of TORTURE_ARGUMENTS.entries()) {
      const label = JSON.stringify(value);
      expect((await control.run(["set-option", "-g", `@ta-torture-${index}`, value])).ok, label).toBe(true);
      expect((await control.run(["show-options", "-gv", `@ta-torture-${index}`])).stdout, label).toBe(value);
      if (value === "") continue; // tmux creates no buffer for empty data
      expect((await control.run(["set-buffer", "-b", `t${index}`, "--", value])).ok, label).toBe(true);
      // show-buffer over a spawned client prints the bytes raw (in control mode tmux escapes them).
      expect((await tmux().transport.run(["show-buffer", "-b", `t${index}`])).stdout, label).toBe(value);
    }
    expect(existsSync("/tmp/ta-should-not-exist")).toBe(false);
    expect(control.processesSpawned).toBe(1);
  });

  it("rejects an argument with a newline before sending anything", async () => {
    const control = tmux().controlTransport();
    await expect(control.run(["display-message", "-p", "two\nlines"])).rejects.toMatchObject({
      code: "tmux_input_invalid",
    });
    expect(control.processesSpawned).toBe(0);
  });

  it("returns missing targets as failed results with tmux's message", async () => {
    const control = tmux().controlTransport();
    expect(await control.run(["capture-pane", "-p", "-t", "%9999"])).toEqual({
      ok: false,
      exitCode: 1,
      stdout: "",
      stderr: "can't find pane: %9999",
      timedOut: false,
    });
    expect((await control.run(["has-session", "-t", "=nope"])).stderr).toBe("can't find session: nope");
    expect((await control.run(["no-such-command"])).ok).toBe(false);
    expect((await control.run(["display-message", "-p", "still fine"])).stdout).toBe("still fine");
  });

  it("lives in its own utility session that disappears when it closes", async () => {
    const control = tmux().controlTransport();
    await control.run(["display-message", "-p", "x"]);
    const utility = control.controlSession;
    expect(utility).toMatch(/^team-agent-control-\d+-[0-9a-f]{8}$/);
    expect(await sessionNames()).toEqual(expect.arrayContaining(["test", utility]));
    // Nothing attaches to the team session.
    const attached = await tmux().transport.run(["list-sessions", "-F", "#{session_name}=#{session_attached}"]);
    expect(attached.stdout.split("\n")).toEqual(expect.arrayContaining(["test=0", `${utility}=1`]));
    await control.close();
    await waitUntil(async () => !(await sessionNames()).includes(utility!), "the utility session to go");
    expect(await sessionNames()).toEqual(["test"]);
    expect(await control.run(["display-message", "-p", "x"])).toMatchObject({ ok: false, stderr: /closed/ });
  });

  it("survives the team session being killed", async () => {
    const control = tmux().controlTransport();
    expect((await control.run(["has-session", "-t", "=test"])).ok).toBe(true);
    expect((await tmux().transport.run(["kill-session", "-t", "=test"])).ok).toBe(true);
    expect((await control.run(["has-session", "-t", "=test"])).ok).toBe(false);
    expect((await control.run(["display-message", "-p", "alive"])).stdout).toBe("alive");
    expect(control.processesSpawned).toBe(1);
    // With the team gone, closing the connection removes the last session, so the server exits by itself.
    await control.close();
    await waitUntil(async () => !(await tmux().transport.run(["list-sessions"])).ok, "the server to exit");
  });

  it("reconnects after its process is killed", async () => {
    const control = tmux().controlTransport();
    expect((await control.run(["display-message", "-p", "one"])).stdout).toBe("one");
    const first = { pid: control.controlPid!, session: control.controlSession! };
    process.kill(first.pid, "SIGKILL");
    await waitUntil(async () => control.controlPid === null, "the transport to notice the death");
    expect((await control.run(["display-message", "-p", "two"])).stdout).toBe("two");
    expect(control.controlPid).not.toBe(first.pid);
    expect(control.processesSpawned).toBe(2);
    // The new connection removed the killed one's utility session, which nobody can use any more.
    expect(await sessionNames()).not.toContain(first.session);
  });

  it("removes orphaned utility sessions of dead processes, and leaves live ones alone", async () => {
    const spawn = tmux().transport;
    // A dead process (pid far beyond pid_max), a live process (ours), an attached one, and a look-alike.
    const dead = "team-agent-control-999999999-0badc0de";
    const live = `team-agent-control-${process.ppid}-00c0ffee`;
    for (const name of [dead, live, "team-agent-control-notapid"]) {
      expect((await spawn.run(["new-session", "-d", "-s", name, "cat"])).ok).toBe(true);
    }
    const other = tmux().controlTransport();
    await other.run(["display-message", "-p", "x"]);
    const control = tmux().controlTransport();
    await control.run(["display-message", "-p", "x"]);
    const names = await sessionNames();
    expect(names).not.toContain(dead);
    expect(names).toEqual(
      expect.arrayContaining([
        "test",
        live,
        "team-agent-control-notapid",
        other.controlSession,
        control.controlSession,
      ]),
    );
  });

  it("keeps the server alive through many connects and closes while other clients come and go", async () => {
    // tmux <= 3.5 crashes the server when a client of a destroy-unattached session exits while another client
    // disconnects; this is the pattern that triggered it.
    for (let round = 0; round < 30; round += 1) {
      const control = tmux().controlTransport();
      await control.run(["display-message", "-p", "x"]);
      expect(control.controlPid, `connected in round ${round} (no connection: the server crashed?)`).not.toBeNull();
      const lister = tmux().transport.run(["list-sessions"]);
      if (round % 3 === 0) process.kill(control.controlPid!, "SIGKILL");
      await Promise.all([control.close(), lister]);
    }
    const survivor = tmux().controlTransport();
    expect((await survivor.run(["display-message", "-p", "alive"])).stdout).toBe("alive");
    await survivor.close();
    expect(await sessionNames()).toEqual(["test"]);
  });

  it("fails the command in flight when the connection dies, then reconnects", async () => {
    const control = tmux().controlTransport();
    // wait-for replies at once but blocks this client's queue, so the next command stays in flight.
    expect((await control.run(["wait-for", "ta-never"])).ok).toBe(true);
    const pending = control.run(["set-buffer", "-b", "late", "value"]);
    // Killed before the transport can notice: the command is written to a connection that is already dying.
    process.kill(control.controlPid!, "SIGKILL");
    const result = await pending;
    expect(result).toMatchObject({ ok: false, exitCode: null, timedOut: false });
    expect(result.stderr).toMatch(/^tmux control connection closed/);
    expect((await control.run(["display-message", "-p", "back"])).stdout).toBe("back");
    expect(control.processesSpawned).toBe(2);
  });

  it("retries a read-only command once when the connection dies under it", async () => {
    const control = tmux().controlTransport();
    expect((await control.run(["wait-for", "ta-never"])).ok).toBe(true);
    const pending = control.run(["display-message", "-p", "retried"]);
    // Killed before the transport can notice: the command is written to a connection that is already dying.
    process.kill(control.controlPid!, "SIGKILL");
    expect(await pending).toMatchObject({ ok: true, stdout: "retried" });
    expect(control.processesSpawned).toBe(2);
  });

  it("fails a command that times out and uses a fresh connection for the next", async () => {
    const control = tmux().controlTransport();
    expect((await control.run(["wait-for", "ta-never"])).ok).toBe(true);
    const stuck = await control.run(["display-message", "-p", "blocked"], { timeoutMs: 200 });
    expect(stuck).toEqual({ ok: false, exitCode: null, stdout: "", stderr: "timeout", timedOut: true });
    expect((await control.run(["display-message", "-p", "next"])).stdout).toBe("next");
    expect(control.processesSpawned).toBe(2);
  });

  it("never starts a server: without one, calls run as spawned processes", async () => {
    const server = { socketName: `ta-test-${randomBytes(6).toString("hex")}` };
    const control = new ControlTransport(server);
    const probe = new SpawnTransport(server);
    try {
      const result = await control.run(["has-session", "-t", "=anything"]);
      expect(result.ok).toBe(false);
      expect(result.stderr).toMatch(/no server running|error connecting/);
      expect(control.processesSpawned).toBe(2); // the failed connection attempt + the delegated call
      expect((await probe.run(["list-sessions"])).ok).toBe(false);
      // Right after a failed attempt, calls go straight to a spawned process.
      expect((await control.run(["has-session", "-t", "=anything"])).ok).toBe(false);
      expect(control.processesSpawned).toBe(3);
      // new-session through the transport starts the server as a spawned client would; the next call connects.
      expect((await control.run(["new-session", "-d", "-s", "fresh", "cat"])).ok).toBe(true);
      expect((await control.run(["list-sessions", "-F", "#{session_name}"])).stdout).toContain("fresh");
      expect(control.controlPid).not.toBeNull();
    } finally {
      await control.close();
      await killTestServer(server);
    }
  });

  it("leaves nothing behind when closed while its connection is still starting", async () => {
    const control = tmux().controlTransport();
    const pending = control.run(["display-message", "-p", "x"]);
    await control.close();
    expect((await pending).ok).toBe(false);
    expect(control.controlPid).toBeNull();
    expect(await sessionNames()).toEqual(["test"]);
    expect(await control.run(["display-message", "-p", "x"])).toMatchObject({ ok: false, stderr: /closed/ });
  });

  it("drops the connection after kill-server so the next call sees no server", async () => {
    const control = tmux().controlTransport();
    expect((await control.run(["kill-server"])).ok).toBe(true);
    const after = await control.run(["has-session", "-t", "=test"]);
    expect(after.ok).toBe(false);
    // Which words depends on who notices first: a new connection finds no server, or the old control client's
    // own exit (`server exited unexpectedly`) answers the call. Either way the call failed for lack of a server.
    expect(after.stderr).toMatch(/no server running|error connecting|server exited unexpectedly/);
  });
});
