/**
 * Spec and state building blocks (hidden commands): `init` (a starter team folder), `validate`, `compile`,
 * `validate-result`, `repair-state` (correct one task), and `allow-peer-talk` (kept so old scripts still run).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import {
  compileTeamDocDir,
  ensurePrivateDir,
  ensureWorkspace,
  failure,
  isSafeId,
  loadTeamSpec,
  success,
  TASK_STATUSES,
  TeamRuntimeError,
  type TeamSpec,
  usageError,
  ValidationError,
  type ValidationProblem,
  validateResultEnvelope,
  writeFileAtomic,
  writeTeamSpecText,
} from "@team-agent/core-state";
import type { CommandModule, CommandOutput } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";
import { flag, stringOption } from "../render/options.js";
import { agentRowOf } from "../render/team-view.js";

/** A path typed on the command line is relative to where the user is, not to `--workspace`. */
function fromCwd(context: CommandContext, path: string): string {
  return resolve(context.io.cwd, path);
}

function problemLine(problem: ValidationProblem): string {
  const where =
    problem.file === undefined ? "" : `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`} `;
  return `- ${where}${problem.pointer === "" ? "" : `${problem.pointer}: `}${problem.message}`;
}

/** A validation failure as data: every problem listed (text mode prints one line each), exit 1. */
function validationFailure(error: ValidationError, subject: string): CommandOutput {
  const problems = error.problems.length > 0 ? error.problems : [{ pointer: "", message: error.message }];
  const summary = `${subject}: ${problems.length} problem(s)`;
  const wrapped = new ValidationError(summary, problems, { code: error.code, action: error.action });
  return {
    envelope: failure(wrapped, { problems }, { summary }),
    text: problems.map(problemLine).join("\n"),
  };
}

/** Runs `check`, turning a ValidationError into the failure output; anything else propagates. */
function validating(subject: string, check: () => CommandOutput): CommandOutput {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError && error.code !== "usage_error") return validationFailure(error, subject);
    throw error;
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function specFacts(spec: TeamSpec) {
  return { team: spec.team.name, agents: spec.agents.map((agent) => agent.id) };
}

const STARTER_DIR = ".team/current";

function starterFiles(teamName: string): Record<string, string> {
  return {
    "TEAM.md": [
      "---",
      `name: ${teamName}`,
      "provider: claude_code",
      "worker_to_worker: true",
      "---",
      "",
      "What this team is for, in a few sentences. Every worker reads it.",
      "",
    ].join("\n"),
    "agents/dev.md": [
      "---",
      "name: dev",
      "role: Implementation Engineer",
      "provider: codex",
      "tools: [fs_read, fs_write, execute_bash, mcp_team]",
      "---",
      "",
      "Implement the tasks you are given in small, tested steps, then report a result_envelope_v1.",
      "",
    ].join("\n"),
    "agents/reviewer.md": [
      "---",
      "name: reviewer",
      "role: Code Reviewer",
      "provider: claude_code",
      "tools: [fs_read, fs_list, git_diff, mcp_team]",
      "---",
      "",
      "Review the changes you are pointed at for correctness and risk, then report your findings.",
      "",
    ].join("\n"),
  };
}

export const initCommand: CommandModule = {
  async run(context, args) {
    const layout = ensureWorkspace(context.workspace);
    const teamDir = layout.teamDocDir();
    const folderName = basename(layout.root).toLowerCase();
    const files = starterFiles(isSafeId(folderName) ? folderName : "my-team");
    const paths = Object.keys(files).map((name) => join(teamDir, name));
    const existing = paths.filter((path) => existsSync(path));
    if (existing.length > 0 && !flag(args, "force")) {
      throw new TeamRuntimeError(
        "team_doc_exists",
        `${existing.join(", ")} already ${existing.length === 1 ? "exists" : "exist"}; pass --force to overwrite`,
        "Edit the existing files, or rerun `team-agent init --force` to replace them with the starter.",
      );
    }
    ensurePrivateDir(join(teamDir, "agents"));
    for (const [name, content] of Object.entries(files)) writeFileAtomic(join(teamDir, name), content);
    return {
      envelope: success(
        `wrote a starter team to ${teamDir}`,
        { team_dir: teamDir, files: paths, overwritten: existing },
        [
          `Edit ${STARTER_DIR}/TEAM.md and the role docs in ${STARTER_DIR}/agents/`,
          `team-agent quick-start ${STARTER_DIR}`,
        ],
      ),
    };
  },
};

/** What `validate` looks at without an argument: the workspace's team folder, else its team.spec.yaml. */
function defaultValidateTarget(context: CommandContext): string {
  const candidates = [join(context.workspace, STARTER_DIR), join(context.workspace, "team.spec.yaml")];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new TeamRuntimeError(
      "nothing_to_validate",
      `Neither ${candidates[0]} nor ${candidates[1]} exists.`,
      "Pass a team folder or spec file: team-agent validate <dir|team.spec.yaml>, or create one with `team-agent init`.",
    );
  }
  return found;
}

export const validateCommand: CommandModule = {
  async run(context, args) {
    const given = args.positionals[0];
    const target = given === undefined ? defaultValidateTarget(context) : fromCwd(context, given);
    return validating(target, () => {
      if (isDirectory(target) && !existsSync(join(target, "TEAM.md")) && existsSync(join(target, "team.spec.yaml"))) {
        const file = join(target, "team.spec.yaml");
        const spec = loadTeamSpec(file);
        return { envelope: success(`${file} is valid`, { type: "spec", file, ...specFacts(spec) }) };
      }
      if (isDirectory(target)) {
        const spec = compileTeamDocDir(target);
        return {
          envelope: success(`${target} is a valid team folder`, { type: "team_dir", dir: target, ...specFacts(spec) }),
        };
      }
      const spec = loadTeamSpec(target);
      return { envelope: success(`${target} is valid`, { type: "spec", file: target, ...specFacts(spec) }) };
    });
  },
};

export const compileCommand: CommandModule = {
  async run(context, args) {
    const dir = fromCwd(context, args.positionals[0] as string);
    const outOption = stringOption(args, "out");
    const out = outOption === undefined ? join(dir, "team.spec.yaml") : fromCwd(context, outOption);
    return validating(dir, () => {
      const spec = compileTeamDocDir(dir);
      writeFileAtomic(out, writeTeamSpecText(spec));
      return {
        envelope: success(`compiled ${dir} into ${out}`, { team_dir: dir, out, ...specFacts(spec) }, [
          `team-agent quick-start ${args.positionals[0]}`,
        ]),
      };
    });
  },
};

function readEnvelopeInput(context: CommandContext, json: string | undefined, file: string | undefined): string {
  if (json !== undefined && file !== undefined) {
    throw usageError("give the envelope as an argument or with --file, not both", "Drop one of them.");
  }
  if (json !== undefined) return json;
  if (file !== undefined) {
    try {
      return readFileSync(fromCwd(context, file), "utf8");
    } catch (error) {
      throw new TeamRuntimeError(
        "result_file_unreadable",
        `Cannot read ${file}: ${(error as Error).message}`,
        "Check the path and rerun.",
      );
    }
  }
  return readFileSync(0, "utf8");
}

export const validateResultCommand: CommandModule = {
  async run(context, args) {
    const text = readEnvelopeInput(context, args.positionals[0], stringOption(args, "file"));
    return validating("result_envelope_v1", () => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new ValidationError(`not JSON: ${(error as Error).message}`, [], {
          code: "result_envelope_not_json",
          action: "Pass one JSON object (argument, --file or stdin).",
        });
      }
      const envelope = validateResultEnvelope(value);
      return {
        envelope: success(`valid result_envelope_v1 from ${envelope.agent_id} for ${envelope.task_id}`, {
          task_id: envelope.task_id,
          agent_id: envelope.agent_id,
          status: envelope.status,
        }),
      };
    });
  },
};

export const repairStateCommand: CommandModule = {
  async run(context, args) {
    const taskId = stringOption(args, "task");
    const assignee = stringOption(args, "assignee");
    const status = stringOption(args, "status")?.trim().toLowerCase();
    if (taskId === undefined)
      throw usageError("missing --task", "e.g. team-agent repair-state --task t1 --status pending.");
    if (assignee === undefined && status === undefined) {
      throw usageError(
        "nothing to repair: give --assignee and/or --status",
        "e.g. --assignee dev or --status pending.",
      );
    }
    if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status)) {
      throw usageError(`unknown task status ${JSON.stringify(status)}`, `Use one of: ${TASK_STATUSES.join(", ")}.`);
    }
    const runtime = await context.runtime();
    const team = await context.team();
    const { store } = runtime;
    const before = store.tasks.get(team.team_id, taskId);
    if (before === null) {
      throw new TeamRuntimeError(
        "task_not_found",
        `Task ${taskId} is not in team ${team.team_id}'s task list.`,
        "Check the id with `team-agent status --detail --json` (tasks).",
      );
    }
    if (assignee !== undefined && assignee !== team.leader_id) agentRowOf(runtime, team, assignee);
    if (assignee !== undefined) store.tasks.upsert(team.team_id, { id: taskId, assignee });
    // setStatus, not upsert: a repair may reopen a task that had ended.
    if (status !== undefined) store.tasks.setStatus(team.team_id, taskId, status);
    const after = store.tasks.get(team.team_id, taskId) ?? before;
    const facts = (task: typeof before) => ({ status: task.status, assignee: task.assignee });
    runtime.events.emit("task.repaired", {
      team_id: team.team_id,
      task_id: taskId,
      before: facts(before),
      after: facts(after),
    });
    return {
      envelope: success(`task ${taskId}: ${after.status}, assigned to ${after.assignee ?? "nobody"}`, {
        task_id: taskId,
        before: facts(before),
        after: facts(after),
      }),
    };
  },
};

export const allowPeerTalkCommand: CommandModule = {
  async run(_context, args) {
    const [a, b] = args.positionals as [string, string];
    for (const id of [a, b]) {
      if (!isSafeId(id)) throw usageError(`not an agent id: ${JSON.stringify(id)}`, "Pass two agent ids.");
    }
    return {
      envelope: success(`nothing to change: ${a} and ${b} may already message each other within their team`, {
        a,
        b,
        status: "compat_noop",
        reason: "team_scoped_peer_messages_enabled",
      }),
    };
  },
};
