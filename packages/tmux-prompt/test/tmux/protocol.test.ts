// Pure pieces of the tmux layer: argv escaping, control-mode quoting and framing, formats, names, versions.
import { describe, expect, it } from "vitest";
import { escapeArgvArgument, globalArguments, toControlLine } from "../../src/tmux/argv.js";
import { type ControlEvent, ControlStreamParser } from "../../src/tmux/control-parser.js";
import {
  isTruthyFlag,
  normalizePaneMode,
  PANE_FIELDS,
  PANE_FORMAT,
  parsePaneInfoLine,
  splitRow,
} from "../../src/tmux/formats.js";
import {
  assertSessionName,
  assertWindowName,
  isControlSessionName,
  paneSelector,
  sessionTarget,
  windowTarget,
} from "../../src/tmux/names.js";
import { compareTmuxVersions, parseTmuxVersion } from "../../src/tmux/version.js";

describe("argv for a spawned client", () => {
  it("escapes only a trailing semicolon, which tmux would treat as a command separator", () => {
    expect(escapeArgvArgument("a;")).toBe("a\\;");
    expect(escapeArgvArgument(";")).toBe("\\;");
    expect(escapeArgvArgument("a\\;")).toBe("a\\\\;");
    expect(escapeArgvArgument("a;b")).toBe("a;b");
    expect(escapeArgvArgument("")).toBe("");
  });

  it("forces UTF-8 and selects the server before the command", () => {
    expect(globalArguments({ socketName: "x" }, {})).toEqual(["-u", "-L", "x"]);
    expect(globalArguments({ socketPath: "/tmp/s" }, { configFile: "/dev/null" })).toEqual([
      "-u",
      "-S",
      "/tmp/s",
      "-f",
      "/dev/null",
    ]);
    expect(globalArguments({ default: true }, {})).toEqual(["-u"]);
  });
});

describe("control-mode command lines", () => {
  it("single-quotes every argument and writes a quote as '\\''", () => {
    expect(toControlLine(["display-message", "-p", "it's $HOME; #{pane_id}"])).toBe(
      "'display-message' '-p' 'it'\\''s $HOME; #{pane_id}'",
    );
    expect(toControlLine(["set-buffer", ""])).toBe("'set-buffer' ''");
  });

  it("refuses arguments with a newline, carriage return or NUL, naming the way out", () => {
    for (const bad of ["a\nb", "a\rb", "a\0b"]) {
      expect(() => toControlLine(["display-message", "-p", bad])).toThrow(/newline, carriage return or NUL/);
    }
    try {
      toControlLine(["set-buffer", "x\ny"]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "tmux_input_invalid", action: expect.stringContaining("loadBuffer") });
    }
  });

  it("refuses a missing or malformed command name (an empty line would detach the client)", () => {
    expect(() => toControlLine([])).toThrow(/command name/);
    expect(() => toControlLine(["FOO=bar"])).toThrow(/command name/);
    expect(() => toControlLine(["display-message;kill-server"])).toThrow(/command name/);
  });
});

describe("control-mode stream parser", () => {
  const replies = (events: ControlEvent[]) => events.filter((event) => event.kind === "reply").map((e) => e.reply);

  it("frames replies, passes notifications through, and survives lines split across chunks", () => {
    const parser = new ControlStreamParser();
    const stream =
      "%begin 1700000000 10 0\n%end 1700000000 10 0\n%session-changed $1 ctl\n" +
      "%begin 1700000000 11 1\nline one\n\nline three\n%end 1700000000 11 1\n" +
      "%output %1 hi\\015\n%begin 1700000000 12 1\ncan't find pane: %9\n%error 1700000000 12 1\n%exit\n";
    const events: ControlEvent[] = [];
    for (let index = 0; index < stream.length; index += 7) events.push(...parser.push(stream.slice(index, index + 7)));
    expect(replies(events)).toEqual([
      { ok: true, lines: [], flags: "0", number: "10" },
      { ok: true, lines: ["line one", "", "line three"], flags: "1", number: "11" },
      { ok: false, lines: ["can't find pane: %9"], flags: "1", number: "12" },
    ]);
    expect(events.filter((event) => event.kind === "notification")).toEqual([
      { kind: "notification", line: "%session-changed $1 ctl" },
      { kind: "notification", line: "%output %1 hi\\015" },
    ]);
    expect(events.at(-1)).toEqual({ kind: "exit", reason: "" });
  });

  it("keeps output that only looks like a guard or a notification", () => {
    const parser = new ControlStreamParser();
    const events = parser.push(
      "%begin 5 20 1\n%end 5 19 1\n%error 6 20 1\n%begin 5 21 1\n%exit\n%window-add @3\n%end 5 20 1\n",
    );
    expect(replies(events)).toEqual([
      {
        ok: true,
        lines: ["%end 5 19 1", "%error 6 20 1", "%begin 5 21 1", "%exit", "%window-add @3"],
        flags: "1",
        number: "20",
      },
    ]);
  });

  it("holds back an unterminated last line until its newline arrives", () => {
    const parser = new ControlStreamParser();
    expect(parser.push("%begin 1 1 1\npartial")).toEqual([]);
    expect(replies(parser.push(" line\n%end 1 1 1\n"))).toEqual([
      { ok: true, lines: ["partial line"], flags: "1", number: "1" },
    ]);
  });
});

describe("pane formats", () => {
  const row = (fields: string[]) => fields.join("\t");
  const eleven = ["%3", "team-a", "2", "dev", "0", "/dev/pts/4", "codex", "1", "/work/x", "0", "0"];

  it("PANE_FORMAT asks for the eleven fields in order", () => {
    expect(PANE_FORMAT.split("\t")).toEqual(PANE_FIELDS.map((field) => `#{${field}}`));
  });

  it("accepts 8, 10 or 11 fields", () => {
    expect(parsePaneInfoLine(row(eleven))).toEqual({
      paneId: "%3",
      sessionName: "team-a",
      windowIndex: 2,
      windowName: "dev",
      paneIndex: 0,
      paneTty: "/dev/pts/4",
      paneCurrentCommand: "codex",
      paneActive: true,
      paneCurrentPath: "/work/x",
      sessionAttached: 0,
      paneInMode: false,
    });
    expect(parsePaneInfoLine(row(eleven.slice(0, 10)))).toMatchObject({ paneCurrentPath: "/work/x", paneInMode: null });
    expect(parsePaneInfoLine(row(eleven.slice(0, 8)))).toMatchObject({
      paneCurrentPath: null,
      sessionAttached: null,
      paneInMode: null,
    });
  });

  it("rejects 9 fields, a tab inside a name (12 fields), and a malformed pane id or index", () => {
    expect(parsePaneInfoLine(row(eleven.slice(0, 9)))).toBeNull();
    expect(parsePaneInfoLine(row(["%3", "team-a", "2", "de", "v", ...eleven.slice(4)]))).toBeNull();
    expect(parsePaneInfoLine(row(["3", ...eleven.slice(1)]))).toBeNull();
    expect(parsePaneInfoLine(row(["%3", "team-a", "x", ...eleven.slice(3)]))).toBeNull();
    expect(splitRow("a\tb\tc", [2])).toBeNull();
  });

  it("reads tmux flags and pane modes", () => {
    expect(["1", "2", "yes"].map(isTruthyFlag)).toEqual([true, true, true]);
    expect(["0", "", " ", "-1"].map(isTruthyFlag)).toEqual([false, false, false, false]);
    expect([" ", "0", "1", "copy-mode", "view-mode"].map(normalizePaneMode)).toEqual([
      null,
      null,
      "copy-mode",
      "copy-mode",
      "view-mode",
    ]);
  });
});

describe("names and targets", () => {
  it("rejects session names tmux would rewrite, with a clear message and action", () => {
    for (const bad of ["team.alpha", "0.2.4-x", "a:b"]) {
      try {
        assertSessionName(bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({
          code: "tmux_input_invalid",
          message: expect.stringContaining("rewrites to `_`"),
          action: expect.stringContaining("Replace"),
        });
      }
    }
    expect(assertSessionName("team-alpha_2")).toBe("team-alpha_2");
    expect(assertSessionName("équipe-日本")).toBe("équipe-日本");
  });

  it("rejects names that are empty, padded, contain controls or start like an id or flag", () => {
    for (const bad of ["", " x", "x ", "a\tb", "a\nb", "$1", "@1", "%1", "=x", "-x", "{last}", "~x"]) {
      expect(() => assertSessionName(bad), JSON.stringify(bad)).toThrow(/invalid tmux session name/);
    }
  });

  it("rejects window names a target cannot reach, allows colons", () => {
    expect(() => assertWindowName("a.b")).toThrow(/pane separator/);
    expect(() => assertWindowName("12")).toThrow(/window index/);
    expect(() => assertWindowName("@3")).toThrow(/id, flag/);
    expect(assertWindowName("team-agent:s:overview")).toBe("team-agent:s:overview");
  });

  it("builds exact-match targets and reads which pane a target means", () => {
    expect(sessionTarget("team-a")).toBe("=team-a");
    expect(windowTarget("team-a", "dev")).toBe("=team-a:=dev");
    expect(() => windowTarget("team.a", "dev")).toThrow(/session name/);
    expect(paneSelector("%12")).toEqual({ paneId: "%12" });
    expect(paneSelector("=s:=dev")).toEqual({ active: true });
    expect(paneSelector("=s:=dev.2")).toEqual({ paneIndex: 2 });
    expect(paneSelector("=s")).toEqual({ active: true });
    expect(isControlSessionName("team-agent-control-12-abcd")).toBe(true);
    expect(isControlSessionName("team-alpha")).toBe(false);
  });
});

describe("tmux versions", () => {
  it("parses releases, patch letters and development builds", () => {
    expect(parseTmuxVersion("tmux 3.3a\n")).toEqual({
      raw: "tmux 3.3a",
      major: 3,
      minor: 3,
      patch: "a",
      development: false,
    });
    expect(parseTmuxVersion("3.2")).toMatchObject({ major: 3, minor: 2, patch: null });
    expect(parseTmuxVersion("tmux next-3.6")).toMatchObject({ major: 3, minor: 6, development: true });
    expect(parseTmuxVersion("tmux 3.4-rc")).toMatchObject({ major: 3, minor: 4 });
    expect(parseTmuxVersion("tmux master")).toMatchObject({ major: Number.POSITIVE_INFINITY, development: true });
    expect(parseTmuxVersion("tmux openbsd-7.4")).toMatchObject({ development: true });
    expect(parseTmuxVersion("screen 4.09")).toBeNull();
    expect(parseTmuxVersion("")).toBeNull();
  });

  it("orders versions by major, minor, then patch letter", () => {
    const v = (text: string) => parseTmuxVersion(text)!;
    expect(compareTmuxVersions(v("3.3a"), v("3.2"))).toBeGreaterThan(0);
    expect(compareTmuxVersions(v("3.2"), v("3.2a"))).toBeLessThan(0);
    expect(compareTmuxVersions(v("2.9a"), v("3.2"))).toBeLessThan(0);
    expect(compareTmuxVersions(v("3.10"), v("3.9"))).toBeGreaterThan(0);
    expect(compareTmuxVersions(v("3.3"), v("3.3"))).toBe(0);
    expect(compareTmuxVersions(v("tmux master"), v("3.5"))).toBeGreaterThan(0);
  });
});
