/**
 * What the 12 tools do (spec 04 §2.3), over the coordinator's operations on the workspace's store. Loaded on the first
 * call, so `initialize` and `tools/list` never wait for the runtime. Every handler re-reads its team, checks scope and
 * identity before it writes, and returns what the worker should see (compacted, §2.4). Messages never wait for
 * delivery: they are stored, the daemon is woken, and the worker goes on.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import {
  addAgent,
  forkAgent,
  reportedIds,
  reportResult,
  resetAgent,
  type SendResult,
  sendMessage,
  stopAgent,
  stuckCancel,
  stuckList,
  TeamRuntime,
  teamStatus,
  wakeDaemon,
} from "@team-agent/coordinator";
import { isoNow, type TeamRow } from "@team-agent/core-state";
import { compactForAgent, compactView, cutString, statusForAgent } from "./compaction.js";
import { ToolArgumentError } from "./errors.js";
import { type CallerIdentity, dottedToolName, senderOf } from "./identity.js";
import type { ToolArgs, ToolName } from "./schemas.js";
import { callerTeam, isRefusal, type Refusal, type Route, routeRecipients, targetRefusal } from "./scope.js";

type Fields = Record<string, unknown>;
type Handler<Name extends ToolName> = (runner: ToolRunner, args: ToolArgs<Name>) => Promise<Fields>;

/** Notes kept in the team's shared state; older ones fall off. */
const NOTES_KEPT = 200;
const NOTE_LIMIT = 4000;

/** One server's connection to the workspace: the runtime, opened on first use, and the caller's identity. */
export class ToolRunner {
  private runtimePromise: Promise<TeamRuntime> | null = null;
  private labelPromise: Promise<(tool: string) => string> | null = null;

  constructor(
    readonly workspace: string,
    readonly identity: CallerIdentity,
  ) {}

  /** Opened once; a failed open (a locked or broken store) is not remembered, so the next call tries again. */
  runtime(): Promise<TeamRuntime> {
    this.runtimePromise ??= TeamRuntime.open({ workspace: this.workspace }).catch((error: unknown) => {
      this.runtimePromise = null;
      throw error;
    });
    return this.runtimePromise;
  }

  /** The caller's team, read fresh for every call (another process may have changed it). */
  async team(): Promise<{ runtime: TeamRuntime; team: TeamRow }> {
    const runtime = await this.runtime();
    return { runtime, team: callerTeam(runtime, this.identity) };
  }

  /**
   * A tool's name as the caller's CLI shows it (spec 04 §2.7): its provider plugin's spelling when the caller is a
   * known worker, else the dotted form. Never fails: a name in a hint is not worth an error.
   */
  async toolLabel(tool: string): Promise<string> {
    this.labelPromise ??= this.resolveLabeller().catch(() => dottedToolName);
    return (await this.labelPromise)(tool);
  }

  private async resolveLabeller(): Promise<(tool: string) => string> {
    if (this.identity.agentId === null) return dottedToolName;
    const { runtime, team } = await this.team();
    const row = runtime.store.agents.get(team.team_id, this.identity.agentId);
    if (row === null) return dottedToolName;
    const plugin = (await runtime.providers(team)).get(row.provider);
    return (tool) => plugin.mcpToolName(tool);
  }

  run<Name extends ToolName>(name: Name, args: ToolArgs<Name>): Promise<Fields> {
    return (HANDLERS[name] as Handler<Name>)(this, args);
  }

  async close(): Promise<void> {
    const runtime = await this.runtimePromise?.catch(() => null);
    await runtime?.close();
  }
}

function emit(runtime: TeamRuntime, event: string, fields: Fields): void {
  runtime.events.emit(event, fields);
}

/** A call that names an identity other than the caller's own is refused (identity comes only from the env). */
function identityRefusal(runner: ToolRunner, named: string | null | undefined): Refusal | null {
  if (named === undefined || named === null || named === runner.identity.agentId) return null;
  return {
    ok: false,
    status: "refused",
    reason: "identity_mismatch",
    agent_id: named,
    hint: `you are ${senderOf(runner.identity)}; calls act only as their own worker.`,
  };
}

async function routesFor(
  runner: ToolRunner,
  runtime: TeamRuntime,
  team: TeamRow,
  to: string | string[],
  call: { tool: "send_message" | "assign_task"; workspaceScope: boolean },
): Promise<Route[] | Refusal> {
  // Only messages can opt in to other teams; tasks stay within the team that owns the task list.
  const outOfScopeHint =
    call.tool === "send_message"
      ? "the requested peer is not part of your team. " +
        `pass scope='workspace' to ${await runner.toolLabel("send_message")} to address peers in other teams.`
      : "the requested peer is not part of your team; only members of your team can be assigned its tasks.";
  const routed = routeRecipients(runtime, team, runner.identity, to, {
    workspaceScope: call.workspaceScope,
    outOfScopeHint,
  });
  emit(runtime, isRefusal(routed) ? `mcp.${call.tool}_refused` : "mcp.scope_resolved", {
    team_id: team.team_id,
    sender: senderOf(runner.identity),
    to,
    scope: call.workspaceScope ? "workspace" : "team",
    ...(isRefusal(routed) ? { reason: routed.reason } : { recipients: routed.map((route) => route.recipient) }),
  });
  return routed;
}

/** Stores one message per route and wakes each team's daemon; nothing waits for delivery. */
async function sendAll(
  runner: ToolRunner,
  runtime: TeamRuntime,
  routes: readonly Route[],
  content: string,
  extra: { taskId?: string | undefined; requiresAck?: boolean | undefined },
): Promise<SendResult[]> {
  if (runner.identity.agentId === null) {
    emit(runtime, "mcp.identity_inference_failed", { tool: "send_message", sender: senderOf(runner.identity) });
  }
  const results: SendResult[] = [];
  for (const route of routes) {
    const sent = await sendMessage(
      runtime,
      route.team,
      {
        from: senderOf(runner.identity),
        to: route.recipient,
        content,
        taskId: extra.taskId ?? null,
        ...(extra.requiresAck !== undefined ? { requiresAck: extra.requiresAck } : {}),
      },
      { waitMs: 0 },
    );
    results.push(sent);
  }
  for (const team of new Set(routes.map((route) => route.team))) wakeDaemon(runtime, team);
  return results;
}

/** A single message to a worker: accepted and pending, with where to look it up (spec 04 §2.3, §7.3). */
function acceptedToWorker(sent: SendResult): Fields {
  return {
    ok: true,
    status: "accepted",
    message_id: sent.message_id,
    to: sent.to,
    delivery_pending: !sent.submitted,
    poll_via: `team-agent inbox ${sent.to}`,
  };
}

function fanoutResult(results: readonly SendResult[]): Fields {
  return compactForAgent({
    ok: true,
    status: "fanout_accepted",
    targets: results.map((sent) => sent.to),
    queued: results.filter((sent) => !sent.submitted).length,
    delivered_count: results.filter((sent) => sent.submitted).length,
    failed_count: 0,
    deliveries: results.map((sent) => ({ to: sent.to, message_id: sent.message_id, status: sent.status })),
  });
}

/** A role doc path must stay inside the workspace: a worker cannot make the team read files from elsewhere. */
function roleFileInWorkspace(workspace: string, path: string): string {
  const within = relative(workspace, resolve(workspace, path));
  if (isAbsolute(path) || within === "" || within === ".." || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    throw new ToolArgumentError(
      `role_file_path ${JSON.stringify(path)} is not a file inside the workspace`,
      "Give the role doc's path relative to the workspace, e.g. agents/reviewer.md.",
    );
  }
  return within;
}

const HANDLERS: { [Name in ToolName]: Handler<Name> } = {
  async assign_task(runner, { task, message }) {
    if (task.assignee.trim() === "*") throw new ToolArgumentError('a task has one assignee; "*" is not a member');
    const { runtime, team } = await runner.team();
    const routed = await routesFor(runner, runtime, team, task.assignee, {
      tool: "assign_task",
      workspaceScope: false,
    });
    if (isRefusal(routed)) return routed;
    const [route] = routed as [Route];
    const stored = runtime.store.tasks.upsert(team.team_id, { ...task, assignee: route.recipient });
    const content = message ?? task.description ?? task.title ?? JSON.stringify(stored.task.spec);
    const [sent] = (await sendAll(runner, runtime, routed, content, { taskId: stored.task.task_id })) as [SendResult];
    return compactForAgent({ ...sent, task_id: stored.task.task_id, delivery_pending: !sent.submitted });
  },

  async send_message(runner, args) {
    const refused = identityRefusal(runner, args.sender);
    if (refused !== null) return refused;
    const { runtime, team } = await runner.team();
    const routed = await routesFor(runner, runtime, team, args.to, {
      tool: "send_message",
      workspaceScope: args.scope === "workspace",
    });
    if (isRefusal(routed)) return routed;
    // Messages to the lead are informational; a worker is expected to act on what it is sent.
    const toLeadOnly = routed.every((route) => route.recipient === route.team.leader_id);
    const results = await sendAll(runner, runtime, routed, args.content, {
      taskId: args.task_id,
      requiresAck: args.requires_ack ?? !toLeadOnly,
    });
    if (typeof args.to !== "string" || args.to === "*") return fanoutResult(results);
    const [sent] = results as [SendResult];
    return toLeadOnly ? compactForAgent({ ...sent }) : acceptedToWorker(sent);
  },

  async report_result(runner, args) {
    const refused = identityRefusal(runner, reportedIds(args).agentId);
    if (refused !== null) return refused;
    const { runtime, team } = await runner.team();
    if (runner.identity.agentId === null) {
      emit(runtime, "mcp.identity_inference_failed", { tool: "report_result", team_id: team.team_id });
    }
    const outcome = reportResult(runtime, team, args, { agentId: runner.identity.agentId });
    wakeDaemon(runtime, team);
    return compactForAgent({ ...outcome });
  },

  async update_state(runner, { note }) {
    const { runtime, team } = await runner.team();
    const { store } = runtime;
    const entry = { at: isoNow(), agent_id: senderOf(runner.identity), note: cutString(note, NOTE_LIMIT) };
    // Read and append in one transaction, so two workers noting at once both keep their note.
    store.context.write("mcp.update_state", () => {
      const current = store.teams.get(team.team_id)?.attrs["notes"];
      const notes = Array.isArray(current) ? current : [];
      store.teams.setAttrs(team.team_id, { notes: [...notes, entry].slice(-NOTES_KEPT) });
    });
    emit(runtime, "mcp.state_note_added", { team_id: team.team_id, agent_id: entry.agent_id });
    return { ok: true, status: "noted" };
  },

  async get_team_status(runner) {
    const { runtime, team } = await runner.team();
    return statusForAgent(await teamStatus(runtime, team), runtime.store.tasks.list(team.team_id));
  },

  async stop_agent(runner, { agent_id }) {
    const { runtime, team } = await runner.team();
    const refused = targetRefusal(runtime, team, runner.identity, agent_id);
    if (refused !== null) return refused;
    return compactForAgent({ ...(await stopAgent(runtime, team, agent_id)) });
  },

  async reset_agent(runner, { agent_id, discard_session }) {
    const { runtime, team } = await runner.team();
    const refused = targetRefusal(runtime, team, runner.identity, agent_id);
    if (refused !== null) return refused;
    const reset = await resetAgent(runtime, team, agent_id, { discardSession: discard_session });
    return compactForAgent({ ...reset, ...(reset.ok ? { session_id: reset.started.session_id } : {}) });
  },

  async add_agent(runner, { new_agent_id, role_file_path }) {
    const { runtime, team } = await runner.team();
    const roleFile = roleFileInWorkspace(runtime.workspace, role_file_path);
    return compactForAgent({ ...(await addAgent(runtime, team, { agentId: new_agent_id, roleFile })) });
  },

  async fork_agent(runner, { source_agent_id, as_agent_id, label }) {
    const { runtime, team } = await runner.team();
    const refused = targetRefusal(runtime, team, runner.identity, source_agent_id);
    if (refused !== null) return refused;
    return forkAgent(runtime, team, {
      sourceAgentId: source_agent_id,
      newAgentId: as_agent_id,
      ...(label !== undefined ? { label } : {}),
    });
  },

  async request_human(runner, { question, task_id, agent_id }) {
    const refused = identityRefusal(runner, agent_id);
    if (refused !== null) return refused;
    const { runtime, team } = await runner.team();
    const lead: Route = { team, recipient: team.leader_id };
    const content = `Question for the human from ${senderOf(runner.identity)}: ${question}`;
    const [sent] = (await sendAll(runner, runtime, [lead], content, { taskId: task_id, requiresAck: true })) as [
      SendResult,
    ];
    emit(runtime, "mcp.human_requested", { team_id: team.team_id, message_id: sent.message_id, task_id });
    return { ok: true, status: "needs_human", message_id: sent.message_id };
  },

  async stuck_list(runner) {
    const { runtime, team } = await runner.team();
    return compactView(stuckList(runtime, team)) as Fields;
  },

  async stuck_cancel(runner, { agent_id, alert_type }) {
    const { runtime, team } = await runner.team();
    const refused = targetRefusal(runtime, team, runner.identity, agent_id);
    if (refused !== null) return refused;
    const by = runner.identity.agentId ?? "leader";
    return compactView(stuckCancel(runtime, team, agent_id, alert_type ?? "stuck", by)) as Fields;
  },
};
