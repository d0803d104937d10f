/**
 * The two state changes every take-over rule is built from. Internal (not re-exported by index.ts): they mutate a
 * state the caller has already copied with `normalizeMonitorState`.
 */
import type { TakeoverMonitorState } from "./monitor-state.js";

/** The all-idle episode is over: the next all-idle tick starts a new one, which may be pinged again. */
export function endEpisode(state: TakeoverMonitorState): void {
  state.all_idle_since = null;
  state.pinged_for_episode = null;
}

/** New work (a delivery or a new worker turn): arm, lift any acknowledgement and end the current episode. */
export function armForNewWork(state: TakeoverMonitorState): void {
  state.opened_worker_turn_since_ack = true;
  state.suppressed = false;
  endEpisode(state);
}
