/**
 * The lead's skill is installed by the CLI itself (`team-agent install-skill --target all`, which copies its
 * skill folder to ~/.claude/skills/team-agent and ~/.codex/skills/team-agent and backs up what it overwrites).
 * The installer asks for a dry run first, to know which files are new, which change and which folders will be
 * created, then records what the real run wrote.
 */
import { dirname, join } from "node:path";
import { z } from "zod";
import { type CliCommand, describeFailure, type InstallerContext, runTeamAgent } from "./context.js";
import { InstallerError } from "./envelope.js";
import { type Journal, missingDirs, sha256File } from "./manifest.js";

const skillReportSchema = z.object({
  targets: z.array(
    z.object({
      target: z.string(),
      dest: z.string(),
      files: z.array(
        z.object({
          file: z.string(),
          action: z.enum(["create", "update", "unchanged"]),
          backup: z.string().optional(),
        }),
      ),
    }),
  ),
});

export type SkillTargets = z.infer<typeof skillReportSchema>["targets"];

async function runInstallSkill(cli: CliCommand, context: InstallerContext, dryRun: boolean): Promise<SkillTargets> {
  const args = ["install-skill", "--target", "all", "--json", ...(dryRun ? ["--dry-run"] : [])];
  const run = await runTeamAgent(cli, args, context);
  const parsed = skillReportSchema.safeParse(run.envelope);
  if (run.process.code !== 0 || !parsed.success) {
    throw new InstallerError(
      "skill_install_failed",
      `team-agent install-skill failed: ${describeFailure(run)}`,
      "Run `team-agent install-skill --target all` to see the whole error, then install again.",
    );
  }
  return parsed.data.targets;
}

/** What installing the skill would do (the CLI's dry run). */
export const planSkill = (cli: CliCommand, context: InstallerContext): Promise<SkillTargets> =>
  runInstallSkill(cli, context, true);

export const skillChanges = (targets: SkillTargets): number =>
  targets.reduce((sum, target) => sum + target.files.filter((file) => file.action !== "unchanged").length, 0);

/** Installs the skill through the installed shim and records the folders and files it created or replaced. */
export async function installSkill(
  shim: CliCommand,
  context: InstallerContext,
  plan: SkillTargets,
  journal: Journal,
): Promise<SkillTargets> {
  const newDirs = new Set<string>();
  for (const target of plan) {
    for (const file of target.files) {
      if (file.action === "create")
        for (const dir of missingDirs(dirname(join(target.dest, file.file)))) newDirs.add(dir);
    }
  }
  const done = await runInstallSkill(shim, context, false);
  for (const dir of [...newDirs].sort()) journal.recordDir(dir);
  for (const target of done) {
    for (const file of target.files) {
      if (file.action === "unchanged") continue;
      const path = join(target.dest, file.file);
      journal.recordWrite(path, sha256File(path) ?? "", file.backup ?? null);
    }
  }
  return done;
}
