import type { Checkup } from '../../../shared/checkup';
import { formatCount, formatTimestamp } from '../format/format';
import { providerName } from '../format/provider-names';
import type { SampleInfo } from '../model/checkup-form';
import { countsText, formatMs, resultWord, sampleLabel, scoreTone } from '../model/checkup-report';
import { CheckupProbe } from './checkup-probe';

/**
 * A check-up report: the score (0–100) and passed/failed, what was checked and how, then one
 * row per probe. "Re-run" runs it again with the same inputs.
 */
export function CheckupReport({
  run,
  samples,
  running,
  onRerun,
}: {
  run: Checkup;
  samples: SampleInfo[];
  running: boolean;
  onRerun: () => void;
}) {
  const tone = scoreTone(run);
  return (
    <section className="checkup-report" data-testid="checkup-report" aria-label="Check-up report">
      <header className={`checkup-score-head card card-${tone}`}>
        <div
          className={`checkup-score tone-${tone}`}
          data-testid="checkup-score"
          aria-label={`Score ${run.score} of 100`}
        >
          {run.score}
          <span className="checkup-score-of">/100</span>
        </div>
        <div className="checkup-score-text">
          <p className="checkup-result">
            <span
              className={`pill pill-${run.passed ? 'good' : 'bad'}`}
              data-testid="checkup-passed"
            >
              {resultWord(run)}
            </span>{' '}
            <span data-testid="checkup-counts">{countsText(run.counts)}</span>
          </p>
          <p className="muted small">
            <span className="mono break">{run.target}</span> as {providerName(run.provider)} with{' '}
            {sampleLabel(run.sample, samples)} · {formatCount(run.requests)} requests in{' '}
            {formatMs(run.finishedAt - run.startedAt)} ·{' '}
            {formatTimestamp(new Date(run.startedAt).toISOString())}
          </p>
          {!run.passed && (
            <p className="small">
              A must-pass probe failed: <code>hookscope checkup</code> would exit non-zero.
            </p>
          )}
        </div>
        <button
          type="button"
          className="btn"
          disabled={running}
          data-testid="checkup-rerun"
          title="Run it again with the same target, provider, payload and burst"
          onClick={onRerun}
        >
          Re-run
        </button>
      </header>
      <ol className="checkup-probes">
        {run.probes.map((p) => (
          <CheckupProbe key={p.id} probe={p} />
        ))}
      </ol>
    </section>
  );
}
