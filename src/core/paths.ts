import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS's per-user app-data folder for Hookscope (the same place Electron's userData uses). */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (env.HOOKSCOPE_DATA_DIR) return env.HOOKSCOPE_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Hookscope');
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Hookscope');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Hookscope');
}
