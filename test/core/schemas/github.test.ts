import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../../src/core/schemas';
import { gitHubEventOf } from '../../../src/core/schemas/github';
import { clone, fixture } from './helpers';

const check = (json: unknown) => checkSchema('github', json);

describe('GitHub schemas', () => {
  it('accepts the real push, pull_request.opened and ping payloads', () => {
    expect(check(fixture('github', 'push.payload'))).toEqual({
      status: 'valid',
      name: 'GitHub push',
    });
    expect(check(fixture('github', 'pull_request.opened.payload'))).toEqual({
      status: 'valid',
      name: 'GitHub pull_request',
    });
    expect(check(fixture('github', 'ping.payload'))).toEqual({
      status: 'valid',
      name: 'GitHub ping',
    });
  });

  it('gives no schema (not a false invalid) to events it has none for', () => {
    for (const name of [
      'issues.opened.payload',
      'check_suite.requested.payload.with-email-with-special-characters',
      'workflow_run.completed.payload',
    ]) {
      expect(check(fixture('github', name))).toEqual({ status: 'none' });
    }
  });

  it('tells pull_request events from review events that also carry a pull_request', () => {
    const pr = fixture('github', 'pull_request.opened.payload');
    expect(gitHubEventOf(pr)).toBe('pull_request');
    const review = { ...clone(pr), action: 'submitted', review: { id: 1, state: 'approved' } };
    delete (review as Record<string, unknown>).number;
    expect(check(review)).toEqual({ status: 'none' });
    // create/delete events carry `ref` but no commits.
    expect(gitHubEventOf({ ref: 'v1', ref_type: 'tag' })).toBeNull();
  });

  it('accepts a push with commits', () => {
    const push = clone(fixture('github', 'push.payload'));
    const commit = {
      id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
      distinct: true,
      message: 'Update README.md',
      timestamp: '2019-05-15T15:20:30-05:00',
      url: 'https://github.com/Codertocat/Hello-World/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      author: { name: 'Codertocat', email: 'codertocat@example.com', username: 'Codertocat' },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: [],
      removed: [],
      modified: ['README.md'],
    };
    Object.assign(push, { ref: 'refs/heads/main', commits: [commit], head_commit: commit });
    expect(check(push).status).toBe('valid');
  });

  it('reports broken push, pull_request and ping bodies with their paths', () => {
    const push = clone(fixture('github', 'push.payload'));
    delete (push.repository as Record<string, unknown>).full_name;
    push.commits = [{ id: 'abc' }];
    const r = check(push);
    expect(r.status).toBe('invalid');
    expect(r.name).toBe('GitHub push');
    expect(r.issues).toContain('repository.full_name: required, expected string');
    expect(r.issues).toContain('commits[0].message: required, expected string');

    const pr = clone(fixture('github', 'pull_request.opened.payload'));
    (pr.pull_request as Record<string, unknown>).state = 'merged';
    expect(check(pr).issues).toEqual([
      'pull_request.state: expected "open" or "closed", received "merged"',
    ]);

    const ping = clone(fixture('github', 'ping.payload'));
    ping.hook_id = '109948940';
    expect(check(ping).issues).toEqual(['hook_id: expected number, received string']);
  });

  it('accepts an organization ping without a repository', () => {
    const ping = clone(fixture('github', 'ping.payload'));
    delete ping.repository;
    ping.organization = { login: 'Octocoders', id: 38302899 };
    expect(check(ping).status).toBe('valid');
  });
});
