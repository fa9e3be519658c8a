import type { EngineOptions } from '../core/engine';
import type { SecretStore } from '../core/secrets';

/** The receiver's port in the desktop app; a free one is taken when it is busy. */
export const DESKTOP_RECEIVER_PORT = 7700;

/** The log's folder: HOOKSCOPE_DATA_DIR when set (as for `hookscope serve`), else userData. */
export function desktopDataDir(userData: string, env: NodeJS.ProcessEnv): string {
  return env.HOOKSCOPE_DATA_DIR || userData;
}

/**
 * The engine's options in the desktop app. HOOKSCOPE_SQLITE_BINDING (set by `npm start`) is a
 * better-sqlite3 addon built for Electron's ABI, kept apart from the Node build `npm test`
 * uses; without it (the packaged app, whose copy electron-builder's afterPack hook replaced
 * with an Electron build) better-sqlite3 loads its default binding.
 */
export function desktopEngineOptions(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  secretStore: SecretStore,
): EngineOptions {
  const nativeBinding = env.HOOKSCOPE_SQLITE_BINDING;
  return {
    dataDir,
    receiverPort: DESKTOP_RECEIVER_PORT,
    fallbackToFreePort: true,
    secretStore,
    ...(nativeBinding ? { nativeBinding } : {}),
  };
}
