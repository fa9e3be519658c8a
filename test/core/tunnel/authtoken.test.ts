import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authtokenFromNgrokYml,
  ngrokConfigPaths,
  resolveAuthtoken,
  type AuthtokenLookup,
} from '../../../src/core/tunnel/authtoken';
import { tempDir } from '../../helpers/engine';

let home: { dir: string; cleanup: () => void };
beforeEach(() => {
  home = tempDir('hookscope-home-');
});
afterEach(() => home.cleanup());

function writeConfig(rel: string, text: string): string {
  const file = join(home.dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const linux = (env: NodeJS.ProcessEnv = {}): AuthtokenLookup => ({
  env,
  homeDir: home.dir,
  platform: 'linux',
});

describe('authtoken resolution order', () => {
  it('prefers settings, then NGROK_AUTHTOKEN, then ngrok.yml, and says which', () => {
    const file = writeConfig(
      '.config/ngrok/ngrok.yml',
      'version: "3"\nagent:\n  authtoken: from-yml\n',
    );
    const env = { NGROK_AUTHTOKEN: ' from-env ' };
    expect(resolveAuthtoken('from-settings', linux(env))).toEqual({
      token: 'from-settings',
      source: 'settings',
    });
    expect(resolveAuthtoken(null, linux(env))).toEqual({ token: 'from-env', source: 'env' });
    expect(resolveAuthtoken(null, linux({ NGROK_AUTHTOKEN: '  ' }))).toEqual({
      token: 'from-yml',
      source: 'ngrok-config',
      path: file,
    });
    home.cleanup();
    expect(resolveAuthtoken(null, linux())).toBeNull();
  });

  it('falls back to the legacy ~/.ngrok2/ngrok.yml and honours XDG_CONFIG_HOME', () => {
    const legacy = writeConfig('.ngrok2/ngrok.yml', 'authtoken: legacy-token\n');
    expect(resolveAuthtoken(null, linux())).toMatchObject({ token: 'legacy-token', path: legacy });
    const xdg = writeConfig('xdg/ngrok/ngrok.yml', 'agent:\n    authtoken: xdg-token\n');
    expect(resolveAuthtoken(null, linux({ XDG_CONFIG_HOME: join(home.dir, 'xdg') }))).toMatchObject(
      { token: 'xdg-token', path: xdg },
    );
  });

  it('skips a config file without a token and goes on to the next one', () => {
    writeConfig('.config/ngrok/ngrok.yml', 'version: "3"\nagent:\n  region: eu\n');
    writeConfig('.ngrok2/ngrok.yml', 'authtoken: second\n');
    expect(resolveAuthtoken(null, linux())?.token).toBe('second');
  });

  it('knows the platform locations', () => {
    expect(ngrokConfigPaths({ env: {}, homeDir: '/Users/ann', platform: 'darwin' })).toEqual([
      '/Users/ann/Library/Application Support/ngrok/ngrok.yml',
      '/Users/ann/.ngrok2/ngrok.yml',
    ]);
    expect(ngrokConfigPaths({ env: {}, homeDir: '/home/ann', platform: 'linux' })).toEqual([
      '/home/ann/.config/ngrok/ngrok.yml',
      '/home/ann/.ngrok2/ngrok.yml',
    ]);
    expect(ngrokConfigPaths({ env: {}, homeDir: 'C:\\Users\\ann', platform: 'win32' })).toEqual([
      'C:\\Users\\ann\\AppData\\Local\\ngrok\\ngrok.yml',
      'C:\\Users\\ann\\.ngrok2\\ngrok.yml',
    ]);
    expect(
      ngrokConfigPaths({
        env: { LOCALAPPDATA: 'D:\\Local' },
        homeDir: 'C:\\Users\\ann',
        platform: 'win32',
      })[0],
    ).toBe('D:\\Local\\ngrok\\ngrok.yml');
  });
});

describe('ngrok.yml line reader', () => {
  it.each([
    ['v3 as ngrok writes it', 'version: "3"\nagent:\n    authtoken: 2abcDEF_ghi\n', '2abcDEF_ghi'],
    ['v2 top level', 'version: "2"\nauthtoken: 2v2token\nregion: eu\n', '2v2token'],
    ['double quotes', 'agent:\n  authtoken: "quoted\\"tok"\n', 'quoted"tok'],
    ['single quotes', "authtoken: 'it''s'\n", "it's"],
    ['trailing comment', 'authtoken: tok123 # mine\n', 'tok123'],
    ['CRLF and BOM', '\uFEFFversion: 3\r\nagent:\r\n  authtoken: crlf\r\n', 'crlf'],
    ['comments and blank lines', '# ngrok\n\nagent:\n  # token below\n\n  authtoken: c1\n', 'c1'],
    ['v3 wins over a stale top-level one', 'authtoken: old\nagent:\n  authtoken: new\n', 'new'],
  ])('reads %s', (_name, text, token) => {
    expect(authtokenFromNgrokYml(text)).toBe(token);
  });

  it.each([
    ['no token', 'version: 3\nagent:\n  region: us\n'],
    ['an endpoint field, not the agent', 'endpoints:\n  - name: x\n    authtoken: nope\n'],
    ['a nested key deeper in agent', 'agent:\n  log:\n    authtoken: nope\n'],
    ['an empty value', 'authtoken:\n'],
    ['null', 'authtoken: null\n'],
    ['a flow mapping', 'agent: {authtoken: flow}\n'],
  ])('finds nothing in %s', (_name, text) => {
    expect(authtokenFromNgrokYml(text)).toBeNull();
  });
});
