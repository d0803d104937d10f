/**
 * The 12 tools of spec 04 §2.3 as declarations: name, description, the input schema advertised in `tools/list`, and
 * the (strict) schema a call is checked against. They differ on purpose (§7.8): a few extra parameters older workers
 * send are accepted but not advertised (`send_message`'s `sender`, `requires_ack`, `task_id`, `scope`;
 * `report_result`'s `task_id`, `agent_id`, `envelope`), and `report_result` takes any shape for its lists because the
 * normaliser repairs them. Anything else unknown is an invalid argument. This module stays light (zod only) so the
 * server answers `initialize` and `tools/list` before the runtime is loaded.
 */
import { z } from "zod";

const memberId = (what: string) => z.string().min(1).describe(what);
const objectList = (what: string) => z.array(z.record(z.string(), z.unknown())).optional().describe(what);

const assignTaskShape = {
  task: z
    .looseObject({
      id: memberId("task id: letters, digits, _ and -"),
      assignee: memberId("the member who does it"),
      title: z.string().optional(),
      description: z.string().optional(),
    })
    .describe("the task; more fields (priority, depends_on, …) are stored with it"),
  message: z.string().optional().describe("what to tell the assignee (default: the task's description or title)"),
};

const sendMessageShape = {
  to: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('a member id, "leader", "*" for every other member of your team, or a list of member ids'),
  content: z.string().min(1).describe("the message text"),
};

const reportResultShape = {
  summary: z.string().describe("what was done, in one or two sentences"),
  status: z.enum(["success", "blocked", "failed", "partial"]).optional().describe("default success"),
  changes: objectList("files touched: {path, kind: created|modified|deleted|observed, description}"),
  tests: objectList("checks run: {command, status: passed|failed|not_run|skipped, detail}"),
  risks: objectList("{severity: low|medium|high, description}"),
  artifacts: objectList("{path, description}"),
  next_actions: objectList("{description}"),
};

const anything = z.unknown().optional();

/** A tool whose calls must match its advertised shape exactly, plus any accepted-but-unadvertised parameters. */
function declare<Shape extends z.ZodRawShape, Extra extends z.ZodRawShape = Record<never, never>>(
  description: string,
  shape: Shape,
  extra?: Extra,
) {
  return { description, shape, accepts: z.strictObject({ ...shape, ...(extra as Extra) }) };
}

export const TOOL_DECLARATIONS = {
  assign_task: declare("Add or update a task in your team's task list and send it to its assignee.", assignTaskShape),
  send_message: declare(
    "Send a message to a teammate, the lead, or several members. Returns at once: the message is stored and the " +
      "coordinator delivers it.",
    sendMessageShape,
    {
      sender: z.string().optional(),
      requires_ack: z.boolean().optional(),
      task_id: z.string().optional(),
      scope: z.enum(["team", "workspace"]).optional(),
    },
  ),
  report_result: {
    description: "Report the result of your task to the lead. Call it once when the task is finished or blocked.",
    shape: reportResultShape,
    accepts: z
      .strictObject({
        summary: z.string().optional(),
        status: z.string().optional(),
        changes: anything,
        tests: anything,
        risks: anything,
        artifacts: anything,
        next_actions: anything,
        task_id: z.string().optional(),
        agent_id: z.string().optional(),
        envelope: anything,
      })
      .refine((args) => args.summary !== undefined || args.envelope !== undefined, {
        message: "missing required parameter 'summary'",
        path: ["summary"],
      }),
  },
  update_state: declare("Add a note to your team's shared state (decisions, findings the team should keep).", {
    note: z.string().min(1).describe("the note"),
  }),
  get_team_status: declare(
    "Your team at a glance: each member's state, the task list, queued messages and results.",
    {},
  ),
  stop_agent: declare("Stop a worker of your team (its conversation is kept and can be resumed).", {
    agent_id: memberId("the worker"),
  }),
  reset_agent: declare(
    "Restart a worker of your team with a fresh conversation; its current conversation is discarded.",
    {
      agent_id: memberId("the worker"),
      discard_session: z.boolean().describe("must be true: confirms the conversation is thrown away"),
    },
  ),
  add_agent: declare("Add a worker to your team from a role doc and start it.", {
    new_agent_id: memberId("the new worker's id"),
    role_file_path: z.string().min(1).describe("the role doc, relative to the workspace"),
  }),
  fork_agent: declare("Start a new worker that continues a copy of another worker's conversation.", {
    source_agent_id: memberId("the worker to copy"),
    as_agent_id: memberId("the new worker's id"),
    label: z.string().optional().describe("a short label for the copy"),
  }),
  request_human: declare("Ask the human a question through the lead when you cannot go on without an answer.", {
    question: z.string().min(1).describe("the question, with the context needed to answer it"),
    task_id: z.string().optional().describe("the task it is about"),
    agent_id: z.string().optional().describe("you (defaults to your own id)"),
  }),
  stuck_list: declare("The stuck and idle alerts about your team's workers that are currently silenced.", {}),
  stuck_cancel: declare("Silence the lead's stuck (or idle) alert about a worker that is fine.", {
    agent_id: memberId("the worker"),
    alert_type: z.enum(["stuck", "idle_fallback", "all"]).optional().describe("default stuck"),
  }),
} satisfies Record<string, { description: string; shape: z.ZodRawShape; accepts: z.ZodType<object> }>;

export type ToolName = keyof typeof TOOL_DECLARATIONS;
export type ToolArgs<Name extends ToolName> = z.output<(typeof TOOL_DECLARATIONS)[Name]["accepts"]>;

export const TOOL_NAMES = Object.keys(TOOL_DECLARATIONS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_DECLARATIONS, name);
}
