/** How long a test waits for a condition unless it says otherwise. */
export const DEFAULT_DEADLINE_MS = 30_000;

/**
 * Polls `condition` until it holds; throws once `timeoutMs` has passed. A condition may itself throw to give up
 * early (for instance when the process it waits on has exited).
 */
export async function waitFor(condition: () => boolean, label: string, timeoutMs = DEFAULT_DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
