import { useEffect, useRef, useState } from 'react';
import { useClient } from '../client-context';
import type { Checkup } from '../../../shared/checkup';
import type { Endpoint } from '../../../shared/model';
import { errorText } from '../format/error-text';
import { useLoad } from '../hooks/use-load';
import { useNow } from '../hooks/use-now';
import {
  formFromCheckup,
  followEndpoint,
  initialForm,
  pickEndpoint,
  toRunInput,
  type CheckupField,
  type CheckupForm as Form,
  type SampleInfo,
} from '../model/checkup-form';
import { newestFirst } from '../model/checkup-report';
import { CheckupForm } from './checkup-form';
import { CheckupHistory } from './checkup-history';
import { CheckupReport } from './checkup-report';
import { Modal } from './modal';

const HISTORY_LIMIT = 50;
const EMPTY: SampleInfo[] = [];

/** What opens the panel: an endpoint, and a stored delivery to use as the payload. */
export interface CheckupTarget {
  endpointId: string | undefined;
  eventId?: string;
  /** The provider detected on that delivery (used when the endpoint detects its own). */
  providerHint?: string | null;
}

function Progress({ since, target }: { since: number; target: string }) {
  const now = useNow();
  const s = Math.max(0, Math.round((now - since) / 1000));
  return (
    <div className="checkup-progress" role="status" data-testid="checkup-progress">
      <span className="checkup-progress-bar" aria-hidden="true" />
      Checking <span className="mono break">{target}</span>… {s} s
    </div>
  );
}

/**
 * The endpoint check-up (issue 9): the inputs, the report of the run shown, and the
 * endpoint's history. Runs are stored by the engine, so closing the panel mid-run loses
 * nothing: the run shows up in the history when it is done.
 */
export function CheckupPanel({
  endpoints,
  open,
  onClose,
}: {
  endpoints: Endpoint[];
  open: CheckupTarget;
  onClose: () => void;
}) {
  const client = useClient();
  const [endpointId, setEndpointId] = useState(open.endpointId);
  const endpoint = endpoints.find((e) => e.id === endpointId);
  const [form, setForm] = useState<Form>(() => initialForm(endpoint, open));
  // Opened before the endpoints were loaded (the top bar, right after start): fill the form in
  // once they arrive, with the endpoint asked for or the one the top bar would have picked.
  const [awaiting, setAwaiting] = useState(endpoint === undefined);
  if (awaiting) {
    const e = endpointId ? endpoint : pickEndpoint(endpoints);
    if (e) {
      setAwaiting(false);
      setEndpointId(e.id);
      setForm(initialForm(e, open));
    }
  }
  const [errors, setErrors] = useState<Partial<Record<CheckupField, string>>>({});
  const [shown, setShown] = useState<Checkup | null>(null);
  const [running, setRunning] = useState<{ since: number; target: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  // Only the report picked last is shown: an earlier pick's slower answer is dropped.
  const picked = useRef(0);
  // The endpoint shown now, for a run's answer that arrives after a switch to another one.
  const latestEndpoint = useRef(endpointId);
  useEffect(() => {
    latestEndpoint.current = endpointId;
  }, [endpointId]);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // Without the catalogue, the provider's default sample still works.
  const samples = useLoad(() => client.listSamples(), [client]).data?.items ?? EMPTY;

  // The endpoint changed elsewhere while the form is open: untouched fields follow it.
  const filledFrom = useRef(endpoint);
  useEffect(() => {
    const before = filledFrom.current;
    filledFrom.current = endpoint;
    if (before && endpoint && before.id === endpoint.id && before.rev !== endpoint.rev) {
      setForm((f) => followEndpoint(f, before, endpoint));
    }
  }, [endpoint]);

  // The endpoint's history, newest first (null while it loads); only the endpoint shown now
  // gets its answer, as a switch starts a newer request.
  const historyLoad = useLoad(
    () =>
      client
        .listCheckups({ limit: HISTORY_LIMIT, ...(endpointId ? { endpointId } : {}) })
        .then((r) => newestFirst(r.items)),
    [client, endpointId],
    { onError: setError },
  );
  const history = historyLoad.data ?? null;
  const loadHistory = historyLoad.reload;
  // Runs stored or deleted anywhere (another window, the CLI, the API) show in the history.
  useEffect(
    () =>
      client.on('checkups.changed', (c) => {
        if (!endpointId || c.endpointId === endpointId) loadHistory();
      }),
    [client, endpointId, loadHistory],
  );

  const switchEndpoint = (id: string): void => {
    const next = endpoints.find((e) => e.id === id);
    latestEndpoint.current = id;
    setEndpointId(id);
    setForm(initialForm(next));
    setErrors({});
    setShown(null);
    setError(null);
  };

  const run = (f: Form): void => {
    const checked = toRunInput(endpoint, f);
    setErrors('errors' in checked ? checked.errors : {});
    if ('errors' in checked) return;
    setError(null);
    setRunning({ since: Date.now(), target: checked.input.target ?? '' });
    client.runCheckup(checked.input).then(
      (result) => {
        if (!alive.current) return;
        setRunning(null);
        if (result.endpointId === (latestEndpoint.current ?? null)) {
          picked.current++; // a pick still on its way does not replace the run just shown
          setShown(result);
        }
        loadHistory();
      },
      (err: unknown) => {
        if (!alive.current) return;
        setRunning(null);
        setError(errorText(err));
      },
    );
  };

  const select = (id: string): void => {
    setError(null);
    const mine = ++picked.current;
    const current = (): boolean => alive.current && mine === picked.current;
    client.getCheckup({ id }).then(
      (c) => current() && setShown(c),
      (err: unknown) => current() && setError(errorText(err)),
    );
  };

  const remove = (id: string): void => {
    setBusy(true);
    client.deleteCheckup({ id }).then(
      () => {
        if (!alive.current) return;
        setBusy(false);
        if (shown?.id === id) setShown(null);
        loadHistory();
      },
      (err: unknown) => {
        if (!alive.current) return;
        setBusy(false);
        setError(errorText(err));
      },
    );
  };

  const rerun = (c: Checkup): void => {
    const next = formFromCheckup(c, form);
    setForm(next);
    run(next);
  };

  return (
    <Modal
      title="Check-up"
      subtitle="Grade your own receiver: signatures, duplicates, timing and bursts."
      testId="checkup-panel"
      className="checkup-modal"
      onClose={onClose}
      head={
        <label className="field checkup-endpoint">
          <span className="muted small">Endpoint</span>
          <select
            value={endpointId ?? ''}
            disabled={running !== null}
            data-testid="checkup-endpoint"
            onChange={(e) => switchEndpoint(e.target.value)}
          >
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({e.path})
              </option>
            ))}
          </select>
        </label>
      }
    >
      <CheckupForm
        endpoint={endpoint}
        form={form}
        samples={samples}
        errors={errors}
        running={running !== null}
        onChange={setForm}
        onRun={() => run(form)}
      />
      {running && <Progress since={running.since} target={running.target} />}
      {error && (
        <p className="notice notice-bad" role="alert" data-testid="checkup-error">
          {error}
        </p>
      )}
      <div className="checkup-body">
        <CheckupHistory
          items={history}
          selected={shown?.id ?? null}
          busy={busy}
          onSelect={select}
          onDelete={remove}
        />
        {shown ? (
          <CheckupReport
            key={shown.id}
            run={shown}
            samples={samples}
            running={running !== null}
            onRerun={() => rerun(shown)}
          />
        ) : (
          <p className="muted checkup-empty">
            Run a check-up, or open one from the history, to see its report here.
          </p>
        )}
      </div>
    </Modal>
  );
}
