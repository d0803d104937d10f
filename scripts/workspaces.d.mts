export declare const repoRoot: string;
export declare function listWorkspaces(): Array<{
  dir: string;
  manifest: { name: string; version: string; [key: string]: unknown };
}>;
