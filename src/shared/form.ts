/**
 * Reading `application/x-www-form-urlencoded` bodies with bounded work. A 25 MB body of
 * `&a=&a=…` holds 12 million fields: parsing, keeping and sorting them all held the receiver's
 * thread for seconds. Like servers do (qs `parameterLimit` 1000, PHP `max_input_vars` 1000),
 * only the first MAX_FORM_FIELDS fields are read, and the caller is told there were more so
 * it can say what was not checked or shown. Senders of form webhooks (Twilio, Mailgun, Slack)
 * send a few dozen.
 */

/** The most form fields read from one body. */
export const MAX_FORM_FIELDS = 1000;

export interface FormFields {
  /** The first fields in order, decoded (`+` as space), duplicates kept. */
  fields: [string, string][];
  /** True when the body holds more fields than were read. */
  more: boolean;
}

/**
 * The first `max` fields of a form-encoded text. Work is bounded by the fields read: the text
 * is cut after the `max`-th `&` before it is decoded.
 */
export function readFormFields(text: string, max = MAX_FORM_FIELDS): FormFields {
  let pos = 0;
  for (let n = 0; n < max; n++) {
    const amp = text.indexOf('&', pos);
    if (amp === -1) return { fields: [...new URLSearchParams(text).entries()], more: false };
    pos = amp + 1;
  }
  const fields = [...new URLSearchParams(text.slice(0, pos - 1)).entries()];
  // Trailing separators (`a=1&`) are not fields.
  return { fields, more: /[^&]/.test(text.slice(pos)) };
}
