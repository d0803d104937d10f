import { renderMessage } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { parseIncoming } from "../../src/cli/message.js";

describe("parseIncoming", () => {
  it("reads sender, task, token and content of a rendered message", () => {
    const text = renderMessage({
      message_id: "msg_0123456789ab",
      sender: "leader",
      task_id: "t-7",
      content: "Line one\n\nLine three",
    });
    expect(parseIncoming(text)).toEqual({
      text,
      rendered: true,
      sender: "leader",
      task: "t-7",
      token: "msg_0123456789ab",
      content: "Line one\n\nLine three",
    });
  });

  it("a message without a task has task null; a `missing` token is no token", () => {
    const parsed = parseIncoming(renderMessage({ message_id: "", sender: "coordinator", content: "hi" }));
    expect(parsed).toMatchObject({ rendered: true, sender: "coordinator", task: null, token: null, content: "hi" });
  });

  it("takes carriage returns from a terminal paste as line breaks, and tolerates surrounding blank lines", () => {
    const text = `\r\n${renderMessage({ message_id: "msg_aaaaaaaaaaaa", sender: "w2", task_id: "t1", content: "go" }).replace(/\n/g, "\r")}\r\r`;
    expect(parseIncoming(text)).toMatchObject({
      rendered: true,
      sender: "w2",
      task: "t1",
      token: "msg_aaaaaaaaaaaa",
      content: "go",
    });
  });

  it("plain typing is not a rendered message", () => {
    expect(parseIncoming("please run the tests")).toEqual({
      text: "please run the tests",
      rendered: false,
      sender: null,
      task: null,
      token: null,
      content: "please run the tests",
    });
    // A header without its token line is not enough.
    expect(parseIncoming("Team Agent message from leader:\n\nno token here").rendered).toBe(false);
  });
});
