/**
 * Cross-field rules of the team spec (spec 01 §5.2): duplicate ids, references to agents and tasks, dependency
 * cycles, routing rules without a condition, prompt files that must exist. Runs on the raw parsed data so it can
 * report alongside structural problems; anything of the wrong type is skipped here (the schema reports it).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ValidationProblem } from "../errors.js";
import { isPlainObject, isTruthy, listAt, objectAt, stringAt } from "./guards.js";
import { toPointer } from "./issues.js";

type Problem = Pick<ValidationProblem, "pointer" | "message">;

export function semanticProblems(data: unknown, specDir: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const agentIds = checkAgents(data, specDir, problems);
  const leaderId = stringAt(objectAt(data, "leader"), "id");
  const assignable = new Set(leaderId === undefined ? agentIds : [leaderId, ...agentIds]);
  checkRouting(data, assignable, problems);
  checkTasks(data, assignable, problems);
  return problems;
}

function checkAgents(data: unknown, specDir: string | undefined, problems: Problem[]): string[] {
  const ids: string[] = [];
  listAt(data, "agents").forEach((agent, index) => {
    const id = stringAt(agent, "id");
    if (id !== undefined) {
      if (ids.includes(id)) {
        problems.push({ pointer: toPointer(["agents", index, "id"]), message: `duplicate agent id '${id}'` });
      } else {
        ids.push(id);
      }
    }
    const file = stringAt(objectAt(agent, "system_prompt"), "file");
    if (file !== undefined && file !== "" && !existsSync(resolve(specDir ?? process.cwd(), file))) {
      problems.push({
        pointer: toPointer(["agents", index, "system_prompt", "file"]),
        message: `file not found: ${file}`,
      });
    }
  });
  return ids;
}

function checkRouting(data: unknown, assignable: ReadonlySet<string>, problems: Problem[]): void {
  const routing = objectAt(data, "routing");
  checkAssignee(stringAt(routing, "default_assignee"), ["routing", "default_assignee"], assignable, problems);
  listAt(routing, "rules").forEach((rule, index) => {
    if (!isPlainObject(rule)) return;
    checkAssignee(stringAt(rule, "assign_to"), ["routing", "rules", index, "assign_to"], assignable, problems);
    if (!isTruthy(rule.when) && !isTruthy(rule.match)) {
      problems.push({ pointer: toPointer(["routing", "rules", index]), message: "must include when or match" });
    }
  });
}

function checkAssignee(
  value: string | undefined,
  path: readonly (string | number)[],
  assignable: ReadonlySet<string>,
  problems: Problem[],
): void {
  if (value !== undefined && !assignable.has(value)) {
    problems.push({ pointer: toPointer(path), message: `unknown agent '${value}'` });
  }
}

function checkTasks(data: unknown, assignable: ReadonlySet<string>, problems: Problem[]): void {
  const tasks = listAt(data, "tasks");
  const taskIds = new Map<string, number>();
  tasks.forEach((task, index) => {
    const id = stringAt(task, "id");
    if (id === undefined) return;
    if (taskIds.has(id)) {
      problems.push({ pointer: toPointer(["tasks", index, "id"]), message: `duplicate task id '${id}'` });
    } else {
      taskIds.set(id, index);
    }
  });
  tasks.forEach((task, index) => {
    checkAssignee(stringAt(task, "assignee"), ["tasks", index, "assignee"], assignable, problems);
    listAt(task, "deps").forEach((dep, depIndex) => {
      if (typeof dep === "string" && !taskIds.has(dep)) {
        problems.push({
          pointer: toPointer(["tasks", index, "deps", depIndex]),
          message: `unknown dependency '${dep}'`,
        });
      }
    });
  });
  const cycle = findDependencyCycle(tasks);
  if (cycle !== undefined) {
    const start = cycle[0] as string;
    problems.push({
      pointer: toPointer(["tasks", taskIds.get(start) ?? 0, "deps"]),
      message: `dependency cycle detected: ${cycle.join(" -> ")}`,
    });
  }
}

/**
 * First cycle found by a depth-first walk in task order, as a closed path (`a -> b -> a`). Deps that are not
 * task ids are ignored (they are reported as unknown dependencies).
 */
export function findDependencyCycle(tasks: readonly unknown[]): string[] | undefined {
  const deps = new Map<string, string[]>();
  for (const task of tasks) {
    const id = stringAt(task, "id");
    if (id !== undefined && !deps.has(id)) {
      deps.set(
        id,
        listAt(task, "deps").filter((dep): dep is string => typeof dep === "string"),
      );
    }
  }
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    if (onStack.has(id)) return [...stack.slice(stack.indexOf(id)), id];
    if (done.has(id)) return undefined;
    stack.push(id);
    onStack.add(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    onStack.delete(id);
    done.add(id);
    return undefined;
  };
  for (const id of deps.keys()) {
    const cycle = visit(id);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
