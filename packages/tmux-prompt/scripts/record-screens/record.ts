/**
 * Records real Codex / Claude Code screens as classifier fixtures.
 *
 *   npx tsx scripts/record-screens/record.ts --cli codex|claude-code [--out DIR] [--bin DIR]
 *
 * The CLIs must be installed OUTSIDE the repo (default bin dir: /tmp/clis/node_modules/.bin). Every run uses
 * throwaway HOME / CODEX_HOME dirs under the OS temp dir, a private tmux server and a scripted local model
 * endpoint (@team-agent/scripted-model), and cleans all of them up. No network access is needed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { always, type ScriptedModel, startScriptedModel } from "@team-agent/scripted-model";

const { values } = parseArgs({
  options: {
    cli: { type: "string" },
    out: { type: "string", default: join(import.meta.dirname, "../../test/fixtures/screens") },
    bin: { type: "string", default: "/tmp/clis/node_modules/.bin" },
  },
});
const cliName = values.cli;
if (cliName !== "codex" && cliName !== "claude-code") {
  throw new Error("usage: record.ts --cli codex|claude-code [--out DIR] [--bin DIR]");
}
const outDir = values.out as string;
const binDir = values.bin as string;

const WIDTH = 160;
const HEIGHT = 45;
const NARROW = 60;
const socketBase = `rec-${cliName}-${process.pid}`;
// Each shell gets its own private server: reusing a name right after kill-server races its shutdown.
let shellCount = 0;
let socket = socketBase;
const root = mkdtempSync(join(tmpdir(), "rec-screens-"));
// Over 100 characters so the trust screens must wrap or truncate it at narrow widths.
const longWorkspace = join(
  root,
  "workspaces/a-rather-long-directory-name-for-testing/nested-project-folder-with-a-long-name/team-agent-worker-one",
);

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env } });
}

const capture = (ansi = false) => tmux("capture-pane", "-p", ...(ansi ? ["-e"] : []), "-t", "0");
const typeText = (text: string) => tmux("send-keys", "-t", "0", "-l", text);
const keys = (...k: string[]) => tmux("send-keys", "-t", "0", ...k);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the pane until `pattern` shows (or, with `absent`, disappears), or throws at the deadline. */
async function waitFor(pattern: RegExp, timeoutMs = 20_000, absent = false): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = capture();
    if (pattern.test(screen) !== absent) return screen;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${absent ? "absence of " : ""}${pattern}\n${screen}`);
    }
    await sleep(250);
  }
}

/** Starts a fresh private tmux server with a plain bash (fixed prompt) and the given environment. */
async function startShell(cwd: string, env: Record<string, string>, width = WIDTH): Promise<void> {
  if (shellCount > 0) {
    try {
      tmux("kill-server");
    } catch {
      /* already gone */
    }
  }
  shellCount += 1;
  socket = `${socketBase}-${shellCount}`;
  const envArgs = Object.entries({
    PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    ...env,
  }).map(([k, v]) => `${k}=${v}`);
  const command = ["env", "-i", ...envArgs, "bash", "--noprofile", "--norc"].map((a) => `'${a}'`).join(" ");
  tmux("-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(HEIGHT), "-c", cwd, command);
  tmux("set-option", "-g", "status", "off");
  typeText("PS1='rec@box:\\w\\$ '; clear");
  keys("Enter");
  await waitFor(/^rec@box:/);
}

let version = "";
function save(
  what: string,
  kind: string,
  how: string,
  notes: string,
  extra: { workspace?: string; ansi?: boolean } = {},
): void {
  const base = join(outDir, `${cliName}-${version}-${what}`);
  writeFileSync(`${base}.txt`, capture());
  if (extra.ansi) writeFileSync(`${base}.ansi.txt`, capture(true));
  const [w, h] = tmux("display", "-p", "-t", "0", "#{pane_width} #{pane_height}").trim().split(" ");
  const meta = {
    cli: cliName,
    version,
    tmux_size: `${w}x${h}`,
    how,
    expected_kind: kind,
    notes,
    pane_width: Number(w),
    ...(extra.workspace ? { workspace_path: extra.workspace } : {}),
    ...(extra.ansi ? { ansi_variant: true } : {}),
  };
  writeFileSync(`${base}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
  process.stdout.write(`saved ${base}.txt (${kind})\n`);
}

function gitWorkspace(dir: string): string {
  mkdirSync(dir, { recursive: true });
  sh("git", ["init", "-q", dir]);
  writeFileSync(join(dir, "README.md"), "# demo\n");
  return dir;
}

function pasteLongText(): void {
  const text = Array.from(
    { length: 30 },
    (_, i) =>
      `Line ${String(i + 1).padStart(2, "0")} of a long pasted message: the quick brown fox jumps over the lazy dog.`,
  ).join("\n");
  const file = join(root, "paste.txt");
  writeFileSync(file, text);
  tmux("load-buffer", "-b", "recpaste", file);
  tmux("paste-buffer", "-p", "-b", "recpaste", "-t", "0");
}

/** Submits a prompt the way that works for both CLIs: type, pause (Codex swallows a quick Enter), Enter. */
async function submit(text: string): Promise<void> {
  typeText(text);
  await sleep(1000);
  keys("Enter");
}

async function recordCodex(model: ScriptedModel): Promise<void> {
  version = sh(join(binDir, "codex"), ["--version"])
    .trim()
    .replace(/^codex-cli /, "");
  const ws = gitWorkspace(join(root, "ws-codex"));
  const signInHome = join(root, "codex-signin");
  const home = join(root, "codex-home");
  mkdirSync(join(signInHome, "codex"), { recursive: true });
  mkdirSync(join(home, "codex"), { recursive: true });
  writeFileSync(
    join(home, "codex/config.toml"),
    `model = "test-model"\nmodel_provider = "local"\n\n[model_providers.local]\nname = "Local test model"\nbase_url = "${model.url}/v1"\nwire_api = "responses"\n`,
  );
  const homes = [signInHome, home];
  try {
    // 1. No provider config, no credentials: the sign-in screen.
    await startShell(ws, { HOME: signInHome, CODEX_HOME: join(signInHome, "codex") });
    await submit("codex");
    await waitFor(/Press enter to continue/);
    await sleep(1500); // let the logo animation settle
    save(
      "sign-in",
      "auth_required",
      "codex without credentials or provider config, git workspace",
      "First-run sign-in menu.",
      { ansi: true },
    );
    keys("C-c");
    await waitFor(/rec@box:.*[#$]\s*$/m);
    save("exited-from-sign-in", "cli_exited", "Ctrl-C on the sign-in screen", "Only the shell prompt remains.");

    // 2. Local provider: trust screens at two widths with a long path.
    const env = { HOME: home, CODEX_HOME: join(home, "codex") };
    gitWorkspace(longWorkspace);
    await startShell(longWorkspace, env, NARROW);
    await submit("codex");
    await waitFor(/Trust and continue/);
    save(
      "trust-prompt-long-path-60",
      "trust_prompt",
      `started at ${NARROW} columns in a long git workspace path`,
      "Path hard-wrapped.",
      { workspace: longWorkspace, ansi: true },
    );
    // Ctrl-C (like Esc) on the trust screen leads to the Agent command center, not out of Codex.
    await sleep(1000);
    keys("C-c");
    await waitFor(/Agent command center/);
    await startShell(longWorkspace, env);
    await submit("codex");
    await waitFor(/Trust and continue/);
    save("trust-prompt-long-path-160", "trust_prompt", "160 columns, long git workspace path", "Option 1 trusts.", {
      workspace: longWorkspace,
    });

    // 3. Trust, then the ready prompt, a draft, a paste, a held turn and the finished turn.
    keys("Enter");
    await waitFor(/Ask Codex to do anything/);
    await sleep(1000);
    save(
      "input-ready-empty",
      "input_ready",
      "trusted with Enter; first idle frame",
      "Dim placeholder in the composer.",
      { ansi: true },
    );
    typeText("please summarise the README");
    await waitFor(/› please summarise the README/);
    save("input-ready-typed", "input_ready", "typed a draft, not submitted", "Draft after the glyph.");
    keys("C-u");
    await waitFor(/Ask Codex to do anything/);
    pasteLongText();
    await waitFor(/\[Pasted Content \d+ chars\]/);
    save(
      "pasted-unsubmitted",
      "pasted_unsubmitted",
      "bracketed paste of 30 lines, not submitted",
      "Paste placeholder.",
      { ansi: true },
    );
    model.setScript([always([{ text: "Done reading the pasted text.", holdMs: 15_000 }])]);
    await sleep(1000);
    keys("Enter");
    await waitFor(/Working \(/);
    save("busy-1", "busy", "endpoint holding the stream open", "Working status line.", { ansi: true });
    await sleep(3000);
    save("busy-2", "busy", "same turn, a few seconds later", "Spinner and seconds change.");
    await waitFor(/Worked for/, 30_000);
    await sleep(500);
    save("after-turn", "input_ready", "turn finished", "Answer above a ready composer.", { ansi: true });

    // 4. API errors (non-retried 400, then retried 500).
    await recordErrors(model, "Ask Codex to do anything", /esc to interrupt/);

    // 5. A command that must run outside the sandbox asks for approval; Esc denies it.
    model.setScript([
      always([
        { shell: "touch approved.txt", justification: "Create approved.txt outside the sandbox?" },
        { text: "Created approved.txt." },
      ]),
    ]);
    await submit("create the file approved.txt");
    await waitFor(/Would you like to run the following command\?/);
    await sleep(500);
    save(
      "approval-exec-command",
      "numbered_menu",
      "endpoint answers with an exec_command call asking for require_escalated",
      "Command approval, option 1 highlighted; Enter or y approves, Esc denies.",
      { ansi: true },
    );
    keys("Escape");
    await waitFor(/You canceled the request/);
    await waitFor(/Ask Codex to do anything/);
    save("approval-denied-esc", "input_ready", "Esc on the command approval", "Canceled; composer ready.");
    model.setScript([]);

    // 6. Exit.
    keys("C-c");
    await waitFor(/codex resume/);
    await sleep(500);
    save("exited", "cli_exited", "Ctrl-C on an empty composer", "Exit summary then the shell prompt.", { ansi: true });
  } finally {
    for (const h of homes) {
      try {
        sh(join(binDir, "codex"), ["app-server", "daemon", "stop"], { HOME: h, CODEX_HOME: join(h, "codex") });
      } catch {
        /* no daemon was started for this home */
      }
      killDaemonHelpers(h);
    }
  }
}

/**
 * `daemon stop` (0.169.0) stops the app-server but leaves its `app-server daemon pid-update-loop` helper
 * running; end the helpers that belong to our throwaway home, by pid.
 */
function killDaemonHelpers(home: string): void {
  for (const line of sh("ps", ["-eo", "pid=,args="]).split("\n")) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match?.[2]?.startsWith(`${home}/`) && match[2].includes("pid-update-loop")) {
      process.kill(Number(match[1]), "SIGTERM");
    }
  }
}

async function recordErrors(model: ScriptedModel, idleMarker: string, busy: RegExp): Promise<void> {
  model.setScript([always([{ error: 400, message: "Injected bad request for testing" }])]);
  await submit("trigger a 400");
  await waitFor(/Injected bad request for testing/);
  await waitFor(busy, 10_000, true);
  save("api-error-400-after", "input_ready", "endpoint answers HTTP 400", "Error notice above a ready prompt.");
  model.setScript([always([{ error: 500 }])]);
  await submit("trigger a 500");
  await waitFor(/Reconnecting|retrying in/);
  save("api-error-retrying", "busy", "endpoint answers HTTP 500; automatic retries running", "Retry status line.", {
    ansi: true,
  });
  await waitFor(busy, 240_000, true);
  await waitFor(new RegExp(idleMarker));
  save("api-error-500-after", "input_ready", "all retries of HTTP 500 failed", "Error notice above a ready prompt.", {
    ansi: true,
  });
  model.setScript([]);
}

async function recordClaude(model: ScriptedModel): Promise<void> {
  version = sh(join(binDir, "claude"), ["--version"]).trim().split(" ")[0] ?? "";
  const ws = join(root, "ws-claude");
  mkdirSync(ws, { recursive: true });
  const fresh = join(root, "claude-fresh");
  const home = join(root, "claude-home");
  mkdirSync(fresh, { recursive: true });
  mkdirSync(home, { recursive: true });
  // Without this flag an offline first run fails a connectivity check and exits (recorded first).
  writeFileSync(join(home, ".claude.json"), `${JSON.stringify({ hasCompletedOnboarding: true })}\n`);

  await startShell(ws, { HOME: fresh });
  await submit("claude");
  await waitFor(/Unable to connect to Anthropic services[\s\S]*rec@box:/);
  save("first-run-offline-exited", "cli_exited", "fresh HOME, offline", "Connectivity check fails and the CLI exits.", {
    ansi: true,
  });

  const env = {
    HOME: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: "sk-ant-api03-dummy-key-for-local-testing-0123456789",
  };
  mkdirSync(longWorkspace, { recursive: true });
  await startShell(longWorkspace, env, NARROW);
  await submit("claude");
  await waitFor(/Yes, I trust this folder/);
  save("trust-prompt-long-path-60", "trust_prompt", `${NARROW} columns, long workspace path`, "Path hard-wrapped.", {
    workspace: longWorkspace,
    ansi: true,
  });
  await sleep(1000);
  keys("Escape");
  await waitFor(/isn't trusted/);
  save(
    "exited-trust-declined-60",
    "cli_exited",
    "Esc on the trust dialog",
    "Not-trusted message then the shell prompt.",
  );
  await startShell(longWorkspace, env);
  await submit("claude");
  await waitFor(/Yes, I trust this folder/);
  save("trust-prompt-long-path-160", "trust_prompt", "160 columns, long workspace path", "Default option exits.", {
    workspace: longWorkspace,
  });
  // The dialog is drawn a moment before it takes keys: a key sent at once is lost.
  await sleep(1000);
  keys("Down");
  await waitFor(/❯ Yes, I trust this folder/);
  keys("Enter");
  await waitFor(/Do you want to use this API key\?/);
  save("api-key-dialog", "numbered_menu", "API key in the environment", "Default is No.", { ansi: true });
  await sleep(1000);
  keys("Up");
  await waitFor(/❯ Yes/);
  keys("Enter");
  await waitFor(/for agents/);
  await sleep(1000);
  save("input-ready-empty", "input_ready", "accepted the key; first idle frame", "Composer between two rules.", {
    ansi: true,
  });
  typeText("please summarise the README");
  // The live composer glyph is followed by a no-break space (U+00A0); \s matches it.
  await waitFor(/❯\s+please summarise the README/);
  save("input-ready-typed", "input_ready", "typed a draft, not submitted", "Draft after the glyph.");
  keys("C-u");
  await waitFor(/please summarise the README/, 5000, true);
  pasteLongText();
  await waitFor(/\[Pasted text #\d+ \+\d+ lines\]/);
  save("pasted-unsubmitted", "pasted_unsubmitted", "bracketed paste of 30 lines, not submitted", "Paste placeholder.", {
    ansi: true,
  });
  model.setScript([always([{ text: "Done reading the pasted text.", holdMs: 15_000 }])]);
  keys("Enter");
  await waitFor(/esc to interrupt/);
  await sleep(1500);
  save("busy-1", "busy", "endpoint holding the stream open", "Spinner line + esc to interrupt.", { ansi: true });
  await sleep(3000);
  save("busy-2", "busy", "same turn, a few seconds later", "Spinner glyph changes.");
  await waitFor(/esc to interrupt/, 30_000, true);
  await sleep(500);
  save("after-turn", "input_ready", "turn finished", "Answer above the composer.", { ansi: true });

  await recordErrors(model, "❯\u00a0", /esc to interrupt/);

  // The default auto mode runs `touch` unasked; manual mode (one shift+tab) shows the permission dialog.
  keys("BTab");
  await waitFor(/manual mode on/);
  model.setScript([always([{ shell: "touch approved.txt" }, { text: "Created approved.txt." }])]);
  await submit("create the file approved.txt");
  await waitFor(/Do you want to proceed\?/);
  await sleep(1000); // like the trust dialog, it takes keys a moment after it is drawn
  save(
    "approval-bash",
    "numbered_menu",
    "manual permission mode; endpoint answers with a Bash tool_use",
    "Permission dialog, '❯ 1. Yes' highlighted; Enter or 1 approves, Esc denies.",
    { ansi: true },
  );
  keys("Escape");
  await waitFor(/What should Claude do instead\?/);
  save("approval-denied-esc", "input_ready", "Esc on the permission dialog", "Interrupted; empty composer.");
  model.setScript([]);
  for (let i = 0; i < 3; i++) keys("BTab"); // manual → accept edits → plan → auto
  await waitFor(/auto mode on/);

  keys("C-c");
  await waitFor(/Press Ctrl-C again to exit/);
  save("ctrl-c-once", "input_ready", "one Ctrl-C on the empty composer", "Transient exit hint in the footer.");
  keys("C-c");
  await waitFor(/claude --resume/);
  await sleep(500);
  save("exited-with-box", "cli_exited", "Ctrl-C twice", "Last prompt box stays above the shell prompt.", {
    ansi: true,
  });
}

mkdirSync(outDir, { recursive: true });
const model = await startScriptedModel();
try {
  if (cliName === "codex") await recordCodex(model);
  else await recordClaude(model);
} finally {
  try {
    tmux("kill-server");
  } catch {
    /* already gone */
  }
  await model.close();
  // The Codex daemon may still be writing its logs for a moment after `daemon stop`.
  await sleep(1000);
  rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
}
