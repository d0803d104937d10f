/**
 * Observation commands: `status` (compact, `--detail`, `--summary`, `--watch`), `watch`, `approvals`, `peek` and
 * `sessions`. They read the store and the team's panes; none of them changes the team.
 */

import type { TeamRuntime } from "@team-agent/coordinator";
import { success, type TeamRow, TeamRuntimeError, usageError } from "@team-agent/core-state";
import { classifyScreen, splitLines } from "@team-agent/tmux-prompt";
import type { CommandModule } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";
import { EventLogFollower } from "../render/event-follower.js";
import { eventTeam, renderResultLine, renderWatchEvent } from "../render/events.js";
import { runLive } from "../render/live.js";
import { flag, stringOption, wholeNumberOption } from "../render/options.js";
import {
  type ApprovalItem,
  approvalFrom,
  type PeekMode,
  selectScreenLines,
  trimTrailingBlank,
} from "../render/screen-text.js";
import { type AgentView, statusText, summarise, summaryLines, watchFrame } from "../render/status.js";
import { type Style, styleFor } from "../render/style.js";
import { agentRowOf, COMPACT_TEXT, loadTeamSnapshot, type TeamSnapshot, VIEW_LIMITS } from "../render/team-view.js";
import { alignColumns, cut, formatAge, oneLine } from "../render/text.js";

/** `--detail`: the view plus every stored fact, uncut. */
function detailData(runtime: TeamRuntime, team: TeamRow, snapshot: TeamSnapshot): object {
  const { store } = runtime;
  const byId = new Map(snapshot.status.agents.map((agent) => [agent.agent_id, agent]));
  return {
    ...snapshot.view,
    coordinator: snapshot.status.coordinator,
    agents: snapshot.view.agents.map((agent) => {
      const row = snapshot.rows.get(agent.agent_id);
      const firstSend = row?.attrs["first_send_at"];
      return {
        ...agent,
        pane_id: byId.get(agent.agent_id)?.pane_id ?? null,
        pane_present: byId.get(agent.agent_id)?.pane_present ?? false,
        model: row?.model ?? null,
        profile: row?.profile ?? null,
        auth_mode: row?.auth_mode ?? null,
        window: row?.window ?? null,
        spawn_cwd: row?.spawn_cwd ?? null,
        spawned_at: row?.spawned_at ?? null,
        rollout_path: row?.rollout_path ?? null,
        captured_at: row?.captured_at ?? null,
        captured_via: row?.captured_via ?? null,
        attribution_confidence: row?.attribution_confidence ?? null,
        first_send_at: typeof firstSend === "string" ? firstSend : "never",
        attrs: row?.attrs ?? {},
      };
    }),
    queued_messages: store.messages.listPending(team.team_id, VIEW_LIMITS.detail.queued),
    latest_results: store.results.latest(team.team_id, VIEW_LIMITS.detail.results),
    tasks: store.tasks.list(team.team_id).map((task) => task.spec),
    watchers: store.watchers.list(team.team_id),
  };
}

interface AgentDetail {
  agent_id: string;
  provider: string;
  role: string | null;
  model: string | null;
  profile: string | null;
  status: string;
  screen: string | null;
  turn: string;
  pane_id: string | null;
  session_id: string | null;
  captured_via: string | null;
  attribution_confidence: string | null;
  current_task: { id: string; title: string | null; status: string } | null;
  queued: number;
  last_result: AgentView["last_result"];
  recent_messages: {
    message_id: string;
    created_at: string;
    sender: string;
    recipient: string;
    status: string;
    content: string;
  }[];
}

function agentDetail(runtime: TeamRuntime, team: TeamRow, snapshot: TeamSnapshot, agentId: string): AgentDetail {
  const row = agentRowOf(runtime, team, agentId);
  const live = snapshot.status.agents.find((agent) => agent.agent_id === agentId);
  const view = snapshot.view.agents.find((agent) => agent.agent_id === agentId);
  const task = runtime.store.tasks.inferForAgent(team.team_id, agentId);
  return {
    agent_id: agentId,
    provider: row.provider,
    role: row.role,
    model: row.model,
    profile: row.profile,
    status: view?.status ?? row.status,
    screen: view?.screen ?? null,
    turn: view?.turn ?? "unknown",
    pane_id: live?.pane_id ?? row.pane_id,
    session_id: row.session_id,
    captured_via: row.captured_via,
    attribution_confidence: row.attribution_confidence,
    current_task: task ? { id: task.task_id, title: task.title, status: task.status } : null,
    queued: view?.queued ?? 0,
    last_result: view?.last_result ?? null,
    recent_messages: runtime.store.messages.inbox(team.team_id, agentId, 3).map((message) => ({
      message_id: message.message_id,
      created_at: message.created_at,
      sender: message.sender,
      recipient: message.recipient,
      status: message.status,
      content: cut(message.content, COMPACT_TEXT),
    })),
  };
}

function agentDetailText(detail: AgentDetail, team: TeamRow): string {
  const dash = (value: string | null) => value ?? "-";
  const session =
    detail.session_id === null
      ? "-"
      : `${detail.session_id} (via ${dash(detail.captured_via)}, ${dash(detail.attribution_confidence)})`;
  const task = detail.current_task
    ? `${detail.current_task.id} (${detail.current_task.status})${detail.current_task.title ? ` ${detail.current_task.title}` : ""}`
    : "-";
  const result = detail.last_result
    ? `${detail.last_result.status} ${detail.last_result.task_id}: ${cut(oneLine(detail.last_result.summary), 100)}`
    : "-";
  const facts = alignColumns([
    ["  provider", detail.provider],
    ["  role", dash(detail.role)],
    ["  model", dash(detail.model)],
    ["  profile", dash(detail.profile)],
    ["  state", `${detail.status} · screen ${dash(detail.screen)} · turn ${detail.turn}`],
    ["  pane", dash(detail.pane_id)],
    ["  session", session],
    ["  task", task],
    ["  queued", String(detail.queued)],
    ["  last result", result],
  ]);
  const messages = detail.recent_messages.map(
    (message) =>
      `  ${message.created_at} ${message.sender} -> ${message.recipient} ${message.status}: ${cut(oneLine(message.content), 100)}`,
  );
  return [
    `agent ${detail.agent_id} (team ${team.team_id})`,
    ...facts,
    messages.length > 0 ? "recent messages:" : "recent messages: none",
    ...messages,
  ].join("\n");
}

const CLEAR_SCREEN = "\u001b[H\u001b[2J";

/** The live dashboard: a terminal gets the screen redrawn each second; a pipe gets a snapshot per change. */
async function watchStatus(context: CommandContext, runtime: TeamRuntime, team: TeamRow) {
  const out = context.io.stdout;
  const tty = out.isTTY === true;
  const style = styleFor(out, context.io.env);
  let previous = "";
  const outcome = await runLive({ intervalMs: 1000, env: context.io.env }, async () => {
    const { view } = await loadTeamSnapshot(runtime, team, { detail: false });
    const clock = tty ? new Date().toLocaleTimeString() : null;
    const frame = watchFrame(view, style, clock).join("\n");
    if (tty) out.write(`${CLEAR_SCREEN}${frame}\n`);
    else if (frame !== previous) out.write(`${frame}\n\n`);
    previous = frame;
  });
  return {
    envelope: success(`status --watch stopped after ${outcome.frames} frame(s)`, { frames: outcome.frames }),
    text: "status --watch stopped",
  };
}

export const statusCommand: CommandModule = {
  async run(context, args) {
    const detail = flag(args, "detail");
    const summary = flag(args, "summary");
    const watch = flag(args, "watch");
    const agentId = args.positionals[0];
    if ([detail, summary, watch].filter(Boolean).length > 1) {
      throw usageError("--detail, --summary and --watch are mutually exclusive", "Pick one of them.");
    }
    if (summary && context.json) {
      throw usageError("--summary and --json are mutually exclusive", "Use `team-agent status --json` for data.");
    }
    if (summary && agentId !== undefined) {
      throw usageError("status --summary does not accept an agent argument", "Use `team-agent status <agent>`.");
    }
    if (watch && (context.json || agentId !== undefined)) {
      throw usageError("status --watch takes no agent and no --json", "Run `team-agent status --watch` alone.");
    }
    const runtime = await context.runtime();
    const team = await context.team();
    if (watch) return watchStatus(context, runtime, team);
    const snapshot = await loadTeamSnapshot(runtime, team, { detail });
    const { view } = snapshot;
    const headline = `team ${view.team_id}: ${view.agents.length} agent(s), ${view.tmux_session_present ? "up" : "down"}, coordinator ${view.coordinator.status}`;
    const nextActions = view.results.uncollected > 0 ? ["team-agent collect"] : [];
    const style = styleFor(context.io.stdout, context.io.env);
    if (summary) {
      const compact = summarise(view);
      return { envelope: success(headline, { team_summary: compact }), text: summaryLines(compact).join("\n") };
    }
    if (agentId !== undefined) {
      const agent = agentDetail(runtime, team, snapshot, agentId);
      return {
        envelope: success(`agent ${agentId}: ${agent.status}`, { ...view, agent }, nextActions),
        text: agentDetailText(agent, team),
      };
    }
    const data = detail ? detailData(runtime, team, snapshot) : view;
    return { envelope: success(headline, data, nextActions), text: statusText(view, style) };
  },
};

export const watchCommand: CommandModule = {
  async run(context) {
    if (context.json) {
      throw usageError(
        "watch prints a live stream and has no --json",
        "Use `team-agent status --json` for one snapshot.",
      );
    }
    const runtime = await context.runtime();
    const { store } = runtime;
    const teamFilter = context.options.team ? (await context.team()).team_id : null;
    const follower = new EventLogFollower(runtime.layout.eventsPath);
    const seenResults = new Set<string>();
    const out = context.io.stdout;
    const recipientOf = (messageId: string) => store.messages.get(messageId)?.recipient ?? null;
    let shown = 0;
    const show = (line: string) => {
      out.write(`${line}\n`);
      shown += 1;
    };
    context.io.stderr.write(`[watch] following ${runtime.layout.eventsPath} (Ctrl-C to stop)\n`);
    await runLive({ intervalMs: 500, env: context.io.env }, () => {
      const { rotated, records } = follower.poll();
      if (rotated) show("[watch] log rotated; reading the new events.jsonl from its start");
      for (const record of records) {
        if (teamFilter !== null && eventTeam(record) !== teamFilter) continue;
        const line = renderWatchEvent(record, recipientOf);
        if (line !== null) show(line);
      }
      const teams = teamFilter !== null ? [teamFilter] : store.teams.list().map((team) => team.team_id);
      const fresh = teams
        .flatMap((teamId) => store.results.latest(teamId, 20))
        .filter((result) => !seenResults.has(result.result_id))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      for (const result of fresh) {
        seenResults.add(result.result_id);
        show(renderResultLine(result));
      }
    });
    return { envelope: success(`watch stopped after ${shown} line(s)`, { lines: shown }), text: "watch stopped" };
  },
};

function approvalText(items: readonly ApprovalItem[], style: Style): string {
  if (items.length === 0) return "No pending approvals.";
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`${style.bold(item.agent_id)} waits for a ${item.kind.replace("_", " ")} (rule ${item.rule})`);
    if (item.subject !== null) {
      lines.push(
        `  about: ${"tool" in item.subject ? `tool ${item.subject.tool}` : `command ${item.subject.command}`}`,
      );
    }
    if (item.options.length > 0) {
      const options = item.options.map(
        (option) => `${option.number}. ${option.label}${option.highlighted ? " (selected)" : ""}`,
      );
      lines.push(`  choices: ${options.join(" · ")}`);
    }
    lines.push(`  answer keys: ${item.answer_keys.join(", ")}`);
  }
  lines.push("(raw screen text is left out)");
  return lines.join("\n");
}

export const approvalsCommand: CommandModule = {
  async run(context, args) {
    const runtime = await context.runtime();
    const team = await context.team();
    const only = args.positionals[0];
    const agents = only === undefined ? runtime.store.agents.list(team.team_id) : [agentRowOf(runtime, team, only)];
    const registry = await runtime.providers(team);
    const tmux = runtime.teamTmux(team);
    const approvals: ApprovalItem[] = [];
    for (const agent of agents) {
      if (agent.pane_id === null || !registry.has(agent.provider)) continue;
      const capture = await tmux.capturePane(agent.pane_id).catch(() => null);
      if (capture === null || !capture.ok) continue;
      const screen = classifyScreen(capture.text, { signatures: registry.get(agent.provider).screen.signatures });
      const item = approvalFrom(agent.agent_id, screen);
      if (item !== null) approvals.push(item);
    }
    const socket = runtime.config(team).tmux_socket;
    const summary =
      approvals.length === 0 ? "No pending approvals." : `${approvals.length} worker(s) waiting for an answer`;
    const nextActions =
      approvals.length === 0
        ? []
        : [
            `Ask the user, then answer in the worker's window: tmux -L ${socket} attach -t ${team.session_name}`,
            "With the user's authorisation only: team-agent peek <agent> --allow-raw-screen --tail 40",
          ];
    return {
      envelope: success(
        summary,
        {
          waiting: approvals.length > 0,
          waiting_count: approvals.length,
          approvals,
          scanned: agents.map((agent) => agent.agent_id),
          scan: { mode: "visible_screen", raw_output: false },
        },
        nextActions,
      ),
      text: approvalText(approvals, styleFor(context.io.stdout, context.io.env)),
    };
  },
};

const SEARCH_DEPTH = 300;

function peekMode(args: Parameters<CommandModule["run"]>[1]): PeekMode {
  const head = wholeNumberOption(args, "head", { min: 1, max: 80 }, undefined);
  const tail = wholeNumberOption(args, "tail", { min: 1, max: 80 }, undefined);
  const search = stringOption(args, "search");
  const chosen = [head, tail, search].filter((value) => value !== undefined).length;
  if (chosen !== 1) {
    throw usageError("peek needs exactly one of --head N, --tail N or --search TEXT", "e.g. --tail 20.");
  }
  const context = wholeNumberOption(args, "context", { min: 0, max: 10 }, 3);
  if (search === undefined && stringOption(args, "context") !== undefined) {
    throw usageError("--context goes with --search only", "Drop --context, or search with --search TEXT.");
  }
  if (head !== undefined) return { kind: "head", count: head };
  if (tail !== undefined) return { kind: "tail", count: tail };
  if (search === undefined || search.trim() === "") {
    throw usageError("--search needs some text", 'e.g. --search "error".');
  }
  return { kind: "search", text: search, context };
}

export const peekCommand: CommandModule = {
  async run(context, args) {
    // Checked before anything else: without the user's word, not even the agent id is looked up.
    if (!flag(args, "allow-raw-screen")) {
      throw new TeamRuntimeError(
        "raw_screen_not_authorised",
        "Raw screen inspection needs the user's explicit authorisation (--allow-raw-screen); normal operation uses status, approvals, inbox, collect and the event log.",
        "Use `team-agent status`, `team-agent approvals` or `team-agent inbox <agent>`; rerun with --allow-raw-screen only if the user authorised it.",
      );
    }
    const mode = peekMode(args);
    const runtime = await context.runtime();
    const team = await context.team();
    const agentId = args.positionals[0] as string;
    const agent = agentRowOf(runtime, team, agentId);
    if (agent.pane_id === null) {
      throw new TeamRuntimeError(
        "agent_has_no_pane",
        `${agentId} has no pane (status ${agent.status}).`,
        `Start it with \`team-agent start-agent ${agentId}\`.`,
      );
    }
    const tmux = runtime.teamTmux(team);
    const capture = await tmux.capturePane(agent.pane_id, mode.kind === "search" ? { start: -SEARCH_DEPTH } : {});
    if (!capture.ok) {
      throw new TeamRuntimeError(
        "pane_capture_failed",
        `Could not read ${agentId}'s pane ${agent.pane_id}: ${capture.error ?? "unknown tmux error"}.`,
        "Check the team with `team-agent status`.",
      );
    }
    const lines = trimTrailingBlank(splitLines(capture.text)).slice(-SEARCH_DEPTH);
    const selection = selectScreenLines(lines, mode);
    const text = selection.blocks.map((block) => block.lines.join("\n")).join("\n--\n");
    const summary =
      mode.kind === "search"
        ? `${selection.matches} line(s) of ${agentId}'s screen match ${JSON.stringify(mode.text)}`
        : `${mode.kind} ${mode.count} line(s) of ${agentId}'s screen`;
    return {
      envelope: success(summary, { agent_id: agentId, mode, ...selection, raw_output: true }),
      text: text === "" ? `(${summary})` : text,
    };
  },
};

export const sessionsCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await context.team();
    const agents = runtime.store.agents.list(team.team_id).map((row) => ({
      agent_id: row.agent_id,
      provider: row.provider,
      model: row.model,
      profile: row.profile,
      status: row.status,
      session_id: row.session_id,
      rollout_path: row.rollout_path,
      captured_at: row.captured_at,
      captured_via: row.captured_via,
      attribution_confidence: row.attribution_confidence,
      spawn_cwd: row.spawn_cwd,
      spawned_at: row.spawned_at,
      window: row.window,
      pane_id: row.pane_id,
      last_task: runtime.store.tasks.inferForAgent(team.team_id, row.agent_id)?.task_id ?? null,
    }));
    const rows = [
      ["AGENT", "PROVIDER", "STATUS", "SESSION", "VIA", "SPAWNED", "TRANSCRIPT"],
      ...agents.map((agent) => [
        agent.agent_id,
        agent.provider,
        agent.status,
        agent.session_id ?? "-",
        agent.captured_via ? `${agent.captured_via} (${agent.attribution_confidence ?? "?"})` : "-",
        agent.spawned_at ? `${formatAge(agent.spawned_at)} ago` : "-",
        agent.rollout_path ?? "-",
      ]),
    ];
    const style = styleFor(context.io.stdout, context.io.env);
    return {
      envelope: success(`${agents.length} agent(s) in team ${team.team_id}`, { team_id: team.team_id, agents }),
      text: alignColumns(rows, (cell, _column, row) => (row === 0 ? style.bold(cell) : cell)).join("\n"),
    };
  },
};
