import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import type { AuthtokenSource } from '../../shared/model';

/** Where to look for an authtoken besides the saved settings (injectable for tests). */
export interface AuthtokenLookup {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  platform: NodeJS.Platform;
}

/** The current process's environment, home folder and platform. */
export function systemLookup(): AuthtokenLookup {
  return { env: process.env, homeDir: homedir(), platform: process.platform };
}

/** An authtoken and where it was found. */
export interface ResolvedAuthtoken {
  token: string;
  source: AuthtokenSource;
  /** The ngrok config file it was read from (source `ngrok-config`). */
  path?: string;
}

/**
 * The ngrok agent's config files, in the order the agent itself prefers them: the v3 default
 * location for the platform, then the legacy v2 `~/.ngrok2/ngrok.yml`.
 */
export function ngrokConfigPaths(lookup: AuthtokenLookup): string[] {
  const { env, homeDir, platform } = lookup;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || win32.join(homeDir, 'AppData', 'Local');
    return [win32.join(local, 'ngrok', 'ngrok.yml'), win32.join(homeDir, '.ngrok2', 'ngrok.yml')];
  }
  const legacy = posix.join(homeDir, '.ngrok2', 'ngrok.yml');
  if (platform === 'darwin') {
    return [posix.join(homeDir, 'Library', 'Application Support', 'ngrok', 'ngrok.yml'), legacy];
  }
  const config = env.XDG_CONFIG_HOME || posix.join(homeDir, '.config');
  return [posix.join(config, 'ngrok', 'ngrok.yml'), legacy];
}

/**
 * The authtoken to use, in order: the one saved in Hookscope's settings, NGROK_AUTHTOKEN, the
 * ngrok agent's config file. Null when there is none. Never throws (an unreadable config file
 * counts as absent).
 */
export function resolveAuthtoken(
  saved: string | null,
  lookup: AuthtokenLookup,
): ResolvedAuthtoken | null {
  if (saved) return { token: saved, source: 'settings' };
  const fromEnv = lookup.env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  for (const path of ngrokConfigPaths(lookup)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const token = authtokenFromNgrokYml(text);
    if (token) return { token, source: 'ngrok-config', path };
  }
  return null;
}

/**
 * The authtoken in an ngrok.yml: `agent: authtoken:` (v3) or a top-level `authtoken:` (v2).
 *
 * A line reader rather than a YAML library: ngrok writes this file itself
 * (`ngrok config add-authtoken`) with one plain `key: value` per line, and we need a single
 * scalar from it. Adding a YAML parser for that would put a dependency in the desktop app and
 * the CLI for no gain. Handled: comments, single/double quotes, CRLF, a BOM, any indentation
 * of the `agent:` block. Anything more exotic (flow maps, anchors, block scalars) reads as "no
 * token", which falls through to the next source.
 */
export function authtokenFromNgrokYml(text: string): string | null {
  let topLevel: string | null = null;
  let agent: string | null = null;
  let inAgent = false;
  let agentIndent = -1;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---') continue;
    const m = /^( *)([A-Za-z0-9_-]+|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+(.*))?$/.exec(raw);
    const indent = raw.length - raw.trimStart().length;
    if (indent === 0) {
      inAgent = false;
      if (!m) continue;
      const key = unquote(m[2]!);
      const value = m[3] === undefined ? null : scalar(m[3]);
      if (key === 'authtoken') topLevel = value;
      else if (key === 'agent' && value === null) {
        inAgent = true;
        agentIndent = -1;
      }
      continue;
    }
    if (!inAgent || !m) continue;
    if (agentIndent === -1) agentIndent = indent;
    if (indent === agentIndent && unquote(m[2]!) === 'authtoken' && m[3] !== undefined) {
      agent = scalar(m[3]);
    }
  }
  return agent || topLevel || null;
}

function unquote(key: string): string {
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

/** A YAML scalar on one line: quoted (with its escapes) or plain (up to a ` #` comment). */
function scalar(v: string): string | null {
  const s = v.trim();
  if (s.startsWith('"')) {
    const end = /^"((?:[^"\\]|\\.)*)"/.exec(s);
    return end ? end[1]!.replace(/\\(.)/g, '$1') || null : null;
  }
  if (s.startsWith("'")) {
    const end = /^'((?:[^']|'')*)'/.exec(s);
    return end ? end[1]!.replace(/''/g, "'") || null : null;
  }
  const plain = s.replace(/\s+#.*$/, '').trim();
  return plain === '' || plain.startsWith('#') || plain === '~' || plain === 'null' ? null : plain;
}
