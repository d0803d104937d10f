import { beforeEach, describe, expect, it } from "vitest";
import { TeamRuntimeError } from "../../src/errors.js";
import {
  DELIVERY_CLASS_STATUSES,
  MESSAGE_STATUSES,
  MESSAGE_TRANSITIONS,
  type MessageStatus,
} from "../../src/store/message-states.js";
import { MessagesRepo } from "../../src/store/messages.js";
import { useTempStore } from "../helpers/temp-store.js";

// The D4 table as the design states it, written out independently of the implementation's copy.
const EXPECTED_TABLE: Record<MessageStatus, MessageStatus[]> = {
  accepted: ["target_resolved", "failed", "acknowledged"],
  target_resolved: ["pasted", "accepted", "failed", "acknowledged"],
  pasted: ["visible", "submitted", "failed", "acknowledged"],
  visible: ["submitted", "failed", "acknowledged"],
  submitted: ["acknowledged", "failed"],
  failed: ["accepted"],
  acknowledged: [],
};

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });
let messages: MessagesRepo;

beforeEach(() => {
  messages = new MessagesRepo(store.ctx);
});

/** Creates a message and walks it along legal transitions until it is in `status`. */
function messageIn(status: MessageStatus): string {
  const { message_id: id } = messages.create("team_a", { sender: "leader", recipient: "dev", content: "do it" });
  const paths: Record<MessageStatus, MessageStatus[]> = {
    accepted: [],
    target_resolved: ["target_resolved"],
    pasted: ["target_resolved", "pasted"],
    visible: ["target_resolved", "pasted", "visible"],
    submitted: ["target_resolved", "pasted", "submitted"],
    acknowledged: ["acknowledged"],
    failed: ["failed"],
  };
  for (const step of paths[status]) {
    if (step === "target_resolved") expect(messages.claimForDelivery(id)).not.toBeNull();
    else messages.transition(id, step, { error: step === "failed" ? "setup failure" : null });
  }
  expect(messages.get(id)?.status).toBe(status);
  return id;
}

describe("message state table", () => {
  it("is exactly the D4 table", () => {
    expect([...MESSAGE_STATUSES].sort()).toEqual(Object.keys(EXPECTED_TABLE).sort());
    for (const from of MESSAGE_STATUSES) {
      expect([...MESSAGE_TRANSITIONS[from]].sort(), `transitions from ${from}`).toEqual(
        [...EXPECTED_TABLE[from]].sort(),
      );
    }
    expect([...DELIVERY_CLASS_STATUSES].sort()).toEqual(["pasted", "submitted", "target_resolved", "visible"]);
  });

  describe.each(MESSAGE_STATUSES.map((from) => [from]))("from %s", (from) => {
    it.each(MESSAGE_STATUSES.map((to) => [to]))("to %s", (to) => {
      const id = messageIn(from);
      const before = messages.get(id);
      const attemptsBefore = messages.attempts(id);
      store.clock.advance(1_000);
      const allowed = EXPECTED_TABLE[from].includes(to);
      const sticky = from === "acknowledged" && ["target_resolved", "pasted", "visible", "submitted"].includes(to);

      if (allowed) {
        const outcome = messages.transition(id, to, { reason: "matrix" });
        expect(outcome.changed).toBe(true);
        expect(outcome.status).toBe(to);
        const after = messages.get(id);
        expect(after?.status).toBe(to);
        expect(after?.updated_at).toBe(store.clock.iso());
        expect(messages.attempts(id).at(-1)).toMatchObject({ from_status: from, to_status: to, reason: "matrix" });
        expect(messages.attempts(id)).toHaveLength(attemptsBefore.length + 1);
        return;
      }
      if (sticky) {
        expect(messages.transition(id, to)).toEqual({ changed: false, status: "acknowledged", message: before });
      } else {
        let thrown: unknown;
        try {
          messages.transition(id, to);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(TeamRuntimeError);
        const refusal = thrown as TeamRuntimeError;
        expect(refusal.code).toBe("illegal_message_transition");
        expect(refusal.message).toContain(id);
        expect(refusal.message).toContain(`from ${from} to ${to}`);
        expect(refusal.details).toEqual({ message_id: id, from, to });
      }
      // Refused or ignored: the row and its history are exactly as before.
      expect(messages.get(id)).toEqual(before);
      expect(messages.attempts(id)).toEqual(attemptsBefore);
    });
  });
});
