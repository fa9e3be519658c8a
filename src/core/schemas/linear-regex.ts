import { RE2JS } from 're2js';

/**
 * JSON Schema `pattern` and `patternProperties` run on RE2 (re2js, pure JavaScript), whose
 * matching time is linear in the input whatever the pattern: `^(a|a)*$` on "aaaa…!" costs
 * microseconds, where V8's backtracking engine takes exponential time. No guard that guesses
 * which patterns are slow is needed (safe-regex2's star-height check let `^(a|a)*$` through).
 *
 * Patterns are ECMAScript regexes (JSON Schema says so, with the `u` flag as ajv uses them);
 * they are translated so that RE2 gives the same answers: `.` and `\s`/`\S` get JavaScript's
 * meaning (RE2's `.` matches `\r`, its `\s` is ASCII only), `[\b]` is a backspace. What RE2
 * cannot do in linear time (lookahead, lookbehind, backreferences) is refused with why.
 */

/** JavaScript's `\s` (WhiteSpace and LineTerminator), as the inside of an RE2 class. */
const WS =
  '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

const unsupported = (what: string): { error: string } => ({
  error: `it uses ${what}, which the linear-time regex engine does not support (Hookscope runs patterns on RE2 so that no body can make a check slow): rewrite the pattern without it`,
});

/**
 * The RE2 source for an ECMAScript pattern, or why it cannot have one. The pattern must
 * already be a valid `u`-mode JavaScript regex (so escapes and classes are well-formed).
 */
function translate(pattern: string): { source: string } | { error: string } {
  let out = '';
  let cls: { negated: boolean; body: string; notWs: boolean } | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      i++;
      if (cls) {
        if (n === 's') cls.body += WS;
        else if (n === 'S') cls.notWs = true;
        else if (n === 'b') cls.body += '\\x08';
        else cls.body += c + n;
        continue;
      }
      if (n >= '1' && n <= '9') return unsupported(`a backreference (\\${n})`);
      if (n === 'k') return unsupported('a named backreference (\\k<...>)');
      if (n === 's') out += `[${WS}]`;
      else if (n === 'S') out += `[^${WS}]`;
      else out += c + n;
      continue;
    }
    if (cls) {
      if (c !== ']') {
        cls.body += c;
        continue;
      }
      const { negated, body, notWs } = cls;
      cls = null;
      if (!notWs) out += `[${negated ? '^' : ''}${body}]`;
      else if (negated) return unsupported('\\S inside a negated class ([^...\\S...])');
      else out += body === '' ? `[^${WS}]` : `(?:[${body}]|[^${WS}])`;
      continue;
    }
    if (c === '[') {
      const negated = pattern[i + 1] === '^';
      if (negated) i++;
      cls = { negated, body: '', notWs: false };
    } else if (c === '(' && pattern[i + 1] === '?') {
      const a = pattern[i + 2];
      const b = pattern[i + 3];
      if (a === '=' || a === '!') return unsupported(`a lookahead ((?${a}...))`);
      if (a === '<' && (b === '=' || b === '!')) return unsupported(`a lookbehind ((?<${b}...))`);
      out += c;
    } else if (c === '.') out += DOT;
    else out += c;
  }
  return { source: out };
}

/** A compiled pattern as ajv uses it. */
export interface LinearRegExp {
  test(s: string): boolean;
  toString(): string;
}

/**
 * Compiles an ECMAScript pattern for linear-time matching. Throws a SyntaxError (ajv reports
 * it) for an invalid regex, or one RE2 cannot run; `linearPatternProblem` says why in words.
 */
export function compileLinear(pattern: string): LinearRegExp {
  // Invalid JavaScript regexes get V8's own message ("Invalid regular expression: ...").
  new RegExp(pattern, 'u');
  const t = translate(pattern);
  if ('error' in t) throw new SyntaxError(`pattern ${JSON.stringify(pattern)}: ${t.error}`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(t.source));
  } catch (err) {
    throw new SyntaxError(
      `pattern ${JSON.stringify(pattern)} is not supported by the linear-time regex engine: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { test: (s) => re.test(s), toString: () => `/${pattern}/u` };
}

/** ajv's `code.regExp`: every user pattern runs on RE2. */
export const linearRegExpEngine = Object.assign((pattern: string) => compileLinear(pattern), {
  code: 'hookscope.compileLinear',
});

/**
 * Why a pattern cannot be used, in words naming it, or null. Invalid JavaScript regexes give
 * null: ajv's compile says what is wrong with them.
 */
export function linearPatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return null;
  }
  const shown = JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern);
  const t = translate(pattern);
  if ('error' in t) return `the pattern ${shown} cannot be used: ${t.error}`;
  try {
    RE2JS.compile(RE2JS.translateRegExp(t.source));
  } catch (err) {
    return `the pattern ${shown} cannot be used: the linear-time regex engine does not support it (${(err as Error).message})`;
  }
  return null;
}
