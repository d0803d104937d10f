/**
 * Every command: name, help, options, and where its code lives (loaded only when it runs). The order here is the
 * order of `team-agent --help`. Modules export one `CommandModule` per command, named `<camelCaseName>Command`.
 */
import type { CommandDefinition, CommandModule } from "./command.js";

type Loader = () => Promise<Record<string, unknown>>;

/** Loads `exportName` from a command module, checking it really is a command (a typo fails loudly, not silently). */
function from(loader: Loader, exportName: string): () => Promise<CommandModule> {
  return async () => {
    const module = (await loader())[exportName] as CommandModule | undefined;
    if (!module || typeof module.run !== "function") throw new Error(`command module lacks ${exportName}`);
    return module;
  };
}

const agents: Loader = () => import("../commands/agents.js");
const alerts: Loader = () => import("../commands/alerts.js");
const leadership: Loader = () => import("../commands/leadership.js");
const messaging: Loader = () => import("../commands/messaging.js");
const observe: Loader = () => import("../commands/observe.js");
const teamOps: Loader = () => import("../commands/team.js");
const setup: Loader = () => import("../commands/setup.js");
const specs: Loader = () => import("../commands/specs.js");
const doctor: Loader = () => import("../commands/doctor.js");
const profile: Loader = () => import("../commands/profile.js");
const demo: Loader = () => import("../commands/demo.js");
const screen: Loader = () => import("../commands/screen.js");
const mcp: Loader = () => import("../commands/mcp.js");
const leader: Loader = () => import("../commands/leader.js");

const DISPLAY = { type: "boolean", description: "do not open a display window (accepted for compatibility)" } as const;

export const COMMANDS: readonly CommandDefinition[] = [
  {
    name: "claude",
    summary: "start (or reattach) the lead: Claude Code in a tmux pane of this workspace",
    usage: "claude [--attach --confirm | --attach-session SESSION --confirm] [args for claude...]",
    notes: ["Everything else is passed to claude unchanged; `team-agent claude -- --help` shows claude's own help."],
    load: from(leader, "leaderHelpCommand"),
  },
  {
    name: "codex",
    summary: "start (or reattach) the lead: Codex in a tmux pane of this workspace",
    usage: "codex [--attach --confirm | --attach-session SESSION --confirm] [args for codex...]",
    notes: ["Everything else is passed to codex unchanged; `team-agent codex -- --help` shows codex's own help."],
    load: from(leader, "leaderHelpCommand"),
  },
  {
    name: "quick-start",
    summary: "compile a folder of role docs into a team, start it, and wait until every worker is ready",
    usage: "quick-start AGENTS_DIR [--name NAME] [--team-id ID] [--yes] [--fresh]",
    positionals: { min: 1, max: 1, names: "AGENTS_DIR" },
    options: {
      name: { type: "string", value: "name", description: "team name when the folder has no TEAM.md" },
      "team-id": { type: "string", value: "id", description: "folder name under .team/ for loose role docs" },
      yes: { type: "boolean", description: "confirm a launch the spec asks approval for (dangerous auto-approve)" },
      fresh: { type: "boolean", description: "start fresh even if this team has stored sessions" },
    },
    examples: ["team-agent quick-start ./roles", "team-agent quick-start .team/alpha --json"],
    load: from(setup, "quickStartCommand"),
  },
  {
    name: "send",
    summary: "send a message to a worker (stored first, then delivered and verified)",
    usage: "send [options] TARGET MESSAGE...",
    positionals: { min: 1, names: "TARGET and MESSAGE" },
    options: {
      to: { type: "string", value: "a,b", description: "several recipients (comma-separated); replaces TARGET" },
      task: { type: "string", value: "task", description: "the task this message is about (routes to its assignee)" },
      from: { type: "string", value: "id", description: "sender id (default: leader)" },
      "no-ack": { type: "boolean", description: "do not expect the worker to acknowledge" },
      "no-wait": { type: "boolean", description: "return once the message is stored (the daemon delivers it)" },
      "watch-result": { type: "boolean", description: "register a watcher: the result reaches you when it comes" },
      timeout: { type: "string", value: "sec", description: "how long to wait for submission (default 30)" },
      "confirm-human": { type: "boolean", description: "dispatch a task marked human_confirmation: true" },
    },
    examples: [
      'team-agent send dev "Fix the failing test in src/export.ts"',
      'team-agent send --task t1 --json "Start t1"',
    ],
    load: from(messaging, "sendCommand"),
  },
  {
    name: "status",
    summary: "the team at a glance: workers, screens, turns, queues, results, daemon",
    usage: "status [AGENT] [--detail | --summary | --watch]",
    positionals: { min: 0, max: 1, names: "AGENT" },
    options: {
      detail: { type: "boolean", description: "everything, uncompacted" },
      summary: { type: "boolean", description: "five lines" },
      watch: { type: "boolean", description: "a live dashboard until Ctrl-C" },
    },
    load: from(observe, "statusCommand"),
  },
  {
    name: "watch",
    summary: "follow results, deliveries and failures as they happen (Ctrl-C to stop)",
    usage: "watch",
    load: from(observe, "watchCommand"),
  },
  {
    name: "approvals",
    summary: "prompts where a worker waits for approval (no raw screen text)",
    usage: "approvals [AGENT]",
    positionals: { min: 0, max: 1, names: "AGENT" },
    load: from(observe, "approvalsCommand"),
  },
  {
    name: "inbox",
    summary: "messages sent by or to one agent (results are in collect)",
    usage: "inbox AGENT [--limit N] [--since ISO8601]",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      limit: { type: "string", value: "n", description: "newest N messages (default 20)" },
      since: { type: "string", value: "time", description: "only messages created at or after this time" },
    },
    load: from(messaging, "inboxCommand"),
  },
  {
    name: "takeover",
    summary: "make this pane the lead of a team whose lead pane is gone",
    usage: "takeover --confirm",
    options: { confirm: { type: "boolean", description: "really take ownership" } },
    load: from(leadership, "takeoverCommand"),
  },
  {
    name: "claim-leader",
    summary: "bind this pane as the team's lead (dry run without --confirm)",
    usage: "claim-leader [--confirm]",
    options: { confirm: { type: "boolean", description: "really claim" } },
    load: from(leadership, "claimLeaderCommand"),
  },
  {
    name: "identity",
    summary: "who this lead is: session uuid prefix, machine, workspace, pane",
    usage: "identity",
    load: from(leadership, "identityCommand"),
  },
  {
    name: "shutdown",
    summary: "stop the team: workers, daemon, tmux session (logs and sessions are kept)",
    usage: "shutdown [--keep-logs]",
    options: { "keep-logs": { type: "boolean", description: "kept for compatibility: logs are always kept" } },
    load: from(teamOps, "shutdownCommand"),
  },
  {
    name: "restart",
    summary: "bring a stopped team back, every worker resuming its stored session",
    usage: "restart [WORKSPACE] [--allow-fresh]",
    positionals: { min: 0, max: 1, names: "WORKSPACE" },
    options: { "allow-fresh": { type: "boolean", description: "start workers whose session cannot be resumed fresh" } },
    load: from(teamOps, "restartCommand"),
  },
  {
    name: "start-agent",
    summary: "start (or repair) one worker, resuming its session",
    usage: "start-agent AGENT [--force] [--allow-fresh]",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      force: { type: "boolean", description: "restart it even if its window is there" },
      "allow-fresh": { type: "boolean", description: "start fresh when its session cannot be resumed" },
      "no-display": DISPLAY,
    },
    load: from(agents, "startAgentCommand"),
  },
  {
    name: "stop-agent",
    summary: "stop one worker (its session is kept)",
    usage: "stop-agent AGENT",
    positionals: { min: 1, max: 1, names: "AGENT" },
    load: from(agents, "stopAgentCommand"),
  },
  {
    name: "reset-agent",
    summary: "restart one worker with a new, empty session",
    usage: "reset-agent AGENT --discard-session",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      "discard-session": { type: "boolean", description: "required: the worker's conversation is lost" },
      "no-display": DISPLAY,
    },
    load: from(agents, "resetAgentCommand"),
  },
  {
    name: "add-agent",
    summary: "add a worker to the running team from a role file",
    usage: "add-agent AGENT --role-file PATH",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      "role-file": { type: "string", value: "path", description: "the role doc (workspace-relative)" },
      "no-display": DISPLAY,
    },
    load: from(agents, "addAgentCommand"),
  },
  {
    name: "fork-agent",
    summary: "start a copy of a worker from its session (providers that can fork)",
    usage: "fork-agent SOURCE --as NEW [--label LABEL]",
    positionals: { min: 1, max: 1, names: "SOURCE" },
    options: {
      as: { type: "string", value: "id", description: "the new worker's id" },
      label: { type: "string", value: "label", description: "its role label" },
      "no-display": DISPLAY,
    },
    load: from(agents, "forkAgentCommand"),
  },
  {
    name: "remove-agent",
    summary: "remove a worker from the team",
    usage: "remove-agent AGENT [--force] [--from-spec --confirm]",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      force: { type: "boolean", description: "stop it first if it is running" },
      "from-spec": { type: "boolean", description: "also remove a worker the team spec defines" },
      confirm: { type: "boolean", description: "confirm --from-spec" },
    },
    load: from(agents, "removeAgentCommand"),
  },
  {
    name: "stuck-list",
    summary: "stuck and idle alerts that are currently silenced",
    usage: "stuck-list",
    load: from(alerts, "stuckListCommand"),
  },
  {
    name: "stuck-cancel",
    summary: "silence the stuck (or idle) alert of a worker until its work changes",
    usage: "stuck-cancel AGENT [--alert-type stuck|idle_fallback|all]",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: { "alert-type": { type: "string", value: "type", description: "stuck (default), idle_fallback or all" } },
    load: from(alerts, "stuckCancelCommand"),
  },
  {
    name: "acknowledge-idle",
    summary: "stop the all-idle reminder until a worker starts a new turn",
    usage: "acknowledge-idle [TEAM]",
    positionals: { min: 0, max: 1, names: "TEAM" },
    load: from(alerts, "acknowledgeIdleCommand"),
  },
  {
    name: "doctor",
    summary: "check tmux, providers, the store, the daemon and the lead binding (exit 1 when a check fails)",
    usage: "doctor [--comms] [--cleanup-orphans] [--repair-store]",
    options: {
      comms: { type: "boolean", description: "also send a message through a scratch pane and prove it landed" },
      "cleanup-orphans": { type: "boolean", description: "stop daemons whose workspace is gone" },
      "repair-store": { type: "boolean", description: "move a corrupt team.db aside and start a new one" },
    },
    load: from(doctor, "doctorCommand"),
  },
  {
    name: "demo",
    summary: "watch a 3-worker team of the built-in fake provider do a task, then clean up",
    usage: "demo [--keep]",
    options: { keep: { type: "boolean", description: "leave the demo team running (prints how to stop it)" } },
    load: from(demo, "demoCommand"),
  },
  {
    name: "screen classify",
    summary: "what the screen classifier sees in a saved pane capture",
    usage: "screen classify [--provider P] [--width N] [FILE|-]",
    positionals: { min: 0, max: 1, names: "FILE" },
    options: {
      provider: { type: "string", value: "name", description: "use this provider's signatures (default: all)" },
      width: { type: "string", value: "cols", description: "the pane width the capture came from" },
    },
    examples: ["tmux capture-pane -p -t %3 | team-agent screen classify --provider codex -"],
    load: from(screen, "screenClassifyCommand"),
  },
  // Hidden: building blocks, maintenance, diagnostics (`team-agent advanced`).
  {
    name: "init",
    hidden: true,
    summary: "write a starter team doc folder",
    usage: "init [--force]",
    options: { force: { type: "boolean", description: "overwrite" } },
    load: from(specs, "initCommand"),
  },
  {
    name: "validate",
    hidden: true,
    summary: "check a team spec file or team folder",
    usage: "validate [SPEC_OR_DIR]",
    positionals: { min: 0, max: 1, names: "SPEC_OR_DIR" },
    load: from(specs, "validateCommand"),
  },
  {
    name: "compile",
    hidden: true,
    summary: "compile a team folder into team.spec.yaml",
    usage: "compile DIR [--out FILE]",
    positionals: { min: 1, max: 1, names: "DIR" },
    options: { out: { type: "string", value: "file", description: "output file (default DIR/team.spec.yaml)" } },
    load: from(specs, "compileCommand"),
  },
  {
    name: "validate-result",
    hidden: true,
    summary: "check a result_envelope_v1 (argument, --file or stdin)",
    usage: "validate-result [JSON] [--file F]",
    positionals: { min: 0, max: 1, names: "JSON" },
    options: { file: { type: "string", value: "file", description: "read the envelope from a file" } },
    load: from(specs, "validateResultCommand"),
  },
  {
    name: "profile init",
    hidden: true,
    summary: "create a credential profile (0600) and its example",
    usage: "profile init NAME [--auth-mode MODE]",
    positionals: { min: 1, max: 1, names: "NAME" },
    options: {
      "auth-mode": { type: "string", value: "mode", description: "subscription, official_api or compatible_api" },
    },
    load: from(profile, "profileInitCommand"),
  },
  {
    name: "profile show",
    hidden: true,
    summary: "a profile's settings, secrets redacted",
    usage: "profile show NAME",
    positionals: { min: 1, max: 1, names: "NAME" },
    load: from(profile, "profileShowCommand"),
  },
  {
    name: "profile doctor",
    hidden: true,
    summary: "check a profile, with a smoke request against a compatible API",
    usage: "profile doctor NAME [--no-smoke]",
    positionals: { min: 1, max: 1, names: "NAME" },
    options: { "no-smoke": { type: "boolean", description: "skip the smoke request" } },
    load: from(profile, "profileDoctorCommand"),
  },
  {
    name: "preflight",
    hidden: true,
    summary: "check that a team can start (tmux, providers, profiles)",
    usage: "preflight DIR",
    positionals: { min: 1, max: 1, names: "DIR" },
    load: from(setup, "preflightCommand"),
  },
  {
    name: "start",
    hidden: true,
    summary: "compile and launch a team (no waiting)",
    usage: "start DIR [--yes]",
    positionals: { min: 1, max: 1, names: "DIR" },
    options: { yes: { type: "boolean", description: "confirm the launch" } },
    load: from(setup, "startCommand"),
  },
  {
    name: "launch",
    hidden: true,
    summary: "launch a team from a spec file",
    usage: "launch [SPEC] [--yes] [--dry-run]",
    positionals: { min: 0, max: 1, names: "SPEC" },
    options: {
      yes: { type: "boolean", description: "confirm the launch" },
      "dry-run": { type: "boolean", description: "show what would start" },
    },
    load: from(setup, "launchCommand"),
  },
  {
    name: "wait-ready",
    hidden: true,
    summary: "wait until every worker shows its input prompt",
    usage: "wait-ready [--timeout SEC]",
    options: { timeout: { type: "string", value: "sec", description: "default 120" } },
    load: from(setup, "waitReadyCommand"),
  },
  {
    name: "settle",
    hidden: true,
    summary: "collect results, then show status",
    usage: "settle",
    load: from(messaging, "settleCommand"),
  },
  {
    name: "collect",
    hidden: true,
    summary: "collect reported results into the task list",
    usage: "collect",
    load: from(messaging, "collectCommand"),
  },
  {
    name: "peek",
    hidden: true,
    summary: "raw screen text of a worker (needs the user's explicit authorisation)",
    usage: "peek AGENT --allow-raw-screen (--head N | --tail N | --search TEXT [--context N])",
    positionals: { min: 1, max: 1, names: "AGENT" },
    options: {
      "allow-raw-screen": { type: "boolean", description: "the user authorised raw screen inspection" },
      head: { type: "string", value: "n", description: "first N lines (1-80)" },
      tail: { type: "string", value: "n", description: "last N lines (1-80)" },
      search: { type: "string", value: "text", description: "case-insensitive search in the last 300 lines" },
      context: { type: "string", value: "n", description: "lines around each match (0-10, default 3)" },
    },
    load: from(observe, "peekCommand"),
  },
  {
    name: "sessions",
    hidden: true,
    summary: "each worker's session, transcript and capture facts",
    usage: "sessions",
    load: from(observe, "sessionsCommand"),
  },
  {
    name: "attach-leader",
    hidden: true,
    summary: "bind a pane as the lead's receiver",
    usage: "attach-leader [--pane %ID] [--provider P]",
    options: {
      pane: { type: "string", value: "%id", description: "default: this pane ($TMUX_PANE)" },
      provider: { type: "string", value: "name", description: "the lead's provider" },
    },
    load: from(leadership, "attachLeaderCommand"),
  },
  {
    name: "diagnose",
    hidden: true,
    summary: "everything doctor knows, as one JSON report",
    usage: "diagnose",
    load: from(doctor, "diagnoseCommand"),
  },
  {
    name: "repair-state",
    hidden: true,
    summary: "correct one task's assignee or status",
    usage: "repair-state --task ID [--assignee A] [--status S]",
    options: {
      task: { type: "string", value: "id", description: "the task" },
      assignee: { type: "string", value: "id", description: "new assignee" },
      status: { type: "string", value: "status", description: "new status" },
    },
    load: from(specs, "repairStateCommand"),
  },
  {
    name: "install-skill",
    hidden: true,
    summary: "install the lead's skill for Claude Code and/or Codex",
    usage: "install-skill [--target codex|claude|all] [--dest DIR] [--dry-run]",
    options: {
      target: { type: "string", value: "target", description: "codex, claude or all (default all)" },
      dest: { type: "string", value: "dir", description: "install into this folder instead" },
      "dry-run": { type: "boolean", description: "show what would be written" },
    },
    load: from(doctor, "installSkillCommand"),
  },
  {
    name: "e2e",
    hidden: true,
    summary: "a quick launch/send/collect/shutdown loop with the fake provider",
    usage: "e2e",
    load: from(demo, "e2eCommand"),
  },
  {
    name: "allow-peer-talk",
    hidden: true,
    summary: "kept for compatibility: workers of one team may always talk",
    usage: "allow-peer-talk A B",
    positionals: { min: 2, max: 2, names: "A B" },
    load: from(specs, "allowPeerTalkCommand"),
  },
  {
    name: "mcp",
    hidden: true,
    summary: "the team_orchestrator MCP server over stdio (started by worker CLIs)",
    usage: "mcp [--workspace DIR]",
    load: from(mcp, "mcpCommand"),
  },
];

/** The command `argv` names (two-word names first), and the arguments after its name. */
export function findCommand(argv: readonly string[]): { command: CommandDefinition; rest: string[] } | null {
  const two = `${argv[0]} ${argv[1] ?? ""}`;
  const paired = COMMANDS.find((command) => command.name === two);
  if (paired) return { command: paired, rest: argv.slice(2) };
  const single = COMMANDS.find((command) => command.name === argv[0]);
  return single ? { command: single, rest: argv.slice(1) } : null;
}
