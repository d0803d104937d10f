/**
 * The endpoint: an HTTP server on 127.0.0.1 (a free port unless one is given) that answers
 * `POST …/responses` (Codex) and `POST /v1/messages` (Claude Code) from the current script, answers the side calls
 * both CLIs make (token counts, model lists), and logs every request.
 */
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messagesError, plainMessage, streamMessagesText, streamMessagesToolCall } from "./messages-api.js";
import { type Api, lastPrompt, type ModelRequest, namespaceOf, readRequest } from "./request.js";
import { responsesError, streamResponsesText, streamResponsesToolCall } from "./responses-api.js";
import { type Reply, replyFor, type Script } from "./script.js";
import { resolveCall } from "./tool-call.js";

export interface LoggedRequest {
  at: string;
  api: Api | null;
  method: string;
  path: string;
  /** The rule that answered, or null for the default answer / a side call. */
  rule: string | null;
  step: number;
  /** What was sent back: `text`, `tool <name>`, `error <status>`, or `script error: …`. */
  answer: string;
  /** Null for side calls (token counts, model lists, unknown paths). */
  request: ModelRequest | null;
}

export interface ScriptedModel {
  port: number;
  /** `http://127.0.0.1:<port>`: Claude Code's ANTHROPIC_BASE_URL. Codex's `base_url` is this + `/v1`. */
  url: string;
  /** Replaces the script; requests already answered stay in the log. */
  setScript(script: Script): void;
  /** Every request so far, oldest first. */
  readonly requests: readonly LoggedRequest[];
  /** Resolves with the first logged request `match` accepts (including earlier ones); rejects at the deadline. */
  waitForRequest(match: (entry: LoggedRequest) => boolean, timeoutMs: number, what?: string): Promise<LoggedRequest>;
  close(): Promise<void>;
}

export interface ScriptedModelOptions {
  script?: Script;
  port?: number;
  /** Also append each log entry (without the body) as one JSON line to this file. */
  logFile?: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function apiOf(method: string, path: string): Api | null {
  if (method !== "POST") return null;
  if (path.endsWith("/responses")) return "responses";
  if (path === "/v1/messages") return "messages";
  return null;
}

function sideCall(res: ServerResponse, path: string): boolean {
  if (path === "/v1/messages/count_tokens") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ input_tokens: 10 }));
    return true;
  }
  if (path.endsWith("/models")) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [] }));
    return true;
  }
  return false;
}

/** Sends `reply`; returns what was sent, for the log. */
async function answer(res: ServerResponse, request: ModelRequest, reply: Reply): Promise<string> {
  if ("error" in reply) {
    const message = reply.message ?? `Injected test error (HTTP ${reply.error})`;
    const body =
      request.api === "messages" ? messagesError(reply.error, message) : responsesError(reply.error, message);
    res.writeHead(reply.error, { "content-type": "application/json" }).end(body);
    return `error ${reply.error}`;
  }
  let text: string;
  let sent: string;
  if ("text" in reply) {
    text = reply.text;
    sent = "text";
  } else {
    const call = resolveCall(reply, request);
    if (call.ok && request.stream) {
      if (request.api === "responses") {
        const target = namespaceOf(request.body, call.name) ?? { name: call.name };
        streamResponsesToolCall(res, request.model, target, call.args);
      } else streamMessagesToolCall(res, request.model, call.name, call.args);
      return `tool ${call.name}`;
    }
    text = call.ok ? "OK." : `SCRIPT ERROR: ${call.problem}`;
    sent = call.ok ? "text (a tool call needs a streamed request)" : `script error: ${call.problem}`;
  }
  const options = {
    inputTokens: "text" in reply ? (reply.inputTokens ?? 10) : 10,
    holdMs: "text" in reply ? (reply.holdMs ?? 0) : 0,
  };
  if (request.api === "responses") await streamResponsesText(res, request.model, text, options);
  else if (request.stream) await streamMessagesText(res, request.model, text, options);
  else plainMessage(res, request.model, text);
  return sent;
}

export function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  let script: Script = options.script ?? [];
  const requests: LoggedRequest[] = [];
  const watchers = new Set<() => void>();
  const log = (entry: LoggedRequest) => {
    requests.push(entry);
    if (options.logFile) {
      const { request, ...rest } = entry;
      const summary = request ? { tools: request.tools.length, prompt: lastPrompt(request).slice(0, 200) } : {};
      appendFileSync(options.logFile, `${JSON.stringify({ ...rest, ...summary })}\n`);
    }
    for (const wake of watchers) wake();
  };

  const server = createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const raw = await readBody(req);
    const at = new Date().toISOString();
    const api = apiOf(method, path);
    if (!api) {
      const handled = sideCall(res, path);
      if (!handled) res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
      log({ at, api, method, path, rule: null, step: 0, answer: handled ? "side call" : "404", request: null });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"body is not JSON"}}');
      log({ at, api, method, path, rule: null, step: 0, answer: "400 body is not JSON", request: null });
      return;
    }
    const request = readRequest(api, path, body);
    const chosen = replyFor(script, request);
    try {
      const sent = await answer(res, request, chosen.reply);
      log({ at, api, method, path, rule: chosen.rule, step: chosen.step, answer: sent, request });
    } catch (error) {
      // A CLI that hangs up mid-stream (interrupted turn) must not take the server down.
      log({ at, api, method, path, rule: chosen.rule, step: chosen.step, answer: `aborted: ${error}`, request });
      res.destroy();
    }
  });

  const waitForRequest: ScriptedModel["waitForRequest"] = (match, timeoutMs, what = "a matching model request") =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = requests.find(match);
        if (!found) return false;
        finish();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const seen = requests.map((r) => `${r.path} ${r.rule ?? "-"} ${r.answer}`).join("\n  ");
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; requests so far:\n  ${seen}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        watchers.delete(wake);
      };
      const wake = () => void check();
      watchers.add(wake);
      check();
    });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        setScript: (next) => {
          script = next;
        },
        requests,
        waitForRequest,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
