import { describe, expect, it } from 'vitest';
import { shownDatabaseUrl } from '../../../src/core/store/database-url';

describe('a database URL as shown', () => {
  it('never shows the password, in any spelling, parsable or not', () => {
    const pw = 'Sup3rS3cretPW';
    const cases = [
      `postgres://hs:${pw}@127.0.0.1:5432/hs`,
      `postgres://hs@127.0.0.1:1/hs?password=${pw}`,
      `postgres://hs:${pw}@127.0.0.1/hs?sslmode=require&PASSWORD=${pw}`,
      `postgres://hs:${pw}@[::1/hs`,
      `postgres://hs:${pw}@127.0.0.1:99999/hs`,
      `mysql://hs:${pw}@db/hs`,
    ];
    for (const c of cases) expect(shownDatabaseUrl(c), c).not.toContain(pw);
    expect(shownDatabaseUrl(`postgres://hs:${pw}@db:5432/hs?password=${pw}&x=1`)).toBe(
      'postgres://hs:***@db:5432/hs?password=***&x=1',
    );
    expect(shownDatabaseUrl('postgres://hs@db/hs')).toBe('postgres://hs@db/hs');
  });
});
