/** Server-sent events on a Node response, and the small text helpers both streaming APIs share. */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

export function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An id in the API's style: prefix + hex. */
export const newId = (prefix: string, length = 32) => `${prefix}${randomUUID().replaceAll("-", "").slice(0, length)}`;

/** A few words per delta, so the CLIs see real streaming. */
export function textDeltas(text: string): string[] {
  const words = text.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(""));
  return out.length > 0 ? out : [""];
}

/** Pause between text deltas: long enough to be seen as streaming, short enough not to slow tests. */
export const DELTA_PAUSE_MS = 15;
