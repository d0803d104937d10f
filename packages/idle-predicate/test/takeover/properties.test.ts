/**
 * Property tests: random sequences of ticks (random node states, turn ids and time steps), deliveries and
 * acknowledgements, checked against statements that do not depend on how the predicate is written.
 *
 * Decided per §2.6: a ping requires every node to be `idle` or `idle_interrupted`. `abnormal` blocks it like
 * `working`, `blocked_on_human` and `unknown` do — a failed or crashed worker belongs to the fault path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activeSeconds } from "../../src/active-time.js";
import { acknowledge, armOnDelivery } from "../../src/monitor-state.js";
import type { IdleNode } from "../../src/nodes.js";
import { evaluateTakeoverReminder, type TakeoverDecision } from "../../src/takeover.js";
import { NODE_STATES } from "../../src/turn-state.js";
import { at, RecordingSink } from "../helpers/recording-sink.js";

const DEBOUNCE = 60;
const WORKERS = ["w1", "w2", "w3"];
const IDLE = new Set(["idle", "idle_interrupted"]);

type Observation = { state: string; turn_id: string | null };
type Action = { kind: "tick"; dt: number; nodes: Observation[] } | { kind: "deliver"; node: number } | { kind: "ack" };

/** Turn ids mostly stay put (so idle episodes last), sometimes change or are missing. */
const turnId = fc.oneof(
  { weight: 30, arbitrary: fc.constant("t1") },
  { weight: 2, arbitrary: fc.constantFrom("t2", "t3") },
  { weight: 1, arbitrary: fc.constant(null) },
);

const observation = (states: readonly string[]) => fc.record({ state: fc.constantFrom(...states), turn_id: turnId });

/** Ticks biased towards idle, so all-idle episodes long enough to ping actually happen. */
const tick = (workers: number) =>
  fc.record({
    kind: fc.constant("tick" as const),
    dt: fc.oneof(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 200 }),
      fc.double({ min: 0, max: 90, noNaN: true }),
    ),
    nodes: fc.array(
      fc.oneof(
        { weight: 12, arbitrary: observation(["idle", "idle_interrupted"]) },
        { weight: 1, arbitrary: observation(NODE_STATES) },
      ),
      { minLength: workers, maxLength: workers },
    ),
  });

const actions = (workers: number) =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: tick(workers) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("deliver" as const), node: fc.nat({ max: workers - 1 }) }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("ack" as const) }) },
    ),
    { minLength: 5, maxLength: 80, size: "medium" },
  );

const scenario = fc.integer({ min: 1, max: 3 }).chain((workers) => fc.tuple(fc.constant(workers), actions(workers)));

interface Step {
  action: Action;
  seconds: number;
  decision?: TakeoverDecision;
}

/** Runs the actions the way the coordinator and the CLI would, feeding each monitor state into the next call. */
function run(workers: number, script: readonly Action[]) {
  const events = new RecordingSink();
  let monitor: unknown;
  let seconds = 0;
  const steps: Step[] = [];
  for (const action of script) {
    if (action.kind === "deliver") {
      monitor = armOnDelivery(monitor, {
        node_id: WORKERS[action.node]!,
        message_id: `m${steps.length}`,
        now: at(seconds),
        events,
      });
      steps.push({ action, seconds });
    } else if (action.kind === "ack") {
      monitor = acknowledge(monitor, { now: at(seconds), by: "leader" });
      steps.push({ action, seconds });
    } else {
      seconds += action.dt;
      const nodes: IdleNode[] = action.nodes
        .slice(0, workers)
        .map((node, index) => ({ node_id: WORKERS[index]!, ...node }));
      const decision = evaluateTakeoverReminder(nodes, {
        monitorState: monitor,
        now: at(seconds),
        debounceSeconds: DEBOUNCE,
        events,
      });
      monitor = decision.monitor_state;
      steps.push({ action, seconds, decision });
    }
  }
  return { steps, events: events.events };
}

const allIdle = (action: Action) => action.kind === "tick" && action.nodes.every((node) => IDLE.has(node.state));

describe("take-over predicate properties", () => {
  it("the random scenarios do reach pings, acknowledgements and second episodes (the properties are not vacuous)", () => {
    const runs = fc.sample(scenario, { numRuns: 200, seed: 7 }).map(([workers, script]) => run(workers, script));
    const pings = runs.map((result) => result.steps.filter((step) => step.decision?.should_ping).length);
    expect(pings.filter((count) => count > 0).length).toBeGreaterThan(100);
    expect(pings.filter((count) => count > 1).length).toBeGreaterThan(40);
    const reasons = new Set(runs.flatMap((result) => result.steps.map((step) => step.decision?.reason)));
    for (const reason of [
      "acknowledged",
      "already_pinged_this_episode",
      "debounce_active",
      "not_armed_no_worker_turn",
    ]) {
      expect(reasons).toContain(reason);
    }
  });

  it("never pings while any node is working, blocked, abnormal or unknown", () => {
    fc.assert(
      fc.property(scenario, ([workers, script]) => {
        for (const step of run(workers, script).steps) {
          if (step.decision?.should_ping) expect(allIdle(step.action)).toBe(true);
        }
      }),
    );
  });

  it("never pings before the team has been idle for the debounce", () => {
    fc.assert(
      fc.property(scenario, ([workers, script]) => {
        // The idle run starts at the first all-idle tick after a non-idle tick or a delivery (the predicate may
        // start it later, never earlier).
        let runStart: number | null = null;
        for (const step of run(workers, script).steps) {
          if (step.action.kind === "deliver") runStart = null;
          if (step.action.kind !== "tick") continue;
          if (!allIdle(step.action)) {
            runStart = null;
            continue;
          }
          runStart ??= step.seconds;
          if (step.decision?.should_ping) expect(step.seconds - runStart).toBeGreaterThanOrEqual(DEBOUNCE);
        }
      }),
    );
  });

  it("never pings twice in one all-idle episode: something must happen in between", () => {
    fc.assert(
      fc.property(scenario, ([workers, script]) => {
        // Since the last ping: a non-idle tick, a delivery, a new turn id, or a worker newly interrupted.
        let somethingHappened = true;
        let lastTurn: Array<string | null> = [];
        let lastState: Array<string | null> = [];
        for (const step of run(workers, script).steps) {
          const { action } = step;
          if (action.kind === "deliver") somethingHappened = true;
          if (action.kind !== "tick") continue;
          if (!allIdle(action)) somethingHappened = true;
          action.nodes.forEach((node, index) => {
            if (node.turn_id !== null && lastTurn[index] != null && node.turn_id !== lastTurn[index])
              somethingHappened = true;
            if (node.state === "idle_interrupted" && lastState[index] !== "idle_interrupted") somethingHappened = true;
          });
          lastTurn = action.nodes.map((node, index) => node.turn_id ?? lastTurn[index] ?? null);
          lastState = action.nodes.map((node, index) =>
            node.state === "unknown" ? (lastState[index] ?? null) : node.state,
          );
          if (step.decision?.should_ping) {
            expect(somethingHappened).toBe(true);
            somethingHappened = false;
          }
        }
      }),
    );
  });

  it("is deterministic: the same inputs give the same decisions, states and events", () => {
    fc.assert(
      fc.property(scenario, ([workers, script]) => {
        expect(run(workers, script)).toEqual(run(workers, script));
      }),
    );
  });

  it("once delivered to, a team that stays idle is pinged exactly once, at the first tick past the debounce", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ state: fc.constantFrom("idle", "idle_interrupted"), turn_id: fc.constantFrom("t1", "t2", null) }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }),
        (snapshot, steps) => {
          const script: Action[] = [{ kind: "deliver", node: 0 }];
          for (const dt of steps) script.push({ kind: "tick", dt, nodes: snapshot });
          const ticks = run(snapshot.length, script).steps.filter((step) => step.decision);
          const first = ticks[0]!.seconds;
          const expected = ticks.findIndex((step) => step.seconds - first >= DEBOUNCE);
          const pinged = ticks.flatMap((step, index) => (step.decision!.should_ping ? [index] : []));
          expect(pinged).toEqual(expected === -1 ? [] : [expected]);
        },
      ),
    );
  });

  it("after an acknowledgement, nodes that keep their turn (even flickering to unknown) never cause a ping", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(observation(["idle", "idle_interrupted"]), { minLength: 3, maxLength: 3 }),
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 300 }),
            flicker: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          }),
          {
            maxLength: 30,
          },
        ),
        ([workers, prefix], snapshot, later) => {
          const script: Action[] = [...prefix, { kind: "tick", dt: 1, nodes: snapshot }, { kind: "ack" }];
          for (const { dt, flicker } of later) {
            script.push({
              kind: "tick",
              dt,
              nodes: snapshot.map((node, index) => (flicker[index] ? { state: "unknown", turn_id: null } : node)),
            });
          }
          const steps = run(workers, script).steps.slice(prefix.length + 2);
          expect(steps.filter((step) => step.decision?.should_ping)).toEqual([]);
        },
      ),
    );
  });

  it("without deliveries or worker turns (idle nodes keeping their turn ids) it never pings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("t1", "t2", null), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 600 }), unknown: fc.boolean() }), { maxLength: 40 }),
        (turns, ticks) => {
          const script: Action[] = ticks.map(({ dt, unknown }) => ({
            kind: "tick",
            dt,
            nodes: turns.map((turn_id) => (unknown ? { state: "unknown", turn_id: null } : { state: "idle", turn_id })),
          }));
          const steps = run(turns.length, script).steps;
          expect(steps.some((step) => step.decision?.should_ping)).toBe(false);
        },
      ),
    );
  });
});

describe("activeSeconds property", () => {
  it("equals the idle seconds not covered by any suspend interval (brute force on whole seconds)", () => {
    const span = fc.tuple(fc.integer({ min: -20, max: 220 }), fc.integer({ min: -20, max: 220 }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 200 }),
        fc.array(span, { maxLength: 6 }),
        (start, now, spans) => {
          let expected = 0;
          for (let second = start; second < now; second += 1) {
            if (!spans.some(([from, to]) => from <= second && second + 1 <= to)) expected += 1;
          }
          const intervals = spans.map(([from, to]) => ({ start: at(from), end: at(to) }));
          expect(activeSeconds(at(start), at(now), intervals)).toBe(expected);
        },
      ),
    );
  });
});
