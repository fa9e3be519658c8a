import { useEffect, useRef, type RefObject } from 'react';

/**
 * After a failed save, brings the form's first failing field into view with its label and
 * focuses its input (or, when no field is at fault, the form's message: `fallback`, a selector).
 * Runs when `errors` changes to a non-empty set.
 */
export function useFirstErrorInView(
  errors: Record<string, string | undefined>,
  fallback?: string,
): RefObject<HTMLFormElement | null> {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!form || Object.values(errors).every((e) => !e)) return;
    const field = form.querySelector<HTMLElement>('.field-error');
    const target = field ?? (fallback ? form.querySelector<HTMLElement>(fallback) : null);
    target?.scrollIntoView({ block: 'start' });
    field?.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
  }, [errors, fallback]);
  return formRef;
}
