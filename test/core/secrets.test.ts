import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine, testDir as dir } from '../helpers/engine';

describe('a secrets.json that cannot be read at start', () => {
  for (const [what, bytes] of [
    ['cut short by a crash', '{"ep_1":["whsec_abc","whs'],
    ['with a layout Hookscope never writes', '{"ep_1":"whsec_abc"}'],
    ['empty', ''],
  ] as const) {
    it(`${what}: is moved aside (never deleted), the start goes on and the user is told`, async () => {
      const d = dir();
      const file = join(d, 'secrets.json');
      writeFileSync(file, bytes);
      const t = await startEngine({ dataDir: d });
      try {
        const { notices } = await t.client.getStatus();
        expect(notices).toHaveLength(1);
        const [notice] = notices;
        expect(notice).toMatchObject({ code: 'secrets_recovered' });
        expect(notice!.path).toMatch(/secrets\.json\.corrupt-/);
        expect(notice!.message).toContain(`The secrets file ${file} could not be read (`);
        expect(notice!.message).toContain(`moved to ${notice!.path} (nothing was deleted)`);
        expect(notice!.message).toContain('signing secrets and the ngrok authtoken again');
        expect(readFileSync(notice!.path!, 'utf8')).toBe(bytes);
        expect(existsSync(file)).toBe(false);
        // Secrets can be entered again, into a fresh private file.
        const ep = await t.client.saveEndpoint({
          name: 'GitHub',
          path: '/gh',
          provider: 'github',
          secrets: ['whsec_new'],
        });
        expect(ep.secretCount).toBe(1);
        expect(Object.values(JSON.parse(readFileSync(file, 'utf8')))).toEqual([['whsec_new']]);
        if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      } finally {
        await t.engine.stop();
      }
      const again = await startEngine({ dataDir: d });
      expect((await again.client.getStatus()).notices).toEqual([]);
      await again.engine.stop();
    });
  }
});
