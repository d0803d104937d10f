/**
 * The loop behind the long-running views (`status --watch`, `watch`): one frame per interval until Ctrl-C, which
 * ends the command normally (exit 0). `TEAM_AGENT_WATCH_ITERATIONS=N` stops after N frames (tests, scripts).
 */

export const WATCH_ITERATIONS_ENV = "TEAM_AGENT_WATCH_ITERATIONS";

export interface LiveOutcome {
  frames: number;
  interrupted: boolean;
}

/** The frame limit from the environment; null (no limit) when unset or not a positive whole number. */
export function frameLimit(env: NodeJS.ProcessEnv): number | null {
  const raw = env[WATCH_ITERATIONS_ENV];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  const limit = Number(raw);
  return limit > 0 ? limit : null;
}

export async function runLive(
  options: { intervalMs: number; env: NodeJS.ProcessEnv },
  frame: (index: number) => Promise<void> | void,
): Promise<LiveOutcome> {
  const limit = frameLimit(options.env);
  let interrupted = false;
  let wake: (() => void) | null = null;
  const onInterrupt = () => {
    interrupted = true;
    wake?.();
  };
  process.on("SIGINT", onInterrupt);
  let frames = 0;
  try {
    while (!interrupted) {
      await frame(frames);
      frames += 1;
      if (limit !== null && frames >= limit) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    process.off("SIGINT", onInterrupt);
  }
  return { frames, interrupted };
}
