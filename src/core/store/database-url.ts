/**
 * A database URL as it may be shown (the ready line, errors, logs): never its password, in any
 * spelling — `user:password@`, a `password=` parameter, or a URL too broken to parse.
 */
export function shownDatabaseUrl(text: string): string {
  return text
    .replace(/(\/\/[^/?#@]*?:)[^/?#@]*@/, '$1***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}
