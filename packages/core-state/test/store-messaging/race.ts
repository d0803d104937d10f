import { ChildPool, fixtureScript } from "../helpers/children.js";

const RACE_CHILD = fixtureScript("messaging/race-child.ts");

export interface RacerOutcome {
  code: number | null;
  stderr: string;
  /** The racer's JSON result line. */
  result: Record<string, unknown> & { events: string[] };
}

/**
 * Runs one race-child.ts per argument list, all released at the same moment once each has opened the store, and
 * collects their results. `timeoutMs` bounds each phase (all ready, all exited); every child is gone when this
 * returns or throws.
 */
export async function race(argLists: string[][], timeoutMs = 45_000): Promise<RacerOutcome[]> {
  const pool = new ChildPool();
  try {
    const racers = await pool.startTogether(RACE_CHILD, argLists, timeoutMs);
    const exits = await Promise.all(racers.map((racer) => racer.waitForExit(timeoutMs)));
    return racers.map((racer, index) => {
      const result = racer.jsonLines().find((line) => !("ready" in line)) as RacerOutcome["result"] | undefined;
      return {
        code: exits[index]?.code ?? null,
        stderr: racer.stderr,
        result: result ?? { events: [], unparsed: racer.lines },
      };
    });
  } finally {
    await pool.killAll();
  }
}
