// The vitest side of the team harness: harnesses made in a test are killed after it (kept apart so benchmarks can
// use the harness without loading vitest).
import { afterEach } from "vitest";
import { createTeamHarness, type HarnessTeamOptions, type TeamHarness } from "./team-harness.js";

/** For a test file: `const harnesses = useTeamHarness();` then `await harnesses.start(...)`; killed after each test. */
export function useTeamHarness(): {
  start(options?: HarnessTeamOptions): Promise<TeamHarness>;
  create(): Promise<TeamHarness>;
} {
  const open: TeamHarness[] = [];
  afterEach(async () => {
    const problems: unknown[] = [];
    for (const harness of open.splice(0).reverse()) {
      try {
        await harness.kill();
      } catch (error) {
        problems.push(error);
      }
    }
    if (problems.length > 0) throw new AggregateError(problems, "team harness cleanup failed");
  });
  const track = (harness: TeamHarness) => {
    open.push(harness);
    return harness;
  };
  return {
    async start(options) {
      const harness = track(await createTeamHarness());
      await harness.startTeam(options);
      return harness;
    },
    async create() {
      return track(await createTeamHarness());
    },
  };
}
