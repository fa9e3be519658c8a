import { useState } from 'react';
import type { CheckupSummary } from '../../../shared/checkup';
import { formatTimestamp } from '../format/format';
import { resultWord, scoreTone } from '../model/checkup-report';
import { RelativeTime } from './relative-time';

/**
 * The endpoint's past check-ups, newest first: score, passed/failed and when. Selecting one
 * shows its report; delete asks once more.
 */
export function CheckupHistory({
  items,
  selected,
  busy,
  onSelect,
  onDelete,
}: {
  items: CheckupSummary[] | null;
  selected: string | null;
  busy: boolean;
  onSelect: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <nav className="checkup-history" aria-label="Check-up history" data-testid="checkup-history">
      <h3>History</h3>
      {items === null ? (
        <p className="muted small">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted small" data-testid="checkup-history-empty">
          No check-up of this endpoint yet.
        </p>
      ) : (
        <ol>
          {items.map((c) => {
            const iso = new Date(c.startedAt).toISOString();
            const tone = scoreTone(c);
            return (
              <li
                key={c.id}
                className={c.id === selected ? 'checkup-history-on' : undefined}
                data-testid="checkup-history-row"
              >
                <button
                  type="button"
                  className="checkup-history-open"
                  aria-current={c.id === selected ? 'true' : undefined}
                  title={`${formatTimestamp(iso)}: ${c.target}`}
                  onClick={() => onSelect(c.id)}
                >
                  <span className={`checkup-history-score tone-${tone}`}>{c.score}</span>
                  <span className={`pill pill-${c.passed ? 'good' : 'bad'}`}>{resultWord(c)}</span>
                  <RelativeTime iso={iso} className="muted small" />
                </button>
                {confirming === c.id ? (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={busy}
                    data-testid="checkup-history-confirm-delete"
                    onClick={() => {
                      setConfirming(null);
                      onDelete(c.id);
                    }}
                  >
                    Confirm
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy}
                    aria-label={`Delete the check-up of ${formatTimestamp(iso)}`}
                    data-testid="checkup-history-delete"
                    onClick={() => setConfirming(c.id)}
                  >
                    Delete
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </nav>
  );
}
