// Real CLI screens recorded for @team-agent/tmux-prompt (see its test/fixtures/screens/README.md), read in place.
import { readFileSync } from "node:fs";

const SCREENS_DIR = new URL("../../../../tmux-prompt/test/fixtures/screens/", import.meta.url);

/** The plain-text capture of one recorded screen, e.g. `recordedScreen("codex-0.169.0-after-turn")`. */
export function recordedScreen(name: string): string {
  return readFileSync(new URL(`${name}.txt`, SCREENS_DIR), "utf8");
}
