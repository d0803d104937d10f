/**
 * One worker at a time: `start-agent`, `stop-agent`, `reset-agent`, `add-agent`, `fork-agent`, `remove-agent`.
 * Each maps to the coordinator operation of the same name; a refusal (paused worker, missing confirmation) is a
 * failure envelope whose code is the reason, and every result carries exactly one top-level `coordinator` block.
 */
import {
  addAgent,
  coordinatorHealth,
  forkAgent,
  removeAgent,
  resetAgent,
  type StartedAgent,
  startAgent,
  stopAgent,
} from "@team-agent/coordinator";
import { success, usageError } from "@team-agent/core-state";
import type { CommandModule, CommandOutput, ParsedArgs } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";
import { coordinatorBlock, refusalOutput } from "./team.js";

function withoutOk<T extends { ok: boolean }>(result: T): Omit<T, "ok"> {
  const { ok: _ok, ...rest } = result;
  return rest;
}

function agentArg(args: ParsedArgs): string {
  return args.positionals[0] as string;
}

function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

function requiredOption(args: ParsedArgs, name: string, usage: string): string {
  const value = args.values[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw usageError(`--${name} is required`, `Usage: team-agent ${usage}`);
  }
  return value;
}

async function target(context: CommandContext) {
  return { runtime: await context.runtime(), team: await context.team() };
}

function pausedRefusal(refusal: { ok: false; reason: string }, agentId: string): CommandOutput {
  return refusalOutput(
    refusal,
    `${agentId} is paused; paused workers are not started.`,
    `Remove \`paused: true\` from ${agentId}'s entry in the team spec (or its role doc) and run the command again.`,
  );
}

function startedLine(started: Omit<StartedAgent, "coordinator">): string {
  const how =
    started.start_mode === "noop"
      ? "was already running"
      : started.start_mode === "resumed"
        ? `resumed session ${started.session_id ?? "-"}`
        : "started with a new session";
  return `${started.agent_id} ${how} (pane ${started.pane_id ?? "-"})`;
}

export const startAgentCommand: CommandModule = {
  async run(context, args) {
    const { runtime, team } = await target(context);
    const agentId = agentArg(args);
    const result = await startAgent(runtime, team, agentId, {
      force: flag(args, "force"),
      allowFresh: flag(args, "allow-fresh"),
    });
    if (!result.ok) return pausedRefusal(result, agentId);
    const summary = startedLine(result);
    return { envelope: success(summary, { team: team.team_id, ...withoutOk(result) }) };
  },
};

export const stopAgentCommand: CommandModule = {
  async run(context, args) {
    const { runtime, team } = await target(context);
    const result = await stopAgent(runtime, team, agentArg(args));
    const summary =
      result.status === "paused"
        ? `${result.agent_id} is paused (no window to stop)`
        : `${result.agent_id} ${result.stopped ? "stopped" : "was not running"}; its session is kept`;
    const data = {
      team: team.team_id,
      ...withoutOk(result),
      coordinator: coordinatorBlock(coordinatorHealth(runtime, team)),
    };
    return { envelope: success(summary, data, [`team-agent start-agent ${result.agent_id}`]) };
  },
};

export const resetAgentCommand: CommandModule = {
  async run(context, args) {
    const { runtime, team } = await target(context);
    const agentId = agentArg(args);
    const result = await resetAgent(runtime, team, agentId, { discardSession: flag(args, "discard-session") });
    if (!result.ok) {
      if (result.reason === "agent_paused") return pausedRefusal(result, agentId);
      return refusalOutput(
        result,
        `reset-agent throws away ${agentId}'s conversation and needs --discard-session to say so.`,
        `Run \`team-agent reset-agent ${agentId} --discard-session\` only if losing that conversation is acceptable.`,
      );
    }
    const summary = `${agentId} reset: ${startedLine(result.started)}`;
    return { envelope: success(summary, { team: team.team_id, ...withoutOk(result) }) };
  },
};

export const addAgentCommand: CommandModule = {
  async run(context, args) {
    const roleFile = requiredOption(args, "role-file", "add-agent AGENT --role-file PATH");
    const { runtime, team } = await target(context);
    const result = await addAgent(runtime, team, { agentId: agentArg(args), roleFile });
    const summary = `added ${result.new_agent_id}: ${startedLine(result.started)}`;
    return {
      envelope: success(summary, { team: team.team_id, ...withoutOk(result) }, [
        `team-agent send ${result.new_agent_id} "<task>"`,
      ]),
    };
  },
};

export const forkAgentCommand: CommandModule = {
  async run(context, args) {
    const newAgentId = requiredOption(args, "as", "fork-agent SOURCE --as NEW [--label LABEL]");
    const label = args.values["label"];
    const { runtime, team } = await target(context);
    // The operation refuses with a reason for every provider today (the plugin contract has no fork yet).
    return forkAgent(runtime, team, {
      sourceAgentId: agentArg(args),
      newAgentId,
      ...(typeof label === "string" ? { label } : {}),
    });
  },
};

export const removeAgentCommand: CommandModule = {
  async run(context, args) {
    const { runtime, team } = await target(context);
    const agentId = agentArg(args);
    const result = await removeAgent(runtime, team, agentId, {
      force: flag(args, "force"),
      fromSpec: flag(args, "from-spec"),
      confirm: flag(args, "confirm"),
    });
    if (!result.ok) {
      return result.reason === "force_required"
        ? refusalOutput(
            result,
            `${agentId} is running; removing it stops it first only with --force.`,
            `Run \`team-agent remove-agent ${agentId} --force\`, or stop it first with \`team-agent stop-agent ${agentId}\`.`,
          )
        : refusalOutput(
            result,
            `${agentId} is part of the team's spec; removing it changes the team for good.`,
            `Run \`team-agent remove-agent ${agentId} --from-spec --confirm\` if that is what the user wants.`,
          );
    }
    const summary = `removed ${agentId}${result.stopped ? " (stopped first)" : ""}`;
    const data = {
      team: team.team_id,
      ...withoutOk(result),
      coordinator: coordinatorBlock(coordinatorHealth(runtime, team)),
    };
    return { envelope: success(summary, data) };
  },
};
