import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * The dialog shell: a backdrop (a click on it closes), Escape closes, a header with the title,
 * a muted line, optional controls and ✕. Focus moves into the dialog when it opens and goes
 * back to where it was when it closes.
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
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
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
