import {
  useEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
} from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), ' +
  'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keeps Tab and Shift+Tab inside the dialog (it is modal: the page behind is inert). */
function trapTab(e: ReactKeyboardEvent<HTMLDivElement>): void {
  if (e.key !== 'Tab') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const at = document.activeElement;
  if (e.shiftKey && (at === first || at === e.currentTarget)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && at === last) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * The dialog shell: a backdrop (a click on it closes), Escape closes, a header with the title,
 * a muted line, optional controls and ✕. Focus moves into the dialog when it opens, Tab
 * stays inside it, and focus goes back to where it was when it closes.
 */
export function Modal({
  title,
  subtitle,
  testId,
  className,
  head,
  onClose,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  testId: string;
  className?: string;
  /** Controls in the header, before ✕. */
  head?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  // Read while rendering, before an autofocused field inside takes the focus.
  const [opener] = useState(() => document.activeElement);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  useEffect(() => {
    if (box.current && !box.current.contains(document.activeElement)) box.current.focus();
    return () => {
      // Only when the focus went down with the dialog: not when another dialog took it.
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost && opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [opener]);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={box}
        className={className ? `modal ${className}` : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={trapTab}
      >
        <header className="modal-head">
          <h2>{title}</h2>
          {subtitle && <span className="muted">{subtitle}</span>}
          <span className="toolbar-spacer" />
          {head}
          <button type="button" className="btn" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
