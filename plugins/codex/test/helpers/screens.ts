/**
 * Recorded Codex 0.169.0 screens: tmux-prompt's recordings (its test/fixtures/screens) and ours
 * (test/fixtures/screens), each with the kind its .meta.json expects.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

const DIRS = [
  new URL("../../../../packages/tmux-prompt/test/fixtures/screens/", import.meta.url),
  new URL("../fixtures/screens/", import.meta.url),
];

export interface Meta {
  expected_kind: string;
  pane_width?: number;
  workspace_path?: string;
}

export interface Screen {
  name: string;
  file: string;
  text: string;
  meta: Meta;
}

export function codexScreens(): Screen[] {
  const screens: Screen[] = [];
  for (const dir of DIRS) {
    if (!existsSync(dir)) continue;
    for (const metaFile of readdirSync(dir)
      .filter((f) => /^codex-0\.169\.0-.*\.meta\.json$/.test(f))
      .sort()) {
      const name = metaFile.slice(0, -".meta.json".length);
      const meta = JSON.parse(readFileSync(new URL(metaFile, dir), "utf8")) as Meta;
      for (const suffix of [".txt", ".ansi.txt"]) {
        const url = new URL(name + suffix, dir);
        if (existsSync(url)) screens.push({ name, file: name + suffix, text: readFileSync(url, "utf8"), meta });
      }
    }
  }
  return screens;
}
