/**
 * Whether `claude --resume <id>` can work for a worker: the transcript must exist under the worker's cwd (in any
 * encoding of it), belong to that cwd and hold a prompt. Given an id the CLI does not know, `--resume` does not
 * start the session, so the runtime refuses up front with everything needed to see why.
 */
import { join } from "node:path";
import { fileExistsSync, readHeadTextSync } from "./files.js";
import { summarizeHead } from "./head.js";
import { cwdMatches } from "./paths.js";
import { projectDirNames } from "./project-dir.js";

export interface ResumeDiagnostic {
  expected_session_id: string;
  spawn_cwd: string;
  projects_root: string;
  encoded_dir_names: string[];
  paths_checked: { path: string; exists: boolean }[];
  /** Why the first existing file was not usable, when one existed. */
  problem: "no_transcript" | "cwd_mismatch" | "no_user_prompt" | null;
}

export function checkResumable(
  sessionId: string,
  spawnCwd: string,
  projectsRoot: string,
): { ok: boolean; diagnostic: ResumeDiagnostic } {
  const names = projectDirNames(spawnCwd);
  const diagnostic: ResumeDiagnostic = {
    expected_session_id: sessionId,
    spawn_cwd: spawnCwd,
    projects_root: projectsRoot,
    encoded_dir_names: names,
    paths_checked: [],
    problem: "no_transcript",
  };
  for (const name of names) {
    const path = join(projectsRoot, name, `${sessionId}.jsonl`);
    const exists = fileExistsSync(path);
    diagnostic.paths_checked.push({ path, exists });
    if (!exists) continue;
    const head = summarizeHead(readHeadTextSync(path) ?? "");
    if (!cwdMatches(head.cwd, spawnCwd)) {
      diagnostic.problem = "cwd_mismatch";
      continue;
    }
    if (!head.hasUserPrompt) {
      diagnostic.problem = "no_user_prompt";
      continue;
    }
    diagnostic.problem = null;
    return { ok: true, diagnostic };
  }
  return { ok: false, diagnostic };
}
