/**
 * Messaging commands: `send` (stored first, then delivered and verified, D4), `inbox` (a message history), and the
 * result intake `collect` / `settle` (collect, then the five-line status summary).
 */

import { collectResults, type SendResult, sendMessage, type TeamRuntime } from "@team-agent/coordinator";
import { failure, normalizeIso, success, type TeamRow, TeamRuntimeError, usageError } from "@team-agent/core-state";
import type { CommandModule, CommandOutput, ParsedArgs } from "../cli/command.js";
import { flag, stringOption, wholeNumberOption } from "../render/options.js";
import { type ResultView, summarise, summaryLines } from "../render/status.js";
import { agentRowOf, loadTeamSnapshot, resultView } from "../render/team-view.js";
import { cut, oneLine } from "../render/text.js";

const BROADCAST = "*";
const DEFAULT_TIMEOUT_SEC = 30;

interface SendRequest {
  /** Named recipients (TARGET, `--to`, or `*`); empty when the task decides. */
  recipients: string[];
  content: string;
  taskId: string | null;
  from: string | null;
  requiresAck: boolean | undefined;
  waitMs: number;
  watchResult: boolean;
  confirmHuman: boolean;
}

const SEND_ACTION = 'Give a recipient and the message: team-agent send dev "Fix the failing test".';

/**
 * Words → recipients and message. With `--to` every positional is message; with `--task` and one positional that one
 * is the message; otherwise the first positional is TARGET and the rest, joined by spaces, the message.
 */
function parseSend(args: ParsedArgs): SendRequest {
  const to = stringOption(args, "to");
  const taskId = stringOption(args, "task") ?? null;
  const words = args.positionals;
  let recipients: string[];
  let messageWords: string[];
  if (to !== undefined) {
    recipients = to
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    if (recipients.length === 0) throw usageError("--to names no recipient", SEND_ACTION);
    messageWords = words;
  } else if (taskId !== null && words.length === 1) {
    recipients = [];
    messageWords = words;
  } else {
    recipients = words[0] === undefined ? [] : [words[0]];
    messageWords = words.slice(1);
  }
  const content = messageWords.join(" ");
  if (content.trim() === "") throw usageError("missing MESSAGE", SEND_ACTION);
  const timeout = stringOption(args, "timeout");
  const noWait = flag(args, "no-wait");
  if (noWait && timeout !== undefined) {
    throw usageError("--no-wait and --timeout are mutually exclusive", "Use one of them.");
  }
  const seconds = timeout === undefined ? DEFAULT_TIMEOUT_SEC : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw usageError(
      `--timeout must be a number of seconds (0 < s ≤ 3600), got ${JSON.stringify(timeout)}`,
      "e.g. --timeout 60.",
    );
  }
  const watchResult = flag(args, "watch-result");
  const fanOut = recipients.length > 1 || recipients.includes(BROADCAST);
  if (watchResult && fanOut) {
    throw new TeamRuntimeError(
      recipients.includes(BROADCAST)
        ? "watch_result_not_supported_for_broadcast"
        : "watch_result_not_supported_for_fanout",
      "--watch-result follows one recipient's result; it cannot be combined with several recipients.",
      "Send to each worker separately with --watch-result, or drop --watch-result.",
    );
  }
  return {
    recipients,
    content,
    taskId,
    from: stringOption(args, "from") ?? null,
    requiresAck: flag(args, "no-ack") ? false : undefined,
    waitMs: noWait ? 0 : Math.round(seconds * 1000),
    watchResult,
    confirmHuman: flag(args, "confirm-human"),
  };
}

function unknownRecipient(team: TeamRow, name: string, members: readonly string[]): TeamRuntimeError {
  return new TeamRuntimeError(
    "unknown_recipient",
    `Team ${team.team_id} has no member ${name} (members: ${[team.leader_id, ...members].join(", ")}).`,
    "Check the id with `team-agent status`.",
  );
}

/**
 * The recipients, every one checked before anything is stored (a fan-out with one bad name sends nothing).
 * `--task` without a target routes to the task's assignee; a task marked `human_confirmation` needs --confirm-human.
 */
function resolveRecipients(runtime: TeamRuntime, team: TeamRow, request: SendRequest, sender: string): string[] {
  const members = runtime.store.agents.list(team.team_id).map((agent) => agent.agent_id);
  const task = request.taskId === null ? null : runtime.store.tasks.get(team.team_id, request.taskId);
  if (task !== null && task.spec["human_confirmation"] === true && !request.confirmHuman) {
    throw new TeamRuntimeError(
      "human_confirmation_required",
      `Task ${task.task_id} is marked human_confirmation: true; the user must confirm before it is dispatched.`,
      "Ask the user, then rerun with --confirm-human.",
    );
  }
  let recipients = request.recipients;
  if (recipients.length === 0) {
    if (task === null) {
      throw new TeamRuntimeError(
        "task_not_found",
        `Task ${request.taskId} is not in team ${team.team_id}'s task list, so it names no assignee.`,
        `Name the recipient: team-agent send --task ${request.taskId} <agent> "<message>".`,
      );
    }
    if (!task.assignee) {
      throw new TeamRuntimeError(
        "task_unassigned",
        `Task ${task.task_id} has no assignee.`,
        `Name the recipient, or set one: team-agent repair-state --task ${task.task_id} --assignee <agent>.`,
      );
    }
    recipients = [task.assignee];
  }
  if (recipients.includes(BROADCAST)) recipients = members.filter((member) => member !== sender);
  for (const name of recipients) {
    if (name !== team.leader_id && !members.includes(name)) throw unknownRecipient(team, name, members);
  }
  return [...new Set(recipients)];
}

/** Statuses in which a worker takes no input: its messages wait in the store until it runs again. */
const NOT_RUNNING = new Set(["stopped", "paused", "missing"]);

/** Why a recipient cannot take a message now (then send does not wait for it), or null. */
function notRunningReason(runtime: TeamRuntime, team: TeamRow, to: string): string | null {
  const agent = runtime.store.agents.get(team.team_id, to);
  if (agent === null) return null;
  if (NOT_RUNNING.has(agent.status)) return `${to} is ${agent.status}`;
  return agent.pane_id === null ? `${to} has no pane` : null;
}

function sentLine(result: SendResult, waitMs: number, queuedBecause: string | null): string {
  const line = `sent ${result.message_id} to ${result.to}: ${result.status}`;
  if (result.status === "failed") return `${line} (${result.error ?? result.reason ?? "delivery failed"})`;
  if (result.submitted) return line;
  if (queuedBecause !== null) return `${line} (queued: ${queuedBecause}; it gets the message when it runs again)`;
  return waitMs === 0
    ? `${line} (stored; the coordinator delivers it)`
    : `${line} (not submitted within ${waitMs / 1000} s; the coordinator keeps trying)`;
}

function sendData(result: SendResult, queuedBecause: string | null) {
  return {
    message_id: result.message_id,
    to: result.to,
    status: result.status,
    submitted: result.submitted,
    delivered_by: result.delivered_by,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.error ? { delivery_error: result.error } : {}),
    ...(queuedBecause !== null && !result.submitted ? { queued_because: queuedBecause } : {}),
  };
}

export const sendCommand: CommandModule = {
  async run(context, args) {
    const request = parseSend(args);
    const runtime = await context.runtime();
    const team = await context.team();
    const sender = request.from ?? team.leader_id;
    const recipients = resolveRecipients(runtime, team, request, sender);
    if (recipients.length === 0) {
      throw new TeamRuntimeError(
        "no_recipients",
        `Team ${team.team_id} has no other member to send to.`,
        "Add a worker first.",
      );
    }
    const { store } = runtime;
    // A task named for one recipient is recorded as theirs, so a report without a task id is matched to it.
    const soleRecipient = recipients.length === 1 ? recipients[0] : undefined;
    if (request.taskId !== null && soleRecipient !== undefined && soleRecipient !== team.leader_id) {
      if (store.tasks.get(team.team_id, request.taskId) === null) {
        store.tasks.upsert(team.team_id, { id: request.taskId, assignee: soleRecipient });
      }
    }
    const queuedBecause = recipients.map((to) => notRunningReason(runtime, team, to));
    if (request.waitMs > 0) context.progress(`delivering to ${recipients.join(", ")} and checking it landed`);
    const results = await Promise.all(
      recipients.map((to, index) =>
        sendMessage(
          runtime,
          team,
          { from: sender, to, content: request.content, taskId: request.taskId, requiresAck: request.requiresAck },
          { waitMs: queuedBecause[index] === null ? request.waitMs : 0 },
        ),
      ),
    );
    const lines = results.map((result, index) => sentLine(result, request.waitMs, queuedBecause[index] ?? null));
    const failed = results.filter((result) => !result.ok);
    const pending = results.some((result) => !result.submitted && result.ok);
    const next = pending ? ["team-agent status"] : [];
    if (soleRecipient !== undefined) {
      const [result] = results as [SendResult];
      const watch =
        request.watchResult && result.ok
          ? store.watchers.create(team.team_id, {
              taskId: request.taskId,
              agentId: result.to,
              messageId: result.message_id,
              leaderId: team.leader_id,
            })
          : null;
      const data = {
        ...sendData(result, queuedBecause[0] ?? null),
        task_id: request.taskId,
        ...(watch
          ? {
              watch: {
                status: "registered",
                watcher_id: watch.watcher_id,
                task_id: watch.task_id,
                agent_id: watch.agent_id,
                notice: "the result is delivered to the lead when it arrives; no need to poll",
              },
            }
          : {}),
      };
      if (watch) lines.push(`watching for ${result.to}'s result (${watch.watcher_id})`);
      if (!result.ok) return failedSend(data, lines);
      return { envelope: success(lines[0] as string, data, next), text: lines.join("\n") };
    }
    const data = {
      task_id: request.taskId,
      messages: results.map((result, index) => sendData(result, queuedBecause[index] ?? null)),
    };
    if (failed.length > 0) return failedSend(data, lines);
    return {
      envelope: success(`sent to ${results.length} recipients`, data, next),
      text: lines.join("\n"),
    };
  },
};

function failedSend(data: object, lines: string[]): CommandOutput {
  const error = new TeamRuntimeError(
    "delivery_failed",
    lines.find((line) => line.includes(": failed")) ?? "a message could not be delivered",
    "Check the recipient with `team-agent status` and `team-agent approvals`; the message stays in its inbox.",
  );
  return { envelope: failure(error, data), text: lines.join("\n") };
}

/** `--since`: ISO-8601; a date alone means its midnight, and a time without a zone is taken as UTC. */
function parseSince(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text;
  const zoned = /(?:z|[+-]\d{2}:\d{2})$/i.test(withTime) ? withTime.replace(/z$/i, "Z") : `${withTime}Z`;
  try {
    return normalizeIso(zoned);
  } catch {
    throw usageError(
      `--since must be an ISO-8601 time, got ${JSON.stringify(raw)}`,
      "e.g. --since 2026-05-27T07:00:00Z (a time without a zone is read as UTC).",
    );
  }
}

/** Messages the store may hold for one agent when filtering by time (the newest `--limit` are shown). */
const SINCE_SCAN = 10_000;

export const inboxCommand: CommandModule = {
  async run(context, args) {
    const agentId = args.positionals[0] as string;
    const limit = wholeNumberOption(args, "limit", { min: 1, max: 1000 }, 20);
    const since = parseSince(stringOption(args, "since"));
    const runtime = await context.runtime();
    const team = await context.team();
    if (agentId !== team.leader_id) agentRowOf(runtime, team, agentId);
    const scanned = runtime.store.messages.inbox(team.team_id, agentId, since === null ? limit : SINCE_SCAN);
    const messages = (since === null ? scanned : scanned.filter((message) => message.created_at >= since)).slice(
      -limit,
    );
    const uncollected = runtime.store.results.counts(team.team_id).uncollected;
    const lines = messages.map(
      (message) =>
        `${message.created_at} ${message.sender} -> ${message.recipient} ${message.status}: ${cut(oneLine(message.content), 200)}`,
    );
    if (lines.length === 0)
      lines.push(since === null ? `${agentId}: no messages` : `${agentId}: no messages since ${since}`);
    const pendingNote = uncollected > 0 ? ` (${uncollected} uncollected result(s) pending)` : "";
    lines.push(`final results are not in inbox; use team-agent collect${pendingNote}`);
    return {
      envelope: success(
        `${messages.length} message(s) for ${agentId}`,
        { agent_id: agentId, since, messages, uncollected_results: uncollected },
        uncollected > 0 ? ["team-agent collect"] : [],
      ),
      text: lines.join("\n"),
    };
  },
};

const RECENT_RESULTS = 20;

interface CollectView {
  collected_now: string[];
  notified_watchers: string[];
  /** The most recent results, oldest first, summaries in full. */
  results: ResultView[];
  counts: { total: number; uncollected: number; collected: number; invalid: number };
}

/**
 * Takes in every uncollected result now (the coordinator also does this on its ticks, so results are often in
 * already) and lists the recent ones, so the lead sees them whoever collected them.
 */
function collectNow(runtime: TeamRuntime, team: TeamRow): CollectView {
  const outcome = collectResults(runtime, team);
  const counts = runtime.store.results.counts(team.team_id);
  const recent = runtime.store.results.latest(team.team_id, RECENT_RESULTS).reverse();
  return {
    collected_now: outcome.collected,
    notified_watchers: outcome.notified,
    results: recent.map((result) => resultView(result, Number.POSITIVE_INFINITY)),
    counts: {
      total: counts.total,
      uncollected: counts.uncollected,
      collected: counts.collected,
      invalid: counts.invalid,
    },
  };
}

function collectSummary(view: CollectView): string {
  return `collected ${view.collected_now.length} new result(s); ${view.counts.total} result(s) in total`;
}

function collectLines(view: CollectView): string[] {
  const fresh = new Set(view.collected_now);
  return [
    collectSummary(view),
    ...view.results.map(
      (result) =>
        `${fresh.has(result.result_id) ? "new " : "    "}${result.agent_id} ${result.task_id} ${result.status}: ${cut(oneLine(result.summary), 120)}`,
    ),
  ];
}

export const collectCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await context.team();
    const view = collectNow(runtime, team);
    return { envelope: success(collectSummary(view), view), text: collectLines(view).join("\n") };
  },
};

export const settleCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await context.team();
    const view = collectNow(runtime, team);
    const summary = summarise((await loadTeamSnapshot(runtime, team, { detail: false })).view);
    return {
      envelope: success(collectSummary(view), { collect: view, status: summary }, [
        "Review the results, then dispatch the next work with team-agent send, or run team-agent shutdown.",
      ]),
      text: [...collectLines(view), "", ...summaryLines(summary)].join("\n"),
    };
  },
};
