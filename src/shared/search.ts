/** Search covers the first this many bytes of a body's text (decoded when gzip, deflate, br). */
export const SEARCH_BODY_BYTES = 1024 * 1024;

/** How a search is read, in one line: the search box's hint (the README says the same). */
export const SEARCH_HINT =
  'words match whole words · "quoted phrase" · pre* for a prefix · path: header: body: to pick a field';
