import type { Page } from '@playwright/test';
import { expect, test } from './helpers/serve';
import { apiPath, openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

// The workspace switcher. The Electron window cannot run here, so the desktop shell is played
// at the page's bridge: `window.hookscope` is put in place before the page loads (as the
// preload does), answers the shell's workspace commands itself (what src/main/workspaces.ts
// answers; that code is tested in Node against a real server in test/main/remote-engine.test.ts)
// and passes every other command and the push stream to the real `hookscope serve`.

interface FakeShellArgs {
  token: string;
}

/** Runs in the page before its scripts: a bridge with the shell's workspace commands. */
function fakeShell({ token }: FakeShellArgs): void {
  type State = {
    workspaces: { id: string; name: string; kind: string; url: string | null; hasCa: boolean }[];
    activeId: string;
    connection: string;
    detail?: string;
    calls: [string, unknown][];
  };
  // The page's globals (this file is compiled without the DOM's types).
  const page = globalThis as unknown as {
    sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    fakeShell: unknown;
    hookscope: unknown;
  };
  const sessionStorage = page.sessionStorage;
  const KEY = 'fake-shell';
  const load = (): State =>
    (JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as State | null) ?? {
      workspaces: [{ id: 'local', name: 'Local', kind: 'local', url: null, hasCa: false }],
      activeId: 'local',
      connection: 'local',
      calls: [],
    };
  const save = (s: State): void => sessionStorage.setItem(KEY, JSON.stringify(s));
  const view = ({ calls: _calls, ...v }: State) => v;
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const emit = (name: string, payload: unknown): void =>
    listeners.get(name)?.forEach((l) => l(payload));
  const changed = (s: State) => {
    save(s);
    emit('workspace.changed', view(s));
    return view(s);
  };
  const shell: Record<string, (input: Record<string, string>) => unknown> = {
    listWorkspaces: () => view(load()),
    addWorkspace: (input) => {
      const s = load();
      s.calls.push(['addWorkspace', input]);
      save(s);
      if (input.token === 'wrong') {
        throw {
          code: 'unauthorized',
          message: `Could not open "${input.name}": missing, wrong or revoked bearer token`,
        };
      }
      s.workspaces.push({
        id: `srv-${s.workspaces.length}`,
        name: input.name!,
        kind: 'server',
        url: input.url!.replace(/\/+$/, ''),
        hasCa: !!input.ca,
      });
      return changed(s);
    },
    removeWorkspace: ({ id }) => {
      const s = load();
      s.workspaces = s.workspaces.filter((w) => w.id !== id);
      if (s.activeId === id) Object.assign(s, { activeId: 'local', connection: 'local' });
      return changed(s);
    },
    switchWorkspace: ({ id }) => {
      const s = load();
      s.calls.push(['switchWorkspace', { id }]);
      s.activeId = id!;
      s.connection = id === 'local' ? 'local' : 'online';
      delete s.detail;
      return changed(s);
    },
  };
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  async function invoke(name: string, input: unknown): Promise<unknown> {
    if (name in shell) return shell[name]!((input ?? {}) as Record<string, string>);
    const res = await fetch(`/api/${name}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
    });
    const body = (await res.json()) as { error?: unknown };
    if (res.ok) return body;
    throw body.error;
  }
  let streaming = false;
  async function stream(): Promise<void> {
    const res = await fetch('/api/stream', { headers });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) !== -1) {
        let event = 'message';
        let data = '';
        for (const line of buf.slice(0, end).split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        buf = buf.slice(end + 2);
        if (data) emit(event, JSON.parse(data));
      }
    }
  }
  page.fakeShell = {
    calls: () => load().calls,
    connection: (connection: string, detail?: string) => {
      const s = load();
      s.connection = connection;
      if (detail) s.detail = detail;
      else delete s.detail;
      changed(s);
    },
  };
  page.hookscope = Object.freeze({
    invoke,
    on(event: string, listener: (p: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      if (!streaming) {
        streaming = true;
        void stream();
      }
      return () => listeners.get(event)?.delete(listener);
    },
  });
}

async function openShell(
  page: Page,
  server: { apiUrl: string; token: string; receiverUrl: string },
) {
  await page.addInitScript(fakeShell, { token: server.token });
  await openUi(page, `${server.apiUrl}/`, server.receiverUrl);
}

const CA = `-----BEGIN CERTIFICATE-----
MIIBfake
-----END CERTIFICATE-----
`;

test('in a browser against hookscope serve there is no workspace switcher', async ({
  page,
  server,
}) => {
  const answered = page.waitForResponse((r) => apiPath(r.url()) === '/api/listWorkspaces');
  await openUi(page, server.uiUrl, server.receiverUrl);
  const res = await answered;
  expect(res.status()).toBe(501);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
    'only in the Hookscope desktop app',
  );
  await expect(page.getByTestId('event-count')).toHaveText('0');
  await expect(page.getByTestId('workspace-switch')).toHaveCount(0);
});

test('the desktop switcher: Local, add a server, switch, lost and back', async ({
  page,
  server,
}) => {
  await openShell(page, server);
  const button = page.getByTestId('workspace-switch');
  await expect(button).toContainText('Local');
  await expect(button).toHaveAttribute('aria-label', 'Workspace: Local (this computer)');

  await button.click();
  const menu = page.getByTestId('workspace-menu');
  await expect(menu.getByTestId('workspace-option')).toHaveCount(1);
  await expect(menu.getByTestId('workspace-option')).toHaveAttribute('aria-checked', 'true');
  await menu.getByTestId('workspace-add').click();
  const form = menu.getByTestId('workspace-form');
  await form.getByLabel('Name').fill('Team');
  await form.getByLabel('Server address').fill('https://hooks.example.com/');
  await form.getByLabel('Access token').fill('wrong');
  await form.getByRole('button', { name: 'Add and open' }).click();
  // A refused token: said in words, the form keeps what was typed.
  await expect(menu.getByTestId('workspace-error')).toHaveText(
    'Could not open "Team": missing, wrong or revoked bearer token',
  );
  await expect(form.getByLabel('Name')).toHaveValue('Team');

  await form.getByLabel('Access token').fill('team-token');
  await form.getByLabel(/CA certificate/).setInputFiles({
    name: 'team-ca.pem',
    mimeType: 'application/x-pem-file',
    buffer: Buffer.from(CA),
  });
  const reloaded = page.waitForEvent('load');
  await form.getByRole('button', { name: 'Add and open' }).click();
  await reloaded;
  // The page reloaded onto the server; the CA file's text went to the shell with the token.
  await expect(page.getByTestId('workspace-active')).toHaveText('Team');
  const calls = (await page.evaluate('window.fakeShell.calls()')) as [string, unknown][];
  expect(calls.at(-2)).toEqual([
    'addWorkspace',
    { name: 'Team', url: 'https://hooks.example.com/', token: 'team-token', ca: CA },
  ]);
  expect(calls.at(-1)).toEqual(['switchWorkspace', { id: 'srv-1' }]);

  // Lost and back, as main reports the server's stream.
  await page.evaluate(
    "window.fakeShell.connection('lost', 'Cannot reach the Hookscope server at https://hooks.example.com (connection refused: is the server running?).')",
  );
  await expect(page.getByTestId('workspace-connection')).toHaveText('Connection lost, retrying');
  await expect(button).toHaveAttribute('title', /connection refused/);
  await page.evaluate("window.fakeShell.connection('online')");
  await expect(page.getByTestId('workspace-connection')).toHaveCount(0);
  // Live deliveries still arrive (the rest of the page is untouched by the switcher).
  await sendWebhook(server, '/stripe/webhooks', '{"type":"payment_intent.succeeded"}');
  await expect(page.getByTestId('event-row')).toHaveCount(1);

  // The screenshot of the switcher, open, with both workspaces.
  await sendWebhook(server, '/github', '{"action":"opened"}');
  await expect(page.getByTestId('event-row')).toHaveCount(2);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
  await button.click();
  await expect(menu.getByTestId('workspace-option')).toHaveCount(2);
  await expect(menu.getByTestId('workspace-option').nth(1)).toHaveAttribute('aria-checked', 'true');
  await page.screenshot({ path: 'docs/screenshot-workspaces.png' });

  // Back to Local: one click, the page reloads onto it.
  const back = page.waitForEvent('load');
  await menu.getByTestId('workspace-option').first().click();
  await back;
  await expect(page.getByTestId('workspace-active')).toHaveText('Local');

  // Removing the server leaves Local alone.
  await button.click();
  await menu.getByTestId('workspace-remove').click();
  await expect(menu.getByTestId('workspace-option')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
});
