import type { MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do (wired to the engine and the window in ./index.ts). */
export interface MenuActions {
  /** Copies the public (tunnel) URL, or the receiver URL while no tunnel is online. */
  copyPublicUrl(): void;
  /** Asks, then deletes every event in the log. */
  clearLog(): void;
  /** Switches between light and dark. */
  toggleTheme(): void;
  /** Follows the OS's light/dark setting again. */
  useSystemTheme(): void;
  setNotifications(on: boolean): void;
}

export interface MenuOptions {
  /** Development builds only: DevTools and reload-ignoring-cache. */
  isDev: boolean;
  platform: NodeJS.Platform;
  notifications: boolean;
}

/**
 * The application menu: the platform's usual Edit/View/Window items and shortcuts (which also
 * make copy and paste work in text fields on macOS), plus Copy Public URL, Clear Log, the theme
 * and the notifications toggle. DevTools appear only in development.
 */
export function buildMenuTemplate(a: MenuActions, o: MenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const appItems: MenuItemConstructorOptions[] = [
    {
      id: 'copy-public-url',
      label: 'Copy Public URL',
      accelerator: 'CmdOrCtrl+Shift+C',
      click: () => a.copyPublicUrl(),
    },
    sep,
    {
      id: 'notifications',
      label: 'Desktop Notifications',
      type: 'checkbox',
      checked: o.notifications,
      click: (item) => a.setNotifications(item.checked),
    },
    sep,
    {
      id: 'clear-log',
      label: 'Clear Log…',
      accelerator: 'CmdOrCtrl+Shift+Backspace',
      click: () => a.clearLog(),
    },
  ];
  const view: MenuItemConstructorOptions[] = [
    {
      id: 'toggle-theme',
      label: 'Toggle Dark Theme',
      accelerator: 'CmdOrCtrl+Shift+L',
      click: () => a.toggleTheme(),
    },
    { id: 'system-theme', label: 'Use System Theme', click: () => a.useSystemTheme() },
    sep,
    { role: 'reload' },
    ...(o.isDev
      ? [{ role: 'forceReload' } as const, { id: 'devtools', role: 'toggleDevTools' } as const]
      : []),
    sep,
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    sep,
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            label: 'Hookscope',
            submenu: [
              { role: 'about' },
              sep,
              ...appItems,
              sep,
              { role: 'services' },
              sep,
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              sep,
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : [
          {
            label: '&File',
            submenu: [...appItems, sep, { role: 'quit' }],
          } satisfies MenuItemConstructorOptions,
        ]),
    { role: 'editMenu' },
    { label: mac ? 'View' : '&View', submenu: view },
    { role: 'windowMenu' },
  ];
}

/** Every item in a template, depth first (for tests and lookups by id). */
export function flattenMenu(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flattenMenu(i.submenu) : [])]);
}
