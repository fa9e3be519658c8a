/**
 * Where a forward, a redrive or a replay goes: one rule for all three, shared with the UI so it
 * shows the URL before anything is sent.
 *
 * The URL is the target's origin and path, then the part of the request's path after the
 * endpoint's prefix (`/stripe/events` on endpoint `/stripe` → `<target>/events`), then the
 * request's query. The suffix is public text and is never resolved: a suffix that the target,
 * or anything between it and its handler, could read as a different path is refused, not
 * rewritten. Refused, in any spelling (raw, percent-encoded once or several times, with `;`
 * parameters, fullwidth forms): a dot segment (`.`, `..`, `%2e%2E`, `.%2e`, `..;`, `...`), a
 * backslash, IIS's non-standard `%u002e` form, a slash inside a segment (`%2f`), a control character or NUL, an empty segment
 * (`//`, which some servers read as a new host), bytes that are not UTF-8 once decoded (overlong
 * forms such as `%c0%ae`), and more than three layers of percent-encoding. A last check makes
 * sure the URL produced is still under the target's origin and path.
 */

/** The URL to send to, or why nothing is sent. */
export type ForwardUrl = { ok: true; url: string } | { ok: false; refused: string };

export interface ForwardUrlInput {
  /** The forward target (an endpoint's `forwardTo`) or a replay's `targetUrl`: a base. */
  target: string;
  /** The endpoint's path prefix (`/` for the default endpoint). */
  endpointPath: string;
  /** The request's path as received (still percent-encoded), or as edited for a replay. */
  path: string;
  /** The request's query without `?` ('' when none). */
  query: string;
  /** How the path is named in a refusal; default "received path". */
  pathLabel?: string;
  /** How the target is named in a refusal; default "forward target". */
  targetLabel?: string;
}

/** Layers of percent-encoding undone when looking for a hidden dot, slash or control byte. */
const MAX_LAYERS = 3;
const PCT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** IIS's non-standard `%u002e` form, which such a server decodes to a dot or a slash. */
const PCT_U = /%u[0-9A-Fa-f]{4}/;

/** Undoes one layer of percent-encoding; null when the bytes are not UTF-8 (overlong forms too). */
function decodeOnce(text: string): string | null {
  try {
    return text.replace(PCT_RUN, (run) => decodeURIComponent(run));
  } catch {
    return null;
  }
}

/** What is wrong with one layer of a segment's text, or null. */
function layerProblem(text: string, decoded: boolean): string | null {
  for (const t of [text, text.normalize('NFKC')]) {
    if (CONTROL.test(t)) return 'control character';
    if (PCT_U.test(t)) return 'non-standard %u encoding';
    if (t.includes('\\')) return 'backslash';
    if (t.includes('/')) return decoded ? 'encoded slash' : 'slash in another spelling';
    const bare = t.split(';')[0]!;
    if (bare.includes('.') && /^[.\s]*$/.test(bare)) return 'dot segment';
  }
  return null;
}

/** What is wrong with a path segment (as received), or null when it is plain text. */
function segmentProblem(segment: string): string | null {
  let text = segment;
  for (let layer = 0; ; layer++) {
    const problem = layerProblem(text, layer > 0);
    if (problem) return problem;
    const next = decodeOnce(text);
    if (next === null) return 'invalid or overlong UTF-8';
    if (next === text) return null;
    if (layer === MAX_LAYERS) return `percent-encoded more than ${MAX_LAYERS} times`;
    text = next;
  }
}

/** Public text as shown in a refusal: control characters escaped, at most 200 characters. */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return safe.length > 200 ? `${safe.slice(0, 200)}…` : safe;
}

/** The part of `path` after the endpoint's prefix ('' or starting with `/`), or null. */
function suffixOf(path: string, endpointPath: string): string | null {
  if (endpointPath === '/') return path;
  if (path === endpointPath) return '';
  return path.startsWith(`${endpointPath}/`) ? path.slice(endpointPath.length) : null;
}

/** Why a suffix is refused, or null when it may be appended. */
function suffixProblem(suffix: string): string | null {
  if (suffix !== '' && !suffix.startsWith('/')) return 'no leading /';
  const segments = suffix.slice(1).split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '') {
      if (i < segments.length - 1) return 'empty segment "//"';
      continue;
    }
    const problem = segmentProblem(segment);
    if (problem) return `${problem} "${shown(segment)}"`;
  }
  return null;
}

/** The URL a forward, redrive or replay is sent to (see the file's comment), or the refusal. */
export function forwardUrl(input: ForwardUrlInput): ForwardUrl {
  const pathLabel = input.pathLabel ?? 'received path';
  const targetLabel = input.targetLabel ?? 'forward target';
  let url: URL;
  try {
    url = new URL(input.target);
  } catch {
    return { ok: false, refused: `the ${targetLabel} "${shown(input.target)}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, refused: `the ${targetLabel} must be an http or https URL` };
  }
  const origin = url.origin;
  const base = url.pathname;
  const prefix = base.replace(/\/$/, '');
  const path = shown(input.path);
  const suffix = suffixOf(input.path, input.endpointPath);
  if (suffix === null) {
    return {
      ok: false,
      refused: `refused: the ${pathLabel} ${path} is not under the endpoint's path ${input.endpointPath}, so there is no part of it to add to the ${targetLabel}`,
    };
  }
  const problem = suffixProblem(suffix);
  if (problem) {
    return {
      ok: false,
      refused: `refused: the ${pathLabel} ${path} would leave the ${targetLabel}'s path ${base} (${problem})`,
    };
  }
  if (suffix !== '' && suffix !== '/') url.pathname = prefix + suffix;
  if (input.query) url.search = url.search ? `${url.search}&${input.query}` : `?${input.query}`;
  // The last check: same origin, under the prefix, and no segment added or lost on the way.
  const under =
    url.pathname === base ||
    (url.pathname.startsWith(`${prefix}/`) &&
      url.pathname.slice(prefix.length).split('/').length === suffix.split('/').length);
  if (url.origin !== origin || !under) {
    return {
      ok: false,
      refused: `refused: the ${pathLabel} ${path} would leave the ${targetLabel} ${origin}${base}`,
    };
  }
  return { ok: true, url: url.toString() };
}
