/**
 * The banner of a form whose entity changed elsewhere while it was open: Reload takes the new
 * version (dropping the edits), Keep editing hides it until the next change (a save then gets
 * the conflict, with the edits kept).
 */
export function ChangedElsewhere({
  what,
  testId,
  onReload,
  onKeepEditing,
}: {
  /** "This endpoint was changed elsewhere." */
  what: string;
  /** Prefix of the test ids: `<testId>-stale`, `-reload`, `-keep-editing`. */
  testId: string;
  onReload: () => void;
  onKeepEditing: () => void;
}) {
  return (
    <div className="banner banner-warn" role="alert" data-testid={`${testId}-stale`}>
      {what}{' '}
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-reload`}
        onClick={onReload}
      >
        Reload
      </button>{' '}
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-keep-editing`}
        onClick={onKeepEditing}
      >
        Keep editing
      </button>
    </div>
  );
}
