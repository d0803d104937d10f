import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TmuxClient } from "../../src/tmux/client.js";
import { windowTarget } from "../../src/tmux/names.js";
import { useTestTmux, waitUntil } from "../helpers/tmux-server.js";

const tmux = useTestTmux({ width: 100, height: 30 });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The same behaviour is required over both transports. */
const transports = {
  spawn: () => tmux().client,
  control: () => new TmuxClient(tmux().controlTransport()),
} as const;

/** Raw buffer contents, read with a spawned client (control mode would escape them). */
async function showBuffer(name: string): Promise<string | null> {
  const result = await tmux().transport.run(["show-buffer", "-b", name]);
  return result.ok ? result.stdout : null;
}

describe.each(Object.keys(transports) as (keyof typeof transports)[])("TmuxClient over %s", (kind) => {
  const client = () => transports[kind]();

  describe("sessions and windows", () => {
    it("tells existing sessions from missing ones", async () => {
      const c = client();
      expect(await c.hasSession("test")).toBe(true);
      expect(await c.hasSession("tes")).toBe(false); // no prefix match
      expect(await c.hasSession("nope")).toBe(false);
      expect(await c.listSessions()).toEqual(["test"]); // a control connection's utility session is hidden
    });

    it("never confuses window names that prefix each other", async () => {
      const c = client();
      const panes: Record<string, string> = {};
      for (const name of ["developer", "dev", "develop"]) {
        panes[name] = await tmux().newWindow(name, ["sh", "-c", `echo "I am ${name}"; exec cat`]);
      }
      expect(await c.listWindows("test")).toEqual(["main", "developer", "dev", "develop"]);
      expect(await c.windowExists("test", "dev")).toBe(true);
      expect(await c.windowExists("test", "deve")).toBe(false);
      expect(await c.windowExists("test", "devel")).toBe(false);
      expect(await c.windowExists("nope", "dev")).toBe(false);
      expect(await c.listWindows("nope")).toEqual([]);
      for (const name of ["developer", "dev", "develop"]) {
        expect(await c.paneInfo(windowTarget("test", name))).toMatchObject({ windowName: name, paneId: panes[name] });
        await tmux().waitForText(windowTarget("test", name), `I am ${name}`);
      }
      expect(await c.paneExists("=test:=deve")).toBe(false);
    });

    it("rejects a session name containing a dot before calling tmux", async () => {
      const c = client();
      const before = c.transport.processesSpawned;
      await expect(c.newSession({ name: "team.alpha" })).rejects.toMatchObject({
        code: "tmux_input_invalid",
        message: expect.stringMatching(/"team\.alpha".*tmux rewrites to `_`/),
      });
      await expect(c.hasSession("0.2.4-x")).rejects.toMatchObject({ code: "tmux_input_invalid" });
      expect(c.transport.processesSpawned).toBe(before);
    });

    it("creates a session with size, working directory, environment and an argv command", async () => {
      const c = client();
      const cwd = realpathSync(mkdtempSync(join(tmpdir(), "ta-cwd-")));
      dirs.push(cwd);
      const created = await c.newSession({
        name: "made",
        window: "first",
        width: 91,
        height: 17,
        cwd,
        env: { TA_GREETING: "hello from env" },
        command: ["sh", "-c", 'echo "$TA_GREETING in $(pwd)"; exec cat'],
      });
      expect(created).toMatchObject({ ok: true, error: null, paneId: expect.stringMatching(/^%\d+$/) });
      await tmux().waitForText(created.paneId!, `hello from env in ${cwd}`);
      expect(await c.paneWidth(created.paneId!)).toBe(91);
      expect(await c.paneInfo(created.paneId!)).toMatchObject({
        sessionName: "made",
        windowName: "first",
        paneCurrentPath: cwd,
      });
      const again = await c.newSession({ name: "made" });
      expect(again).toMatchObject({ ok: false, paneId: null, error: "duplicate session: made" });
    });

    it("creates a window at the next index and kills sessions", async () => {
      const c = client();
      const made = await c.newWindow({ session: "test", name: "team-agent:test:overview", command: ["cat"] });
      expect(made.ok).toBe(true);
      expect(await c.paneInfo(made.paneId!)).toMatchObject({ windowIndex: 1, windowName: "team-agent:test:overview" });
      expect(await c.paneExists(windowTarget("test", "team-agent:test:overview"))).toBe(true);
      const missing = await c.newWindow({ session: "nope", name: "x" });
      expect(missing).toMatchObject({ ok: false, error: "can't find session: nope" });
      expect(await c.killSession("nope")).toMatchObject({ ok: false, error: "can't find session: nope" });
      await c.newSession({ name: "doomed" });
      expect(await c.killSession("doomed")).toEqual({ ok: true, error: null, timedOut: false });
      expect(await c.hasSession("doomed")).toBe(false);
    });

    it("kills the server", async () => {
      const c = client();
      expect((await c.killServer()).ok).toBe(true);
      expect(await c.hasSession("test")).toBe(false);
      expect(await c.listSessions()).toEqual([]);
    });
  });

  describe("panes", () => {
    it("reports a missing pane as missing, whatever the target form", async () => {
      const c = client();
      for (const target of ["%9999", "=test:=nope", "=test:=main.7", "=nope:=main"]) {
        expect(await c.paneExists(target), target).toBe(false);
        expect(await c.paneInfo(target), target).toBeNull();
        expect(await c.paneWidth(target), target).toBeNull();
        expect(await c.paneProcess(target), target).toBeNull();
        await expect(c.paneMode(target), target).rejects.toMatchObject({ code: "tmux_target_missing" });
      }
      expect(await c.paneExists(tmux().paneId)).toBe(true);
      expect(await c.paneExists("=test:=main.0")).toBe(true);
    });

    it("describes a pane with PANE_FORMAT", async () => {
      await tmux().waitForCommand(tmux().paneId, "cat");
      const info = await client().paneInfo(tmux().paneId);
      expect(info).toEqual({
        paneId: tmux().paneId,
        sessionName: "test",
        windowIndex: 0,
        windowName: "main",
        paneIndex: 0,
        paneTty: expect.stringMatching(/^\/dev\//),
        paneCurrentCommand: "cat",
        paneActive: true,
        paneCurrentPath: expect.any(String),
        sessionAttached: 0,
        paneInMode: false,
      });
    });

    it("picks the pane a target means in a split window", async () => {
      const c = client();
      const split = await tmux().transport.run(["split-window", "-d", "-t", "=test:=main", "-P", "-F", "#{pane_id}"]);
      const second = split.stdout;
      expect(await c.paneInfo("=test:=main.1")).toMatchObject({ paneId: second, paneIndex: 1, paneActive: false });
      expect(await c.paneInfo("=test:=main")).toMatchObject({ paneId: tmux().paneId, paneActive: true });
      expect(await c.paneInfo(second)).toMatchObject({ paneId: second, paneIndex: 1 });
    });

    it("refuses a pane description it cannot parse (a tab in the pane's directory)", async () => {
      const c = client();
      // tmux escapes tabs in session/window names (`\t`), but prints pane_current_path raw.
      const cwd = mkdtempSync(join(tmpdir(), "ta-tab\tdir-"));
      dirs.push(cwd);
      const made = await c.newSession({ name: "tabbed", cwd, command: ["sh", "-c", "echo started; exec cat"] });
      await tmux().waitForText(made.paneId!, "started");
      await expect(c.paneInfo(made.paneId!)).rejects.toMatchObject({ code: "tmux_output_unparseable" });
      expect(await c.paneWidth(made.paneId!)).toBeGreaterThan(0); // queries without the path still work
    });

    it("reports copy-mode and leaves it with cancelMode", async () => {
      const c = client();
      const pane = tmux().paneId;
      expect(await c.paneMode(pane)).toBeNull();
      expect((await tmux().transport.run(["copy-mode", "-t", pane])).ok).toBe(true);
      expect(await c.paneMode(pane)).toBe("copy-mode");
      expect((await c.paneInfo(pane))?.paneInMode).toBe(true);
      expect(await c.cancelMode(pane)).toEqual({ ok: true, error: null, timedOut: false });
      expect(await c.paneMode(pane)).toBeNull();
      expect(await c.cancelMode(pane)).toMatchObject({ ok: false, error: "not in a mode" });
    });

    it("reports the pane's width and process", async () => {
      const c = client();
      expect(await c.paneWidth(tmux().paneId)).toBe(100);
      await tmux().waitForCommand(tmux().paneId, "cat");
      const running = await c.paneProcess(tmux().paneId);
      expect(running).toMatchObject({ paneId: tmux().paneId, currentCommand: "cat", dead: false });
      expect(() => process.kill(running!.panePid!, 0)).not.toThrow();
      // remain-on-exit keeps a finished pane around as dead; set globally so the new window inherits it.
      await tmux().transport.run(["set-option", "-g", "remain-on-exit", "on"]);
      const kept = await tmux().newWindow("kept", ["sh", "-c", "exit 0"]);
      await waitUntil(async () => (await c.paneProcess(kept))?.dead === true, "the pane to be dead");
      expect(await c.paneProcess(kept)).toMatchObject({ paneId: kept, dead: true, panePid: expect.any(Number) });
    });

    it("captures the screen, history ranges and escapes; a missing pane is a failed capture", async () => {
      const c = client();
      const pane = await tmux().newWindow("log", [
        "sh",
        "-c",
        "printf '\\033[31mred\\033[0m\\n'; i=1; while [ $i -le 60 ]; do echo line-$i; i=$((i+1)); done; exec cat",
      ]);
      await tmux().waitForText(pane, "line-60");
      const visible = await c.capturePane(pane);
      expect(visible.ok).toBe(true);
      expect(visible.text).not.toContain("line-5\n");
      const all = await c.capturePane(pane, { start: "all" });
      expect(all.text).toContain("red\nline-1\nline-2\n");
      const history = await c.capturePane(pane, { start: -20, end: -1 });
      expect(history.text.split("\n")).toHaveLength(20);
      expect(history.text).not.toContain("line-60");
      const coloured = await c.capturePane(pane, { start: "all", escapes: true });
      expect(coloured.text).toContain("\u001b[31mred");
      expect(await c.capturePane("%9999")).toEqual({
        ok: false,
        text: "",
        error: "can't find pane: %9999",
        timedOut: false,
      });
    });

    it("sends named keys and literal text, even text starting with a dash", async () => {
      const c = client();
      const pane = tmux().paneId;
      expect(await c.sendKeys(pane, ["-x not a flag;"], { literal: true })).toMatchObject({ ok: true });
      expect(await c.sendKeys(pane, ["Enter"])).toMatchObject({ ok: true });
      await tmux().waitForText(pane, /^-x not a flag;$/m);
      expect(await c.sendKeys("%9999", ["Enter"])).toMatchObject({ ok: false, error: "can't find pane: %9999" });
    });
  });

  describe("buffers", () => {
    const payloads: [string, string][] = [
      ["1 byte", "x"],
      ["16 KiB", "0123456789abcdef".repeat(1024)],
      ["64 KiB of lines", `${"line of text\n".repeat(5041)}end`],
      ["leading dash", "-b evil -t %0 and more"],
      ["CJK and emoji", "日本語のメッセージ 😀👩‍💻 ünïcödé"],
      ["shell metacharacters", "$(touch MARKER) `touch MARKER` 'single' \"double\" ; | & > < \\ $HOME #{pane_id}"],
    ];

    it.each(payloads)("loads %s through stdin byte-identically and executes nothing", async (_label, template) => {
      const c = client();
      const marker = join(tmpdir(), `ta-marker-${randomBytes(6).toString("hex")}`);
      const text = template.replaceAll("MARKER", marker);
      const result = await c.loadBuffer("team-agent-send-msg_000000000001", text);
      expect(result).toEqual({ ok: true, error: null, timedOut: false });
      const shown = await showBuffer("team-agent-send-msg_000000000001");
      expect(Buffer.from(shown ?? "", "utf8").equals(Buffer.from(text, "utf8"))).toBe(true);
      expect(existsSync(marker)).toBe(false);
    });

    it("refuses empty text, which would create no buffer", async () => {
      const c = client();
      await expect(c.loadBuffer("empty", "")).rejects.toMatchObject({ code: "tmux_buffer_empty" });
      expect(await c.listBuffers()).toEqual([]);
    });

    it("pastes bracketed without deleting the buffer; deletion is explicit", async () => {
      const c = client();
      // The pane turns bracketed paste on, so tmux wraps the paste; cat -v shows the wrapper as ^[[200~ … ^[[201~.
      const pane = await tmux().newWindow("paste", ["sh", "-c", "printf '\\033[?2004hready\\n'; exec cat -v"]);
      await tmux().waitForText(pane, "ready");
      expect((await c.loadBuffer("team-agent-send-msg_00000000000a", "pasted words")).ok).toBe(true);
      expect(await c.pasteBuffer(pane, "team-agent-send-msg_00000000000a", { bracketed: true })).toMatchObject({
        ok: true,
      });
      await c.sendKeys(pane, ["Enter"]);
      await tmux().waitForText(pane, "^[[200~pasted words^[[201~");
      expect(await c.pasteBuffer(pane, "team-agent-send-msg_00000000000a", { bracketed: false })).toMatchObject({
        ok: true,
      });
      await c.sendKeys(pane, ["Enter"]);
      await tmux().waitForText(pane, /^pasted words$/m);
      expect(await c.listBuffers()).toEqual(["team-agent-send-msg_00000000000a"]);
      expect(await c.deleteBuffer("team-agent-send-msg_00000000000a")).toEqual({
        ok: true,
        error: null,
        timedOut: false,
      });
      expect(await c.listBuffers()).toEqual([]);
      expect(await c.pasteBuffer(pane, "team-agent-send-msg_00000000000a", { bracketed: true })).toMatchObject({
        ok: false,
        error: "no buffer team-agent-send-msg_00000000000a",
      });
      expect(await c.deleteBuffer("team-agent-send-msg_00000000000a")).toMatchObject({ ok: false });
    });
  });
});
