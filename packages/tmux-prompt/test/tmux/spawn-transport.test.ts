import { describe, expect, it } from "vitest";
import { SpawnTransport } from "../../src/tmux/spawn-transport.js";
import { useTestTmux } from "../helpers/tmux-server.js";
import { TORTURE_ARGUMENTS } from "./torture.js";

const tmux = useTestTmux();

describe("SpawnTransport", () => {
  it("runs one tmux process per call on the chosen server and counts them", async () => {
    const transport = new SpawnTransport(tmux().server);
    const sessions = await transport.run(["list-sessions", "-F", "#{session_name}"]);
    expect(sessions).toEqual({ ok: true, exitCode: 0, stdout: "test", stderr: "", timedOut: false });
    await transport.run(["display-message", "-p", "x"]);
    expect(transport.processesSpawned).toBe(2);
  });

  it("returns a non-zero exit as data, with tmux's message", async () => {
    const result = await new SpawnTransport(tmux().server).run(["capture-pane", "-p", "-t", "%9999"]);
    expect(result).toEqual({ ok: false, exitCode: 1, stdout: "", stderr: "can't find pane: %9999", timedOut: false });
  });

  it("turns a timeout into a failed result instead of throwing", async () => {
    const transport = new SpawnTransport(tmux().server);
    const started = Date.now();
    const result = await transport.run(["wait-for", "ta-never-signalled"], { timeoutMs: 150 });
    expect(result).toEqual({ ok: false, exitCode: null, stdout: "", stderr: "timeout", timedOut: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await transport.run(["has-session", "-t", "=test"])).ok).toBe(true);
  });

  it("reports a missing tmux binary as a failed result naming it", async () => {
    const result = await new SpawnTransport(tmux().server, { binary: "/nonexistent/tmux" }).run(["ls"]);
    expect(result).toMatchObject({ ok: false, exitCode: null, timedOut: false });
    expect(result.stderr).toContain("ENOENT");
  });

  it("passes every argument through unchanged, including a trailing semicolon", async () => {
    const transport = new SpawnTransport(tmux().server);
    for (const [index, value] of TORTURE_ARGUMENTS.entries()) {
      if (value === "") continue; // tmux creates no buffer for empty data
      const name = `torture-${index}`;
      expect((await transport.run(["set-buffer", "-b", name, "--", value])).ok, JSON.stringify(value)).toBe(true);
      expect((await transport.run(["show-buffer", "-b", name])).stdout, JSON.stringify(value)).toBe(value);
    }
  });

  it("feeds input to stdin", async () => {
    const transport = new SpawnTransport(tmux().server);
    expect((await transport.run(["load-buffer", "-b", "stdin", "-"], { input: "from stdin" })).ok).toBe(true);
    expect((await transport.run(["show-buffer", "-b", "stdin"])).stdout).toBe("from stdin");
  });
});
