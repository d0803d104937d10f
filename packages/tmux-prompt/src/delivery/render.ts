/**
 * The text a recipient's pane receives for one message (spec 3.1): a header naming the sender (and task), the
 * content, and a token line carrying the message id, which is how delivery recognises its own paste on screen.
 */

export interface RenderableMessage {
  message_id: string;
  sender: string;
  task_id?: string | null;
  content: string;
}

export function tokenLine(messageId: string | undefined): string {
  return `[team-agent-token:${messageId || "missing"}]`;
}

export function renderMessage(message: RenderableMessage): string {
  const sender = message.sender || "unknown";
  const task = message.task_id ? ` for ${message.task_id}` : "";
  return `Team Agent message from ${sender}${task}:\n\n${message.content}\n\n${tokenLine(message.message_id)}`;
}

const TOKEN_RE = /\[team-agent-token:([^\]\s]+)\]/u;

/** The token (message id) a rendered text carries, if any. */
export function extractToken(text: string): string | undefined {
  const id = TOKEN_RE.exec(text)?.[1];
  return id && id !== "missing" ? id : undefined;
}
