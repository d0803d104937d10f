/**
 * Scripts: what the model answers. A script is an ordered list of rules; the first rule whose `when` accepts a
 * request answers it. A rule's steps are played by position inside one turn: step 0 answers the prompt, step 1
 * answers the first tool result, and so on, so a replayed or retried request gets the same answer (no hidden
 * counters).
 */
import { lastPrompt, type ModelRequest, toolResultsSincePrompt } from "./request.js";

export type Reply =
  /** A streamed text answer that ends the turn. `inputTokens` sets the reported usage; `holdMs` delays the text. */
  | { text: string; inputTokens?: number; holdMs?: number }
  /**
   * A call of a tool the CLI offered. A string names it exactly; a RegExp picks the first offered tool it matches
   * (Codex and Claude Code name the same MCP tool differently). `input` is the tool's arguments.
   */
  | { tool: string | RegExp; input: unknown }
  /**
   * A call of the CLI's own shell tool, whichever it offers (Codex `exec_command` / `shell_command` / `shell`,
   * Claude Code `Bash`). With `justification`, Codex is asked to run it outside its sandbox.
   */
  | { shell: string; justification?: string }
  /** An HTTP error in the API's own error shape. */
  | { error: number; message?: string };

export interface Rule {
  /** Shown in the request log. */
  name: string;
  when: (request: ModelRequest) => boolean;
  /** One reply for every step, a list played by step, or a function of the request. */
  reply: Reply | readonly Reply[] | ((request: ModelRequest, step: number) => Reply);
}

export type Script = readonly Rule[];

/** What a request gets when no rule takes it: a short text, so a CLI's side requests (titles, probes) just work. */
export const DEFAULT_REPLY: Reply = { text: "OK." };

/** The turn's step: how many tool results came back since the prompt. */
export function stepOf(request: ModelRequest): number {
  return toolResultsSincePrompt(request).length;
}

export function replyFor(script: Script, request: ModelRequest): { rule: string | null; step: number; reply: Reply } {
  const step = stepOf(request);
  for (const rule of script) {
    if (!rule.when(request)) continue;
    const { reply } = rule;
    if (typeof reply === "function") return { rule: rule.name, step, reply: reply(request, step) };
    if (Array.isArray(reply)) {
      const list = reply as readonly Reply[];
      return { rule: rule.name, step, reply: list[step] ?? { text: `(script "${rule.name}" has no step ${step})` } };
    }
    return { rule: rule.name, step, reply: reply as Reply };
  }
  return { rule: null, step, reply: DEFAULT_REPLY };
}

/**
 * The usual rule: the turn whose prompt contains `trigger` plays `steps` — e.g. call a tool, then say done. Only
 * requests that offer tools take part, so a CLI's side requests about the same prompt (a title, a summary) fall
 * through to the default answer instead of receiving a tool call they cannot run.
 */
export function onPrompt(trigger: string | RegExp, steps: readonly Reply[], name?: string): Rule {
  const matches = (text: string) => (typeof trigger === "string" ? text.includes(trigger) : trigger.test(text));
  return {
    name: name ?? `prompt ${String(trigger)}`,
    when: (request) => request.tools.length > 0 && matches(lastPrompt(request)),
    reply: steps,
  };
}

/** Every request plays `steps` (a screen recorder's one-behaviour scripts: always text, always an error, …). */
export function always(steps: readonly Reply[], name = "always"): Rule {
  return { name, when: () => true, reply: steps };
}
