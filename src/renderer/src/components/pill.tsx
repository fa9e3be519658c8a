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
