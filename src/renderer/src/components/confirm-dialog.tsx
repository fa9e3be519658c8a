import type { ReactNode } from 'react';
import { Modal } from './modal';

/**
 * A question before a destructive action, in the page's own dialog: the action button has the
 * focus (Enter confirms), Escape, ✕, the backdrop and "Keep" cancel.
 */
export function ConfirmDialog({
  title,
  children,
  action,
  testId,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  /** The action's label, e.g. "Delete". */
  action: string;
  testId: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={title} testId={testId} className="modal-small" onClose={onCancel}>
      <div>{children}</div>
      <div className="modal-foot">
        <button type="button" className="btn" onClick={onCancel} data-testid="confirm-cancel">
          Keep
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={onConfirm}
          data-testid="confirm-ok"
          autoFocus
        >
          {action}
        </button>
      </div>
    </Modal>
  );
}
