/** Where everything goes, from HOME, the XDG variables and the --bin-dir / --data-dir options. */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

export interface InstallerPaths {
  home: string;
  /** Runtime versions, provider plugins and the install manifest. */
  dataDir: string;
  runtimeRoot: string;
  /** Symlink to the active runtime version; the shim runs through it. */
  currentLink: string;
  manifestFile: string;
  /** The npm prefix third-party provider plugins are installed into. */
  providersDir: string;
  /** The user config the CLI reads `provider_paths` from. */
  configFile: string;
  binDir: string;
  shim: string;
}

/** `~` and `~/x` → under `home`; anything else is resolved against `cwd`. */
export function expandHome(path: string, home: string, cwd: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return resolve(cwd, path);
}

/** An XDG base directory: the variable when it holds an absolute path (as the spec requires), else the fallback. */
function xdgDir(value: string | undefined, fallback: string): string {
  return value !== undefined && isAbsolute(value) ? value : fallback;
}

export function resolvePaths(
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: { binDir: string | null; dataDir: string | null },
): InstallerPaths {
  const home = env["HOME"] || homedir();
  const dataDir =
    options.dataDir !== null
      ? expandHome(options.dataDir, home, cwd)
      : join(xdgDir(env["XDG_DATA_HOME"], join(home, ".local", "share")), "team-agent");
  const binDir = options.binDir !== null ? expandHome(options.binDir, home, cwd) : join(home, ".local", "bin");
  const runtimeRoot = join(dataDir, "runtime");
  return {
    home,
    dataDir,
    runtimeRoot,
    currentLink: join(runtimeRoot, "current"),
    manifestFile: join(dataDir, "install-manifest.json"),
    providersDir: join(dataDir, "providers"),
    configFile: join(xdgDir(env["XDG_CONFIG_HOME"], join(home, ".config")), "team-agent", "config.json"),
    binDir,
    shim: join(binDir, "team-agent"),
  };
}

/** A path for people: under HOME it is written `~/…`. */
export function displayPath(path: string, home: string): string {
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}
