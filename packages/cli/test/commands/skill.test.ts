/**
 * The lead's skill: every `team-agent <command> [--options]` it mentions must exist in the command table (a renamed
 * option or command fails here), it covers the commands a lead needs, and `install-skill` copies it for Claude Code
 * and Codex with backups, dry runs and its usage errors.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS } from "../../src/cli/command.js";
import { COMMANDS } from "../../src/cli/commands.js";
import { teamAgent } from "../helpers/cli.js";

const SKILL_DIR = fileURLToPath(new URL("../../skill/team-agent/", import.meta.url));

function skillFiles(dir = SKILL_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? skillFiles(path) : name.endsWith(".md") ? [path] : [];
  });
}

/** The leader passthrough hands every later flag to the provider CLI, so those flags are not ours to check. */
const PASSTHROUGH = new Set(["claude", "codex"]);
const INVOCATION = /(?<![\w/@.-])team-agent[ \t]+([a-z][a-z0-9-]*)(?:[ \t]+([a-z][a-z0-9-]*))?/g;
const OPTION = /(?<![\w-])--([a-z][a-z0-9-]*)/g;

interface Mention {
  line: number;
  command: string;
  options: string[];
}

/**
 * Each `team-agent …` invocation in a markdown text: the command (two-word names first) and the `--options` that
 * follow it up to the end of its code span, line, shell separator or comment. Unknown commands come back as
 * `?<word>`.
 */
export function findMentions(markdown: string): Mention[] {
  const mentions: Mention[] = [];
  markdown.split("\n").forEach((text, index) => {
    for (const match of text.matchAll(INVOCATION)) {
      const [whole, first = "", second] = match;
      const pair = second === undefined ? undefined : COMMANDS.find((command) => command.name === `${first} ${second}`);
      const single = COMMANDS.find((command) => command.name === first);
      const command = pair?.name ?? single?.name ?? `?${first}`;
      const rest = text.slice((match.index ?? 0) + whole.length);
      const segment = rest.split(/`|\||;|&&|#/)[0] ?? "";
      const options = PASSTHROUGH.has(command) ? [] : [...segment.matchAll(OPTION)].map((option) => option[1] ?? "");
      mentions.push({ line: index + 1, command, options });
    }
  });
  return mentions;
}

/** Problems in a text: unknown commands, and options the mentioned command (or every command) does not take. */
export function lintCommandMentions(markdown: string): string[] {
  const problems: string[] = [];
  for (const mention of findMentions(markdown)) {
    const command = COMMANDS.find((each) => each.name === mention.command);
    if (command === undefined) {
      problems.push(`line ${mention.line}: unknown command team-agent ${mention.command.slice(1)}`);
      continue;
    }
    for (const option of mention.options) {
      if (!(option in (command.options ?? {})) && !(option in GLOBAL_OPTIONS)) {
        problems.push(`line ${mention.line}: team-agent ${command.name} has no option --${option}`);
      }
    }
  }
  // Options named outside an invocation (prose such as "use `--fresh`") must still exist somewhere.
  const known = new Set([
    ...Object.keys(GLOBAL_OPTIONS),
    ...COMMANDS.flatMap((each) => Object.keys(each.options ?? {})),
  ]);
  markdown.split("\n").forEach((text, index) => {
    if (/team-agent[ \t]+(claude|codex)\b/.test(text)) return;
    for (const [, option = ""] of text.matchAll(OPTION)) {
      if (!known.has(option)) problems.push(`line ${index + 1}: no command has an option --${option}`);
    }
  });
  return problems;
}

describe("the command-mention lint", () => {
  it("finds two-word commands, the options after them, and stops at the end of the code span", () => {
    const mentions = findMentions(
      'Run `team-agent profile show myapi --json` or `team-agent send --task t1 dev "go"`; then `--json` alone.\n' +
        "```\nteam-agent status --summary | head # --not-an-option\nteam-agent codex --model x\n```",
    );
    expect(mentions).toEqual([
      { line: 1, command: "profile show", options: ["json"] },
      { line: 1, command: "send", options: ["task"] },
      { line: 3, command: "status", options: ["summary"] },
      { line: 4, command: "codex", options: [] },
    ]);
  });

  it("reports unknown commands and options, including options of the wrong command", () => {
    const problems = lintCommandMentions(
      "`team-agent frobnicate now`\n`team-agent send --frob dev hi`\n`team-agent status --discard-session`\nuse `--nowhere`",
    );
    expect(problems).toEqual([
      "line 1: unknown command team-agent frobnicate",
      "line 2: team-agent send has no option --frob",
      "line 3: team-agent status has no option --discard-session",
      "line 2: no command has an option --frob",
      "line 4: no command has an option --nowhere",
    ]);
  });

  it("ignores paths and package names that contain team-agent", () => {
    expect(findMentions("~/.claude/skills/team-agent/ and @team-agent/cli and .team-agent x")).toEqual([]);
  });
});

describe("the shipped skill", () => {
  const files = skillFiles();
  const skill = readFileSync(join(SKILL_DIR, "SKILL.md"), "utf8");

  it("mentions only commands and options that exist", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect({ file: relative(SKILL_DIR, file), problems: lintCommandMentions(readFileSync(file, "utf8")) }).toEqual({
        file: relative(SKILL_DIR, file),
        problems: [],
      });
    }
  });

  it("has the front matter both Claude Code and Codex read", () => {
    const front = /^---\n([\s\S]*?)\n---\n/.exec(skill)?.[1] ?? "";
    expect(front).toMatch(/^name: team-agent$/m);
    expect(front).toMatch(/^description: .{40,}$/m);
  });

  it("teaches every command a lead needs, and never raw screen access", () => {
    const used = new Set(files.flatMap((file) => findMentions(readFileSync(file, "utf8")).map((each) => each.command)));
    const needed = [
      "claude",
      "codex",
      "quick-start",
      "send",
      "status",
      "inbox",
      "collect",
      "settle",
      "approvals",
      "start-agent",
      "stop-agent",
      "reset-agent",
      "add-agent",
      "remove-agent",
      "shutdown",
      "restart",
      "acknowledge-idle",
      "doctor",
      "profile show",
    ];
    expect(needed.filter((command) => !used.has(command))).toEqual([]);
    expect(used.has("peek")).toBe(false);
    expect(skill).toContain(".team/runtime/provider-env/");
    expect(skill).toContain("report_result");
  });
});

describe("team-agent install-skill", () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });
  const newHome = () => {
    const home = mkdtempSync(join(tmpdir(), "ta-skill-home-"));
    homes.push(home);
    return home;
  };

  it("copies the skill for Claude Code and Codex, then backs up a changed file before replacing it", async () => {
    const home = newHome();
    const first = await teamAgent(["install-skill", "--json"], { cwd: home, env: { HOME: home } });
    expect(first.code).toBe(0);
    const claudeSkill = join(home, ".claude", "skills", "team-agent", "SKILL.md");
    const codexSkill = join(home, ".codex", "skills", "team-agent", "SKILL.md");
    const shipped = readFileSync(join(SKILL_DIR, "SKILL.md"), "utf8");
    expect(readFileSync(claudeSkill, "utf8")).toBe(shipped);
    expect(readFileSync(codexSkill, "utf8")).toBe(shipped);
    expect(existsSync(join(home, ".codex", "skills", "team-agent", "references", "profiles.md"))).toBe(true);

    writeFileSync(claudeSkill, "my own edits\n");
    const second = await teamAgent(["install-skill", "--target", "claude", "--json"], {
      cwd: home,
      env: { HOME: home },
    });
    expect(second.code).toBe(0);
    const target = second.json<{ targets: { files: { file: string; action: string; backup?: string }[] }[] }>()
      .targets[0];
    const skillStep = target?.files.find((file) => file.file === "SKILL.md");
    expect(skillStep?.action).toBe("update");
    expect(readFileSync(skillStep?.backup as string, "utf8")).toBe("my own edits\n");
    expect(readFileSync(claudeSkill, "utf8")).toBe(shipped);
    expect(target?.files.filter((file) => file.file !== "SKILL.md").every((file) => file.action === "unchanged")).toBe(
      true,
    );
  });

  it("writes nothing on --dry-run and installs into --dest", async () => {
    const home = newHome();
    const dry = await teamAgent(["install-skill", "--dry-run"], { cwd: home, env: { HOME: home } });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would install");
    expect(readdirSync(home)).toEqual([]);

    const custom = await teamAgent(["install-skill", "--target", "codex", "--dest", "skills/ta", "--json"], {
      cwd: home,
      env: { HOME: home },
    });
    expect(custom.code).toBe(0);
    expect(readFileSync(join(home, "skills", "ta", "SKILL.md"), "utf8")).toContain("name: team-agent");
    expect(existsSync(join(home, ".codex"))).toBe(false);
  });

  it("refuses --dest with --target all, and an unknown target, as usage errors", async () => {
    const home = newHome();
    const both = await teamAgent(["install-skill", "--target", "all", "--dest", "x"], {
      cwd: home,
      env: { HOME: home },
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--dest cannot be combined with --target all");
    const unknown = await teamAgent(["install-skill", "--target", "vim", "--json"], { cwd: home, env: { HOME: home } });
    expect(unknown.code).toBe(2);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: "usage_error" } });
    expect(readdirSync(home)).toEqual([]);
  });
});
