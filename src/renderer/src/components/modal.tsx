import {
  createContext,
  useContext,
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

/** What a form inside a dialog tells it, and how it asks the dialog to close. */
interface ModalGuard {
  /** The form has edits that closing would throw away (false again when it goes). */
  report: (unsaved: boolean) => void;
  /** Closes the dialog, asking first when edits would be lost. */
  requestClose: () => void;
}

const GuardContext = createContext<ModalGuard | null>(null);

/**
 * Tells the dialog around this form whether it holds unsaved edits: while it does, Escape, a
 * click on the backdrop, ✕ and the dialog's own Close ask before closing. Outside a dialog:
 * nothing.
 */
export function useUnsavedEdits(unsaved: boolean): void {
  const guard = useContext(GuardContext);
  const report = guard?.report;
  useEffect(() => {
    if (!report) return;
    report(unsaved);
    return () => report(false);
  }, [report, unsaved]);
}

/**
 * The dialog's close as its own buttons should use it ("Close"): asks first when a form in it
 * holds unsaved edits. Outside a dialog: `fallback`.
 */
export function useModalClose(fallback: () => void): () => void {
  return useContext(GuardContext)?.requestClose ?? fallback;
}

/**
 * The dialog shell: a backdrop (a click on it closes), Escape closes, a header with the title,
 * a muted line, optional controls and ✕. Focus moves into the dialog when it opens, Tab
 * stays inside it, and focus goes back to where it was when it closes.
 *
 * While a form inside holds unsaved edits (`useUnsavedEdits`), closing asks first, inline:
 * "Discard your changes?" with Keep editing (focused: Enter or Escape again keep them) and
 * Discard. Without edits it closes at once.
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
  // Whether a form inside holds unsaved edits, and whether "Discard your changes?" is shown.
  const [unsaved, setUnsaved] = useState(false);
  const [asking, setAsking] = useState(false);
  const requestClose = (): void => {
    if (unsaved) setAsking(true);
    else onClose();
  };
  const latest = useRef({ requestClose, asking });
  useEffect(() => {
    latest.current = { requestClose, asking };
  });
  const [guard] = useState<ModalGuard>(() => ({
    report: (u) => {
      setUnsaved(u);
      if (!u) setAsking(false);
    },
    requestClose: () => latest.current.requestClose(),
  }));
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      // Escape again while asking: keep editing.
      if (latest.current.asking) setAsking(false);
      else latest.current.requestClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (box.current && !box.current.contains(document.activeElement)) box.current.focus();
    return () => {
      // Only when the focus went down with the dialog: not when another dialog took it.
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost && opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [opener]);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && requestClose()}
    >
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
          <button type="button" className="btn" onClick={requestClose} aria-label="Close">
            ✕
          </button>
        </header>
        {asking && <DiscardBar onKeep={() => setAsking(false)} onDiscard={onClose} />}
        <GuardContext.Provider value={guard}>{children}</GuardContext.Provider>
      </div>
    </div>
  );
}

/**
 * "Discard your changes?" under the dialog's header, kept in view while the dialog scrolls;
 * Keep editing has the focus, so Enter (like Escape) keeps the edits.
 */
export function DiscardBar({ onKeep, onDiscard }: { onKeep: () => void; onDiscard: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  // Where the user was (the field they typed in): the focus goes back there on Keep editing.
  const [before] = useState(() => document.activeElement);
  useEffect(() => {
    keep.current?.focus();
    // Asked by a press outside: that press moves the focus where it landed once its handlers
    // have run (after this), so take it back when a press leaves it outside the dialog.
    const dialog = keep.current?.closest('[role="dialog"]');
    const again = (): void => {
      if (!dialog?.contains(document.activeElement)) keep.current?.focus();
    };
    window.addEventListener('pointerup', again);
    return () => {
      window.removeEventListener('pointerup', again);
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost && before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, [before]);
  return (
    <div
      className="notice notice-warn discard-bar"
      role="alertdialog"
      aria-label="Discard your changes?"
      data-testid="discard-bar"
    >
      <span>Discard your changes? They are not saved.</span>
      <span className="toolbar-spacer" />
      <button
        ref={keep}
        type="button"
        className="btn btn-small btn-primary"
        data-testid="discard-keep"
        onClick={onKeep}
      >
        Keep editing
      </button>
      <button
        type="button"
        className="btn btn-small btn-danger"
        data-testid="discard-confirm"
        onClick={onDiscard}
      >
        Discard
      </button>
    </div>
  );
}
