import type { ReactNode } from 'react';

export type Tone = 'good' | 'bad' | 'warn' | 'muted' | 'info';

/** A small rounded status label; `title` explains it on hover. */
export function Pill({
  tone,
  title,
  children,
}: {
  tone: Tone;
  title?: string;
  children: ReactNode;
}) {
  return (
    <span className={`pill pill-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** What the "imported" tag on a list row and the detail means. */
export const IMPORTED_TITLE =
  'Imported from a HAR or NDJSON file: its verdicts (signature, duplicates, schema) are the ones it was exported with, not checked again now';
