import { z } from 'zod';
import { boundedArray, checkWithZod, isObject, type SchemaResult } from './issues';

// GitHub webhook envelopes for push, pull_request and ping, after GitHub's documented payloads
// (checked against octokit/webhooks payload examples in test/fixtures/github). GitHub
// names the event in the X-GitHub-Event header, which a schema check does not see, so the
// event is inferred from the body's shape; other events get no schema ('none') rather than a
// false 'invalid'. Unknown fields are allowed (and not walked): GitHub adds fields all the time.

/** A user or bot as GitHub embeds it (sender, owner, PR author). */
const User = z.object({ login: z.string(), id: z.number() });

const Repository = z.object({
  id: z.number(),
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  owner: User,
  html_url: z.string(),
});

const GitActor = z.object({ name: z.string(), email: z.string().nullable().optional() });

const Commit = z.object({
  id: z.string(),
  tree_id: z.string(),
  distinct: z.boolean(),
  message: z.string(),
  timestamp: z.string(),
  url: z.string(),
  author: GitActor,
  committer: GitActor,
  added: boundedArray(z.string()).optional(),
  removed: boundedArray(z.string()).optional(),
  modified: boundedArray(z.string()).optional(),
});

export const GitHubPush = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  base_ref: z.string().nullable(),
  compare: z.string(),
  commits: boundedArray(Commit),
  head_commit: Commit.nullable(),
  pusher: GitActor,
  repository: Repository,
  sender: User.optional(),
});

const Branch = z.object({ ref: z.string(), sha: z.string() });

export const GitHubPullRequest = z.object({
  action: z.string(),
  number: z.number(),
  pull_request: z.object({
    id: z.number(),
    number: z.number(),
    state: z.enum(['open', 'closed']),
    title: z.string(),
    user: User,
    html_url: z.string(),
    head: Branch,
    base: Branch,
  }),
  repository: Repository,
  sender: User,
});

// Repository and organization hooks send a repository or an organization; app hooks neither.
export const GitHubPing = z.object({
  zen: z.string(),
  hook_id: z.number(),
  hook: z.object({
    type: z.string(),
    id: z.number(),
    active: z.boolean(),
    events: boundedArray(z.string()),
    config: z.object({}),
  }),
  repository: Repository.optional(),
  sender: User.optional(),
});

/** The GitHub event a body is shaped like, among those with a built-in schema. */
export function gitHubEventOf(json: unknown): 'push' | 'pull_request' | 'ping' | null {
  if (!isObject(json)) return null;
  if ('zen' in json && 'hook_id' in json) return 'ping';
  if ('ref' in json && 'commits' in json) return 'push';
  // pull_request_review(_comment|_thread) bodies also carry pull_request and action.
  if ('pull_request' in json && 'action' in json) {
    return 'review' in json || 'comment' in json || 'thread' in json ? null : 'pull_request';
  }
  return null;
}

/** Checks a GitHub webhook body against the schema of the event it is shaped like. */
export function checkGitHub(json: unknown): SchemaResult {
  switch (gitHubEventOf(json)) {
    case 'push':
      return checkWithZod('GitHub push', GitHubPush, json);
    case 'pull_request':
      return checkWithZod('GitHub pull_request', GitHubPullRequest, json);
    case 'ping':
      return checkWithZod('GitHub ping', GitHubPing, json);
    default:
      return { status: 'none' };
  }
}
